"""The account page's health tools in real Chromium: record a CSM sentiment, compare two days,
and the history chart with the definition change marked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.health import snapshots
from hatake.health.scoring import FactorResult, ScoreResult
from tests.browser import screenshot, sign_in_ja
from tests.helpers import create_account, create_subscription, create_user
from tests.live import LiveServer

pytestmark = pytest.mark.browser
DAYS = 75
NEW_VERSION_AFTER = 50  # days 0..49 scored with v1, the rest with v2


def _factor(metric: str, raw: float | str | None, points: float, weight: float) -> FactorResult:
    return FactorResult(
        metric=metric,
        group="g",
        raw_value=raw,
        points=points,
        weight_effective=weight,
        contribution=points * weight / 100.0,
        missing=raw is None,
        policy="redistribute",
    )


def _day_result(index: int) -> ScoreResult:
    """A customer that slides from healthy to at risk: tickets pile up, usage falls."""
    tickets = min(5, index // 12)
    usage = max(0.1, 0.75 - index * 0.008)
    ticket_points = {0: 100.0, 1: 80.0, 2: 80.0, 3: 40.0, 4: 40.0}.get(tickets, 0.0)
    usage_points = min(100.0, usage / 0.8 * 100)
    if index < NEW_VERSION_AFTER:
        version = "2026-11-23.2"
        factors = (
            _factor("usage_rate", usage, usage_points, 50),
            _factor("open_tickets", float(tickets), ticket_points, 30),
            _factor("nps_category", "passive", 60.0, 20),
        )
    else:
        version = "2026-11-23.3"
        factors = (
            _factor("usage_rate", usage, usage_points, 50),
            _factor("open_tickets", float(tickets), ticket_points, 30),
            _factor("nps_category", "passive", 60.0, 12),
            _factor("csm_sentiment", 2.0, 25.0, 8),
        )
    score = sum(factor.contribution for factor in factors)
    grade = "healthy" if score >= 70 else "neutral" if score >= 40 else "at_risk"
    return ScoreResult(version, "default", score, grade, factors)


def _seed(session: Session, runtime: Runtime) -> tuple[int, date]:
    owner = create_user(session, email="csm@example.com", name="佐藤 花子")
    account = create_account(
        session, name="株式会社はたけ建設", external_id="HTK-001", owner_id=owner.id
    )
    create_subscription(session, account, plan="pro", mrr_minor=240000, seats=30)
    session.commit()
    last = date.today() - timedelta(days=1)
    first = last - timedelta(days=DAYS - 1)
    for index in range(DAYS):
        result = _day_result(index)
        snapshots.replace_day(
            runtime.analytics(),
            as_of=first + timedelta(days=index),
            version=result.definition_version,
            results={"HTK-001": result},
        )
    runtime.close()
    return account.id, last


def test_record_a_sentiment_and_compare_two_days(
    browser: Browser,
    session: Session,
    runtime: Runtime,
    live_server: LiveServer,
    database_url: str,
) -> None:
    account_id, last = _seed(session, runtime)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/accounts/{account_id}")
    sign_in_ja(page, "csm@example.com")
    expect(page.get_by_role("heading", name="株式会社はたけ建設")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('health-chart')")
    expect(page.get_by_text("破線は新しいスコア定義に切り替わった日を示します。")).to_be_visible()

    # The why-changed card opens on the last 30 days (different definition versions).
    changes = page.locator("#changes")
    expect(changes.locator(".change-summary")).to_be_visible()
    expect(changes.locator(".version-note")).to_contain_text("2026-11-23.2")

    # Record a rating through the htmx form.
    card = page.locator("#sentiment")
    expect(card.get_by_text("まだ評価がありません。")).to_be_visible()
    card.locator("input[name=rating][value='2']").check()
    card.get_by_label("メモ（任意）").fill("定例会で解約を示唆")
    card.get_by_role("button", name="評価を記録").click()
    expect(card.get_by_role("status")).to_contain_text("記録しました")
    expect(card.locator(".sentiment-label")).to_have_text("不満")
    expect(card.locator("table.sentiments tbody tr")).to_have_count(1)
    expect(card.locator("table.sentiments")).to_contain_text("定例会で解約を示唆")
    screenshot(page, "account-health", database_url)

    # Compare two days inside the first definition version: htmx reloads the table.
    first_day = last - timedelta(days=DAYS - 1)
    changes.get_by_label("開始日").fill(first_day.isoformat())
    changes.get_by_label("終了日").fill((first_day + timedelta(days=40)).isoformat())
    changes.get_by_role("button", name="比較").click()
    expect(changes.locator(".version-note")).to_have_count(0)
    expect(changes.locator(".change-scores")).to_contain_text(first_day.isoformat())
    rows = changes.locator("table.changes tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("利用率")
    screenshot(changes, "why-changed", database_url)

    # English, and a day without a score falls back to the nearest earlier one.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Why did the score change?")).to_be_visible()
    page.locator("#changes").get_by_label("From").fill((first_day - timedelta(days=3)).isoformat())
    page.locator("#changes").get_by_role("button", name="Compare").click()
    expect(page.locator("#changes [role=status]")).to_contain_text(
        "No score is stored on or before"
    )
    page.locator("#changes").get_by_label("From").fill(first_day.isoformat())
    page.locator("#changes").get_by_role("button", name="Compare").click()
    expect(page.locator("#changes table.changes")).to_be_visible()
    screenshot(page, "account-health-en", database_url)
    context.close()

"""The score-definition page and the home page's grade movement in real Chromium."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.health.definition import default_definition
from tests.browser import screenshot, sign_in_ja
from tests.health.definition_data import BROKEN, CHAMPION_ONLY, DAY, seed_portfolio
from tests.health.scored import store_day
from tests.helpers import create_account, create_subscription, create_user
from tests.live import LiveServer

pytestmark = pytest.mark.browser
GRADES = [(85.0, "healthy"), (55.0, "neutral"), (20.0, "at_risk")]


def _seed(session: Session, runtime: Runtime) -> None:
    """The preview portfolio plus 40 accounts whose grades drift over 90 days of scores."""
    seed_portfolio(session, runtime)
    for number in range(40):
        account = create_account(session, external_id=f"M-{number:02d}", name=f"株式会社M{number}")
        create_subscription(session, account, start_date=date(2026, 1, 1))
    create_user(session, email="manager@example.com", name="鈴木 部長", role="manager")
    session.commit()
    version = default_definition().version
    for offset in range(1, 90):
        day = DAY - timedelta(days=offset)
        store_day(
            runtime.analytics(),
            day,
            version,
            {f"M-{n:02d}": GRADES[(n + offset // 15) % 3 if n % 4 else 0] for n in range(40)},
        )
    store_day(
        runtime.analytics(),
        DAY,
        version,
        {
            **{f"M-{n:02d}": GRADES[n % 3] for n in range(40)},
            "P-A": (80.0, "healthy"),
            "P-B": (50.0, "neutral"),
            "P-C": (10.0, "at_risk"),
            "P-E": (90.0, "healthy"),
        },
    )
    runtime.close()


def test_validate_preview_and_save_a_definition(
    browser: Browser,
    session: Session,
    runtime: Runtime,
    live_server: LiveServer,
    database_url: str,
) -> None:
    _seed(session, runtime)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/health/definitions")
    sign_in_ja(page, "manager@example.com")
    expect(page.get_by_role("heading", name="スコア定義", exact=True)).to_be_visible()

    editor = page.locator("textarea[name=document]")
    editor.fill(BROKEN)
    page.get_by_role("button", name="検証").click()
    alert = page.locator("#definition-result [role=alert]")
    expect(alert).to_contain_text("定義に2件の問題があります")
    expect(alert).to_contain_text("profiles[0].groups[0].factors[0].weight")
    screenshot(page, "definitions-invalid", database_url)

    editor.fill(CHAMPION_ONLY)
    page.get_by_role("button", name="プレビュー").click()
    expect(page.locator("#preview-changed")).to_have_text("30")
    expect(page.get_by_role("link", name="株式会社M0", exact=True)).to_be_visible()
    screenshot(page, "definitions-preview", database_url)

    page.get_by_label("メモ").fill("チャンピオンだけで評価")
    page.get_by_role("button", name="新しいバージョンとして保存").click()
    saved = page.get_by_role("status")
    expect(saved).to_contain_text("バージョン test-champion.1 を保存しました。")
    expect(page.get_by_role("cell", name="チャンピオンだけで評価")).to_be_visible()
    screenshot(page, "definitions-saved", database_url)

    page.get_by_role("link", name="ホーム").click()
    expect(page.get_by_text("7日前（2026-10-25）から：")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('grade-chart')")
    screenshot(page, "home-grade-movement", database_url)
    page.locator("a.moved-worse").first.click()
    expect(page.get_by_role("heading", name="7日間で評価が悪化した顧客")).to_be_visible()
    screenshot(page, "grade-worsened", database_url)
    context.close()

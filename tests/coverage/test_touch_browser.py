"""Logging a touch from the account page in real Chromium, and the account becoming covered on
the coverage page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from tests.browser import screenshot, sign_in_ja
from tests.helpers import (
    create_account,
    create_contact,
    create_subscription,
    create_touchpoint,
    create_user,
)
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def _seed(session: Session) -> int:
    owner = create_user(session, email="csm@example.com", name="佐藤 花子")
    start = date.today() - timedelta(days=400)
    account = create_account(session, name="株式会社はたけ建設", owner_id=owner.id)
    create_subscription(session, account, start_date=start)
    create_contact(session, account, name="山田 太郎")
    stranger = create_account(session, name="株式会社となり商事", owner_id=owner.id)
    create_subscription(session, stranger, start_date=start)
    create_contact(session, stranger, name="他社 次郎")
    # 40 days ago: outside the default 30-day cadence (no tiers recorded).
    long_ago = datetime.now(UTC) - timedelta(days=40)
    for customer in (account, stranger):
        create_touchpoint(session, customer, occurred_at=long_ago, summary="前回の定例")
    session.commit()
    return account.id


def test_log_a_touch_and_see_the_account_covered(
    browser: Browser, session: Session, live_server: LiveServer, database_url: str
) -> None:
    account_id = _seed(session)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/coverage")
    sign_in_ja(page, "csm@example.com")
    expect(page.get_by_role("heading", name="接触率", exact=True)).to_be_visible()
    overall = page.locator("#coverage-overall")
    expect(overall).to_contain_text("0.0%")
    uncovered = page.locator("#coverage-uncovered")
    expect(uncovered.locator("tbody tr")).to_have_count(2)
    expect(uncovered).to_contain_text("株式会社はたけ建設")
    expect(page.locator("#coverage-trend tbody tr")).to_have_count(12)
    page.wait_for_function("() => window.Chart && Chart.getChart('coverage-chart')")
    expect(page.locator("#coverage-cells")).to_contain_text("マトリクスのセル別")
    screenshot(page, "coverage-before", database_url)

    page.goto(f"{live_server.url}/accounts/{account_id}")
    card = page.locator("#touch-log")
    expect(card.locator("#coverage-status")).to_contain_text("未接触")
    expect(card.locator("#coverage-status")).to_contain_text("40 日前")
    touches = page.locator("#touchpoints-body tr")
    expect(touches).to_have_count(1)

    # A date far in the future is refused with the reason, and nothing is written.
    card.get_by_label("チャネル").select_option("web_meeting")
    card.get_by_label("要約", exact=True).fill("オンボーディングの進捗確認")
    card.get_by_label("日時（空欄なら現在）").fill(
        (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    )
    card.get_by_role("button", name="記録する").click()
    expect(card.get_by_role("alert")).to_contain_text("未来の日時です")
    expect(card.get_by_label("要約", exact=True)).to_have_value("オンボーディングの進捗確認")
    expect(touches).to_have_count(1)
    screenshot(card, "touch-rejected", database_url)

    # Now: the touch shows at once in the card and in the touchpoint table, without a reload.
    card.get_by_label("日時（空欄なら現在）").fill("")
    card.get_by_label("相手").select_option(label="山田 太郎")
    card.get_by_label("次のアクション日").fill((date.today() + timedelta(days=7)).isoformat())
    page.evaluate("window.__kept = true")
    card.get_by_role("button", name="記録する").click()
    expect(card.get_by_role("status")).to_contain_text("接触を記録しました")
    expect(card.locator("#coverage-status")).to_contain_text("接触済み")
    expect(touches).to_have_count(2)
    expect(touches.first).to_contain_text("オンボーディングの進捗確認")
    expect(touches.first).to_contain_text("山田 太郎")
    assert page.evaluate("window.__kept") is True  # the same page: no reload
    screenshot(page, "touch-logged", database_url)

    page.goto(f"{live_server.url}/coverage")
    expect(overall).to_contain_text("50.0%")
    expect(uncovered.locator("tbody tr")).to_have_count(1)
    expect(uncovered).not_to_contain_text("株式会社はたけ建設")
    screenshot(page, "coverage-after", database_url)
    context.close()

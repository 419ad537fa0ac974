"""Working today's queue in real Chromium: a CSM signs in, logs a touch from the queue and sees
the account leave it; a snooze without a reason is refused in place; a snooze listed on the page
is ended and the account comes back."""

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


def _seed(session: Session) -> tuple[int, int]:
    owner = create_user(session, email="csm@example.com", name="佐藤 花子")
    start = date.today() - timedelta(days=400)
    ids = []
    # 40 and 35 days ago: past the default 30-day cadence (no tiers recorded).
    for name, days in (("株式会社はたけ建設", 40), ("株式会社となり商事", 35)):
        account = create_account(session, name=name, owner_id=owner.id, start_date=start)
        create_subscription(session, account, start_date=start)
        create_contact(session, account, name=f"{name[-4:]} 担当")
        moment = datetime.now(UTC) - timedelta(days=days)
        create_touchpoint(session, account, occurred_at=moment, summary="前回の定例")
        ids.append(account.id)
    session.commit()
    return ids[0], ids[1]


def test_log_a_touch_from_the_queue_and_see_the_account_leave(
    browser: Browser, session: Session, live_server: LiveServer, database_url: str
) -> None:
    first, second = _seed(session)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/queue")
    sign_in_ja(page, "csm@example.com")
    expect(page.get_by_role("heading", name="今日のキュー", exact=True)).to_be_visible()
    rows = page.locator("#queue tbody.queue-item")
    expect(rows).to_have_count(2)
    # 40 days since, cadence 30: 10 days overdue x 1 (no tier) = 10, listed first.
    item = page.locator(f"#queue-item-{first}")
    expect(item).to_contain_text("10 日超過 × 区分なし 1 = 10")
    expect(rows.first).to_contain_text("株式会社はたけ建設")

    # A snooze without a reason is refused where it was typed; nothing changes.
    item.get_by_role("button", name="スヌーズ").click()
    snooze = item.locator(".queue-snooze")
    snooze.get_by_label("再表示日").fill((date.today() + timedelta(days=7)).isoformat())
    snooze.get_by_role("button", name="スヌーズ").click()
    expect(snooze.get_by_role("alert")).to_contain_text("理由")
    expect(rows).to_have_count(2)

    item.get_by_role("button", name="接触を記録").click()
    card = item.locator("#touch-log")
    expect(card.get_by_label("チャネル")).to_be_visible()
    expect(item.locator(".queue-snooze")).to_have_count(0)  # one panel open at a time
    card.get_by_label("チャネル").select_option("web_meeting")
    card.get_by_label("要約", exact=True).fill("活用状況の確認")
    screenshot(page, "queue-touch-open", database_url)
    card.get_by_role("button", name="記録する").click()
    expect(page.locator(f"#queue-item-{first}")).to_contain_text("今日のキューから外れました")
    expect(rows).to_have_count(1)
    expect(page.locator(f"#queue-item-{second}")).to_be_visible()
    screenshot(page, "queue-after-touch", database_url)

    page.reload()
    expect(rows).to_have_count(1)
    expect(page.locator("#queue")).not_to_contain_text("株式会社はたけ建設")

    # Snooze the other account; read again it still says snoozed. The list of snoozes shows
    # it, and ending the snooze brings its row back into the queue at once.
    item = page.locator(f"#queue-item-{second}")
    item.get_by_role("button", name="スヌーズ").click()
    snooze = item.locator(".queue-snooze")
    until = (date.today() + timedelta(days=7)).isoformat()
    snooze.get_by_label("再表示日").fill(until)
    snooze.get_by_label("理由").fill("決算期のため来週連絡")
    snooze.get_by_role("button", name="スヌーズ").click()
    expect(page.locator(f"#queue-item-{second}")).to_contain_text(f"{until} までスヌーズしました")
    page.reload()
    expect(rows).to_have_count(0)
    snoozes = page.locator("#queue-snoozes")
    snoozes.get_by_text("スヌーズ中の顧客（1 社）").click()
    line = snoozes.locator(f"#snoozed-{second}")
    expect(line).to_contain_text("決算期のため来週連絡")
    expect(line).to_contain_text("佐藤 花子")
    expect(line).to_contain_text("連絡期限到来・キューに非表示")
    screenshot(page, "queue-snoozes", database_url)
    line.get_by_role("button", name="スヌーズを解除").click()
    expect(line).to_contain_text("今日のキューに戻りました")
    expect(page.locator(f"#queue-item-{second}")).to_contain_text("株式会社となり商事")
    expect(rows).to_have_count(1)
    page.reload()
    expect(rows).to_have_count(1)
    expect(page.locator("#queue-snoozes")).to_have_count(0)
    context.close()

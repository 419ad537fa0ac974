"""The web shell in real Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.usage import store
from tests.browser import screenshot, sign_in_ja
from tests.helpers import (
    PASSWORD,
    create_account,
    create_contact,
    create_subscription,
    create_survey_response,
    create_ticket,
    create_touchpoint,
    create_user,
)
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def _seed(session: Session, runtime: Runtime) -> None:
    owner = create_user(session, email="csm@example.com", name="佐藤 花子")
    create_user(session, email="tanaka@example.com", name="田中 一郎")
    for number in range(1, 61):
        create_account(
            session,
            name=f"株式会社サンプル{number:02d}",
            external_id=f"S-{number:03d}",
            owner_id=owner.id,
        )
    target = create_account(
        session,
        name="株式会社はたけ建設",
        external_id="HTK-001",
        owner_id=owner.id,
        industry="建設業",
        employee_count=230,
    )
    champion = create_contact(session, target, name="山田 太郎", is_champion=True, role="工事部長")
    create_contact(session, target, name="鈴木 次郎", deactivated_on=date(2026, 9, 1))
    create_subscription(session, target, plan="pro", mrr_minor=240000, seats=30)
    create_touchpoint(
        session,
        target,
        channel="web_meeting",
        summary="活用状況の定例会",
        contact_id=champion.id,
        user_id=owner.id,
    )
    create_ticket(session, target, subject="帳票が出力できない", priority="high")
    create_survey_response(session, champion, nps=4, comment="操作が難しい")
    session.commit()
    today = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    stamps = [today - timedelta(days=day) for day in range(30) for _ in range(3)]
    store.append_events(
        runtime.analytics(),
        pa.table(
            {
                "message_id": [f"m{i}" for i in range(len(stamps))],
                "account_id": ["HTK-001"] * len(stamps),
                "user_id": [f"u{i % 4}" for i in range(len(stamps))],
                "event": ["login"] * len(stamps),
                "timestamp": stamps,
                "properties": [None] * len(stamps),
                "received_at": [None] * len(stamps),
            }
        ),
    )
    runtime.close()


def test_sign_in_search_and_open_an_account(
    browser: Browser,
    session: Session,
    runtime: Runtime,
    live_server: LiveServer,
    database_url: str,
) -> None:
    _seed(session, runtime)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts")
    expect(page).to_have_url(f"{live_server.url}/login?next=/accounts")
    sign_in_ja(page, "csm@example.com")
    expect(page.get_by_role("heading", name="顧客一覧")).to_be_visible()
    expect(page.locator("#result-count")).to_have_text("61社")
    expect(page.get_by_text("1 / 2 ページ")).to_be_visible()
    screenshot(page, "accounts-list", database_url)

    page.get_by_placeholder("会社名・外部ID・業種で検索").fill("はたけ")
    expect(page.locator("#result-count")).to_have_text("1社")
    expect(page).to_have_url(
        f"{live_server.url}/accounts?q=%E3%81%AF%E3%81%9F%E3%81%91&owner=&plan=&status=&sort=name&order=asc"
    )
    page.get_by_role("link", name="株式会社はたけ建設").click()

    expect(page.get_by_role("heading", name="株式会社はたけ建設")).to_be_visible()
    expect(page.get_by_role("cell", name="山田 太郎 チャンピオン")).to_be_visible()
    expect(page.get_by_text("活用状況の定例会")).to_be_visible()
    expect(page.get_by_text("帳票が出力できない")).to_be_visible()
    expect(page.get_by_text("操作が難しい")).to_be_visible()
    expect(page.get_by_text("￥240,000")).to_be_visible()
    expect(page.get_by_text("90件のイベント、90日中30日利用、1日最大3ユーザー")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('usage-chart')")
    screenshot(page, "account-page", database_url)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Recent usage (90 days)")).to_be_visible()
    screenshot(page, "account-page-en", database_url)
    context.close()


def test_a_broken_import_shows_every_bad_row(
    browser: Browser,
    session: Session,
    live_server: LiveServer,
    database_url: str,
    tmp_path: Path,
) -> None:
    create_user(session, email="csm@example.com", name="佐藤 花子")
    session.commit()
    broken = tmp_path / "顧客リスト.csv"
    broken.write_bytes(
        "外部ID,会社名,従業員数,契約開始日\r\n"
        "ACC-1,株式会社はたけ建設,120,2025/13/01\r\n"
        "ACC-1,株式会社みのり不動産,-5,2025/04/01\r\n".encode("cp932")
    )
    context = browser.new_context(locale="en-US", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/imports")
    page.get_by_label("Email").fill("csm@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("File (.csv").set_input_files(str(broken))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("顧客リスト.csv")
    rows = page.locator("table.issues tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("2025/13/01")
    screenshot(page, "import-errors", database_url)
    context.close()


def test_the_main_menu_groups_pages_and_marks_where_you_are(
    browser: Browser, session: Session, live_server: LiveServer, database_url: str
) -> None:
    create_user(session, email="manager@example.com", name="高橋 美咲", role="manager")
    session.commit()
    context = browser.new_context(locale="ja-JP", viewport={"width": 1024, "height": 700})
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    sign_in_ja(page, "manager@example.com")
    menu = page.get_by_role("navigation", name="メイン")
    box = menu.bounding_box()
    assert box is not None
    assert box["height"] < 40  # one line at 1024 px: nothing wraps
    groups = menu.locator("details.navgroup")
    expect(groups).to_have_count(3)
    expect(menu.get_by_role("link", name="接触率")).to_be_hidden()

    menu.get_by_text("分析", exact=True).click()
    screenshot(page, "menu-open", database_url)
    menu.get_by_role("link", name="接触率").click()
    expect(page.get_by_role("heading", name="接触率", exact=True)).to_be_visible()
    expect(menu.locator("summary[aria-current]")).to_have_text("分析: 接触率")

    menu.get_by_text("チーム運営").click()
    menu.get_by_text("設定").click()
    expect(menu.locator("details.navgroup[open]")).to_have_count(1)
    expect(menu.get_by_role("link", name="スコア定義")).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu.locator("details.navgroup[open]")).to_have_count(0)
    context.close()

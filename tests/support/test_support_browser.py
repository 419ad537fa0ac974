"""The support report and the account page's support card in real Chromium on demo data, in
Japanese and English, with screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.settings import Settings
from hatake.support.models import Ticket
from tests.browser import screenshot, sign_in_ja
from tests.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(settings: Settings) -> Settings:
    result = CliRunner().invoke(
        app,
        ["demo", "--accounts", "150", "--months", "24", "--seed", "42", "--today",
         "2026-11-23", "--score-days", "0"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return settings


def _charts_drawn(page: Page) -> None:
    page.wait_for_function(
        "() => window.Chart && Chart.getChart('support-volume-chart')"
        " && Chart.getChart('support-backlog-chart')"
    )


def test_support_report_and_account_card(
    browser: Browser, demo: Settings, session: Session, live_server: LiveServer, database_url: str
) -> None:
    busiest = session.execute(
        select(Ticket.account_id).group_by(Ticket.account_id).order_by(func.count().desc())
    ).scalar()
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/reports/support")
    sign_in_ja(page, "demo@hatake.example", "hatake-demo")
    expect(page.get_by_role("heading", name="サポート分析", exact=True)).to_be_visible()
    expect(page.locator("#table-summary tbody tr")).to_have_count(13)  # 12 months + the range
    expect(page.locator("#table-functional h2")).to_have_text(
        "テクニカルサポート（機能面の問い合わせ）期間別"
    )
    expect(page.locator("#table-category")).to_contain_text("ログイン・認証")
    expect(page.get_by_role("link", name="Excel（全表）")).to_be_visible()
    _charts_drawn(page)
    screenshot(page, "support-report-ja", database_url)

    page.get_by_label("集計単位").select_option("quarter")
    page.get_by_label("開始期間").fill("FY2025-Q1")
    page.get_by_label("終了期間").fill("FY2026-Q3")
    page.get_by_role("button", name="表示", exact=True).click()
    expect(page.locator("#table-summary tbody tr").first).to_contain_text("2025年度 第1四半期")
    expect(page.locator("#table-summary tbody tr")).to_have_count(8)  # 7 quarters + the range
    _charts_drawn(page)
    screenshot(page, "support-report-quarters-ja", database_url)

    page.goto(f"{live_server.url}/accounts/{busiest}")
    card = page.locator("#account-support")
    expect(card.locator("#support-card-opened")).to_be_visible()
    expect(card).to_contain_text("直近12か月")
    screenshot(card, "support-card-ja", database_url)

    page.get_by_role("button", name="English").click()
    expect(card.locator("#support-card-opened")).to_be_visible()
    expect(card).to_contain_text("Last 12 months")
    screenshot(card, "support-card-en", database_url)
    page.goto(f"{live_server.url}/reports/support")
    expect(page.get_by_role("heading", name="Support report", exact=True)).to_be_visible()
    expect(page.locator("#table-operational h2")).to_have_text(
        "Customer success (operational issues) by period"
    )
    _charts_drawn(page)
    screenshot(page, "support-report-en", database_url)
    context.close()

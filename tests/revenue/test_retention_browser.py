"""The reports index and the revenue and retention page in real Chromium on demo data, in
Japanese and English, with screenshots; the page's closing MRR is checked against the
subscriptions read directly."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.accounts.models import Subscription
from hatake.cli import app
from hatake.core.formatting import format_money
from hatake.core.settings import Settings
from tests.browser import screenshot, sign_in_ja
from tests.live import LiveServer

pytestmark = pytest.mark.browser
OCTOBER_END = date(2026, 10, 31)


@pytest.fixture
def demo(settings: Settings) -> Settings:
    result = CliRunner().invoke(
        app,
        ["demo", "--accounts", "150", "--months", "24", "--seed", "42", "--today",
         "2026-11-23", "--score-days", "0"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return settings


def _mrr_on(session: Session, day: date) -> int:
    """The sum of the monthly amounts running on ``day``, a term ending that day giving way to
    one of the same account starting that day (the demo data is all in yen)."""
    terms = session.execute(
        select(Subscription.account_id, Subscription.mrr_minor, Subscription.start_date,
               Subscription.end_date)
    ).all()  # fmt: skip
    starts = {(account, start) for account, _amount, start, _end in terms}
    return sum(
        amount
        for account, amount, start, end in terms
        if start <= day
        and (end is None or end > day or (end == day and (account, day) not in starts))
    )


def _charts_drawn(page: Page) -> None:
    page.wait_for_function(
        "() => window.Chart && Chart.getChart('retention-mrr-chart')"
        " && Chart.getChart('retention-movement-chart')"
    )


def test_retention_page(
    browser: Browser, demo: Settings, session: Session, live_server: LiveServer, database_url: str
) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/reports")
    sign_in_ja(page, "demo@hatake.example", "hatake-demo")
    expect(page.get_by_role("heading", name="レポート", exact=True)).to_be_visible()
    screenshot(page, "reports-index-ja", database_url)

    page.get_by_role("link", name="売上・継続率").first.click()
    expect(page.get_by_role("heading", name="売上・継続率", exact=True)).to_be_visible()
    expect(page.locator("#table-mrr tbody tr")).to_have_count(12)
    expect(page.locator("#table-mrr tbody tr").last).to_contain_text("2026年10月")
    closing = format_money(_mrr_on(session, OCTOBER_END), "JPY", "ja")
    expect(page.locator("#retention-kpis")).to_contain_text(closing)
    expect(page.locator("#table-mrr tbody tr").last).to_contain_text(closing)
    _charts_drawn(page)
    screenshot(page, "retention-ja", database_url)

    page.get_by_label("集計単位").select_option("fiscal_year")
    page.get_by_label("開始期間").fill("FY2025")
    page.get_by_label("内訳").select_option("plan")
    page.get_by_role("button", name="表示", exact=True).click()
    expect(page.locator("#table-kpis tbody tr").first).to_contain_text("2025年度")
    expect(page.locator("#table-kpis tbody tr").last).to_contain_text("2026年度（2026年10月まで）")
    expect(page.locator("#table-breakdown h2")).to_have_text("プラン別")
    _charts_drawn(page)
    screenshot(page, "retention-fiscal-years-by-plan-ja", database_url)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Revenue and retention", exact=True)).to_be_visible()
    expect(page.locator("#table-kpis tbody tr").last).to_contain_text("FY2026 (to 2026-10)")
    expect(page.locator("#table-breakdown h2")).to_have_text("By plan")
    _charts_drawn(page)
    screenshot(page, "retention-fiscal-years-by-plan-en", database_url)
    context.close()

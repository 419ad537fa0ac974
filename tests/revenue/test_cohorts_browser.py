"""The cohorts and survival page and the renewal forecast page in real Chromium on demo data,
in Japanese and English: both render with their charts, the heat table and the collapsed
survival and projection tables; CSV and Excel downloads open; screenshots for a person to look
at. The forecast's best case is checked against the subscriptions read directly."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Browser, Download, Locator, Page, expect
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
TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(settings: Settings) -> Settings:
    # Scores for the past 400 days give past renewals a health grade to be weighted by.
    result = CliRunner().invoke(
        app,
        ["demo", "--accounts", "150", "--months", "24", "--seed", "42", "--today",
         TODAY.isoformat(), "--score-days", "400"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return settings


def _best_case(session: Session) -> int:
    """ARR of the terms running on TODAY that end within the twelve months from its month:
    12 x the monthly amount (the demo data is all in yen)."""
    horizon_end = date(TODAY.year, TODAY.month, 1) + relativedelta(months=12)
    terms = session.execute(
        select(Subscription.mrr_minor, Subscription.start_date, Subscription.end_date)
    ).all()
    return sum(
        12 * amount
        for amount, start, end in terms
        if start <= TODAY and end is not None and TODAY < end < horizon_end
    )


def _download(page: Page, link: Locator, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    download: Download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def _charts_drawn(page: Page, *charts: str) -> None:
    ready = " && ".join(f"Chart.getChart('{chart}')" for chart in charts)
    page.wait_for_function(f"() => window.Chart && {ready}")


def test_cohorts_page(
    browser: Browser, demo: Settings, live_server: LiveServer, database_url: str, tmp_path: Path
) -> None:
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1360, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/reports/cohorts?as_of={TODAY.isoformat()}")
    sign_in_ja(page, "demo@hatake.example", "hatake-demo")
    expect(page.get_by_role("heading", name="コホート・生存分析", exact=True)).to_be_visible()
    heat = page.locator("#table-logo_retention")
    expect(heat.locator("h2")).to_have_text("開始コホート別の顧客継続率")
    rows = heat.locator("tbody tr")
    expect(rows.first).to_contain_text("年")
    count = rows.count()
    assert count > 12
    # Every cohort is all there at M0 (the third column, after the cohort and its size).
    for index in range(count):
        expect(rows.nth(index).locator("td").nth(2)).to_have_text("100.0%")
    expect(page.locator("#table-revenue_retention tbody tr")).to_have_count(count)
    expect(page.locator("#table-lifetime_value")).to_contain_text("全顧客")
    expect(page.locator("#table-lifetime_value thead")).to_contain_text("LTV")
    # The survival and projection tables are folded away under their charts.
    expect(page.locator("#table-survival")).to_be_hidden()
    expect(page.locator("#table-projection")).to_be_hidden()
    _charts_drawn(page, "survival-chart", "projection-chart")
    screenshot(page, "report-cohorts-ja", database_url)
    page.locator("#survival-details summary").click()
    expect(page.locator("#table-survival")).to_be_visible()
    expect(page.locator("#table-survival tbody tr").first).to_contain_text("100.0%")

    exported = _download(page, heat.get_by_role("link", name="CSV"), tmp_path)
    lines = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert lines[0][:3] == ["コホート", "顧客数", "M0"]
    assert len(lines) == count + 1
    workbook_path = _download(page, page.get_by_role("link", name="Excel（全表）"), tmp_path)
    workbook = openpyxl.load_workbook(workbook_path)
    assert len(workbook.sheetnames) == 6
    assert workbook.worksheets[0].max_row >= count + 1

    page.locator("select[name=grain]").select_option("quarter")
    page.get_by_role("button", name="表示", exact=True).click()
    expect(rows.first).to_contain_text("年度 第")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Cohorts and survival", exact=True)).to_be_visible()
    expect(rows.first).to_contain_text("FY")
    _charts_drawn(page, "survival-chart", "projection-chart")
    screenshot(page, "report-cohorts-en", database_url)
    context.close()


def test_forecast_page(
    browser: Browser,
    demo: Settings,
    session: Session,
    live_server: LiveServer,
    database_url: str,
    tmp_path: Path,
) -> None:
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1360, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/reports/forecast?as_of={TODAY.isoformat()}")
    sign_in_ja(page, "demo@hatake.example", "hatake-demo")
    expect(page.get_by_role("heading", name="更新予測", exact=True)).to_be_visible()
    best = format_money(_best_case(session), "JPY", "ja")
    expect(page.locator("#forecast-kpis")).to_contain_text(best)
    months = page.locator("#table-by_month tbody tr")
    expect(months).to_have_count(13)
    expect(months.first).to_contain_text("2026年11月")
    expect(months.last).to_contain_text("合計")
    expect(months.last).to_contain_text(best)
    expect(page.locator("#table-grade_rates tbody tr").first).to_contain_text("良好")
    _charts_drawn(page, "forecast-chart")
    screenshot(page, "report-forecast-ja", database_url)

    exported = _download(
        page, page.locator("#table-by_month").get_by_role("link", name="CSV"), tmp_path
    )
    lines = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert lines[0][0] == "月"
    assert len(lines) == 14
    workbook = openpyxl.load_workbook(
        _download(page, page.get_by_role("link", name="Excel（全表）"), tmp_path)
    )
    assert len(workbook.sheetnames) == 4

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Renewal forecast", exact=True)).to_be_visible()
    expect(months.last).to_contain_text("Total")
    _charts_drawn(page, "forecast-chart")
    screenshot(page, "report-forecast-en", database_url)
    context.close()

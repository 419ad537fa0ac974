"""The backtest page with two versions and the fit page in real Chromium, with screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from hatake.core.settings import Settings
from hatake.health.definition import default_definition
from tests.browser import screenshot, sign_in_ja
from tests.health.evaluation_demo import BACKTEST_AS_OF, FITTED_VERSION, generate
from tests.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(settings: Settings) -> Settings:
    generate(150)
    return settings


def test_backtest_two_versions_and_fit_page(
    browser: Browser, demo: Settings, live_server: LiveServer, database_url: str
) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/health/backtest")
    sign_in_ja(page, "demo@hatake.example", "hatake-demo")
    expect(page.get_by_role("heading", name="バックテスト", exact=True)).to_be_visible()

    page.get_by_label("バージョンB（任意）").select_option(FITTED_VERSION)
    page.get_by_label("基準日").fill(BACKTEST_AS_OF)
    page.get_by_role("button", name="バックテストを実行").click()
    expect(page.get_by_text(f"B: {FITTED_VERSION}").first).to_be_visible()
    expect(page.locator('[data-testid="roc-auc-1"]')).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart('decile-chart') && Chart.getChart('grade-chart')"
        " && Chart.getChart('roc-chart')"
    )
    screenshot(page, "health-backtest-compare", database_url)

    page.get_by_role("link", name="重みの推定").click()
    page.get_by_label("開始日").fill("2025-09-01")
    page.get_by_label("終了日").fill("2026-08-20")
    page.get_by_role("button", name="推定を実行").click()
    heading = page.get_by_role("heading", name="重み：手動設定と推定（100 に対する割合）")
    expect(heading).to_be_visible()
    expect(page.get_by_role("button", name="新しいバージョンとして保存")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('roc-chart')")
    expect(page.get_by_text(f"手動設定: {default_definition().version}").first).to_be_visible()
    screenshot(page, "health-fit", database_url)
    context.close()

"""A manager builds a segment in real Chromium, sees its members, and a bad condition is
refused with the condition and the problem named."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from tests.browser import screenshot, sign_in_ja
from tests.helpers import create_account, create_subscription, create_user
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def _seed(session: Session) -> None:
    create_user(session, email="manager@example.com", name="鈴木 部長", role="manager")
    today = date.today()
    for number, (plan, renewal_days) in enumerate(
        [("enterprise", 30), ("enterprise", 200), ("standard", 45), ("standard", 20)], start=1
    ):
        account = create_account(session, name=f"株式会社セグメント{number}")
        create_subscription(
            session,
            account,
            plan=plan,
            start_date=today - timedelta(days=300),
            end_date=today + timedelta(days=renewal_days),
        )
    session.commit()


def test_build_a_segment_and_see_its_members(
    browser: Browser, session: Session, live_server: LiveServer, database_url: str
) -> None:
    _seed(session)
    page = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900}).new_page()
    page.goto(f"{live_server.url}/login?next=/segments")
    sign_in_ja(page, "manager@example.com")
    expect(page.get_by_role("heading", name="セグメント", exact=True)).to_be_visible()

    page.get_by_label("セグメント名").fill("更新が近いエンタープライズ")
    page.get_by_label("項目 1").select_option("plan")
    page.get_by_label("比較 1").select_option("=")
    page.get_by_label("値 1").fill("enterprise")
    page.get_by_label("項目 2").select_option("days_to_renewal")
    page.get_by_label("比較 2").select_option("<=")
    page.get_by_label("値 2").fill("60")
    page.get_by_role("button", name="セグメントを保存").click()

    expect(page.get_by_role("heading", name="更新が近いエンタープライズ")).to_be_visible()
    expect(page.get_by_text("1 社")).to_be_visible()
    expect(page.get_by_role("link", name="株式会社セグメント1")).to_have_count(2)
    page.wait_for_function("() => window.Chart && Chart.getChart('segment-chart')")
    screenshot(page, "segment", database_url)

    page.get_by_label("値 2").fill("sixty")
    page.get_by_role("button", name="セグメントを保存").click()
    expect(page.get_by_role("alert")).to_contain_text("条件 2")
    expect(page.get_by_role("alert")).to_contain_text("sixty")

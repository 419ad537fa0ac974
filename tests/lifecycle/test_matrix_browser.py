"""The priority-matrix page in real Chromium: the grid, must-not-lose marking, a drill-down."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from tests.browser import screenshot, sign_in_ja
from tests.lifecycle.test_matrix_service import DAY, _build
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def test_matrix_page(
    browser: Browser, session: Session, live_server: LiveServer, database_url: str
) -> None:
    _build(session)
    from tests.helpers import create_user

    create_user(session, email="csm@example.com", name="鈴木 一郎")
    session.commit()
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/lifecycle/matrix?as_of={DAY.isoformat()}")
    sign_in_ja(page, "csm@example.com")
    expect(page.get_by_role("heading", name="優先度マトリクス")).to_be_visible()
    cell = page.locator("td[data-cell='A-d']")
    expect(cell).to_have_class("must-not-lose")
    expect(cell.locator(".cell-count")).to_have_text("1")
    expect(cell.locator(".cell-deltas")).to_contain_text("7d +1")
    cell.locator("button").click()
    drill = page.locator("#matrix-drill")
    expect(drill.get_by_role("heading")).to_contain_text("セル A-d の顧客")
    expect(drill.locator("tbody tr")).to_have_count(1)
    expect(drill.locator("tbody")).to_contain_text("X 建設")
    expect(drill.locator("tbody")).to_contain_text("2026-11-21")
    screenshot(page, "priority-matrix", database_url)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Priority matrix")).to_be_visible()
    context.close()

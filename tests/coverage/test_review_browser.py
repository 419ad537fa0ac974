"""The weekly review in real Chromium: the figures of the hand-built weeks, moving between
weeks, and the page as the browser prints it (no navigation, no controls)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from tests.browser import screenshot, sign_in_ja
from tests.coverage.test_review_service import build, store_grades
from tests.helpers import create_user
from tests.live import serve

pytestmark = pytest.mark.browser


def test_review_page_weeks_and_print(
    browser: Browser, session: Session, settings: Settings, database_url: str
) -> None:
    build(session)
    create_user(session, email="manager@example.com", role="manager", name="山田 マネージャー")
    session.commit()
    runtime = open_runtime(settings)
    store_grades(runtime)
    runtime.close()
    settings.config_file.write_text("[coverage]\ndefault_cadence_days = 14\n")
    with serve(settings) as url:
        context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/login?next=/review?week=2026-W47")
        sign_in_ja(page, "manager@example.com")
        expect(page.get_by_role("heading", name="週次レビュー")).to_contain_text("2026-W47")
        team = page.locator("#review-team")
        coverage = team.locator("[data-metric=coverage]")
        expect(coverage).to_contain_text("25.0%")
        expect(coverage).to_contain_text("−50.0 pt")
        expect(coverage).to_contain_text("前週 75.0%")
        expect(team.locator("[data-metric=tasks_done]")).to_contain_text("+2")
        sato = page.locator('#review-csms tr[data-csm="佐藤"]')
        expect(sato.locator("[data-metric=coverage]")).to_contain_text("50.0%")
        expect(sato.locator("[data-metric=other_touches]")).to_contain_text("+2")
        expect(page.locator("#review-worsened tbody tr")).to_have_count(1)
        expect(page.locator("#review-worsened")).to_contain_text("A 定例")
        screenshot(page, "review-ja", database_url)

        page.get_by_role("link", name="← 2026-W46").click()
        expect(page.get_by_role("heading", name="週次レビュー")).to_contain_text("2026-W46")
        expect(page.locator("#review-worsened tbody tr")).to_have_count(2)  # B and C
        page.get_by_label("週", exact=True).fill("2026-W47")
        page.get_by_role("button", name="表示").click()
        expect(page.get_by_role("heading", name="週次レビュー")).to_contain_text("2026-W47")

        page.emulate_media(media="print")
        expect(page.locator("header.topbar")).to_be_hidden()
        expect(page.locator(".review-controls")).to_be_hidden()
        expect(page.locator("#review-csms")).to_be_visible()
        expect(page.locator(".print-only")).to_be_visible()
        screenshot(page, "review-print-ja", database_url)
        context.close()

        english = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
        page = english.new_page()
        page.goto(f"{url}/login?next=/review?week=2026-W47")
        sign_in_ja(page, "manager@example.com")
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", name="Weekly review")).to_be_visible()
        expect(page.locator("#review-team [data-metric=coverage]")).to_contain_text("prev. 75.0%")
        screenshot(page, "review-en", database_url)
        english.close()

"""Issue 7's "done when", on demo data in real Chromium: a CSM signs in, works today's queue,
logs touches and sees their coverage rise; the manager's weekly review compares the week with
the one before. The demo is small (40 accounts) but made by the same `hatake demo`."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.settings import Settings
from hatake.demo.names import DEMO_PASSWORD, TEAM
from hatake.team.models import User
from hatake.team.service import org_today
from tests.browser import screenshot, sign_in_ja
from tests.live import LiveServer

pytestmark = pytest.mark.browser
CSM_EMAIL = "csm1@hatake.example"
MOST_TOUCHES = 3


def _coverage_of(api: httpx.Client, owner: str) -> tuple[int, int]:
    body = api.get("/api/v1/coverage").raise_for_status().json()
    share = next(item for item in body["by_owner"] if item["key"] == owner)
    return share["covered"], share["accounts"]


def _log_touch_on_first_overdue_row(page: Page) -> str:
    """Log a meaningful web meeting on the highest-ranked overdue row; returns its id."""
    row = page.locator("#queue tbody.queue-item").filter(has_text="日超過").first
    row_id = row.get_attribute("id") or ""
    item = page.locator(f"#{row_id}")
    item.get_by_role("button", name="接触を記録").click()
    card = item.locator("#touch-log")
    card.get_by_label("チャネル").select_option("web_meeting")
    card.get_by_label("要約", exact=True).fill("定例で活用状況を確認")
    card.get_by_role("button", name="記録する").click()
    expect(item).to_contain_text("今日のキューから外れました")
    return row_id


def test_a_csm_works_the_queue_and_the_manager_reviews_the_week(
    browser: Browser, settings: Settings, live_server: LiveServer, session: Session
) -> None:
    made = CliRunner().invoke(
        app, ["demo", "--accounts", "40", "--months", "6", "--seed", "11", "--score-days", "14"]
    )
    assert made.exit_code == 0, made.output
    token = CliRunner().invoke(app, ["token", "create", "--scope", "read"]).output.strip()
    csm_name = session.scalars(select(User.name).where(User.email == CSM_EMAIL)).one()
    assert csm_name in {member.name_ja for member in TEAM}

    with httpx.Client(
        base_url=live_server.url, headers={"authorization": f"Bearer {token}"}
    ) as api:
        covered_before, accounts = _coverage_of(api, csm_name)
        queue = api.get("/api/v1/queue", params={"owner": CSM_EMAIL}).raise_for_status().json()
        overdue = [row for row in queue["rows"] if (row["days_overdue"] or 0) > 0]
        assert overdue, "the demo leaves some of csm1's accounts overdue"
        touches = min(MOST_TOUCHES, len(overdue))

        context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/login?next=/queue")
        sign_in_ja(page, CSM_EMAIL, DEMO_PASSWORD)
        expect(page.get_by_role("heading", name="今日のキュー", exact=True)).to_be_visible()
        rows = page.locator("#queue tbody.queue-item")
        listed = rows.count()
        assert listed == len(queue["rows"])
        screenshot(page, "demo-queue-before", settings.state_url)

        touched = [_log_touch_on_first_overdue_row(page) for _ in range(touches)]
        assert len(set(touched)) == touches
        page.reload()
        expect(rows).to_have_count(listed - touches)
        screenshot(page, "demo-queue-after", settings.state_url)

        # Each touched account was overdue, so each one is covered now.
        covered_after, accounts_after = _coverage_of(api, csm_name)
        assert (covered_after, accounts_after) == (covered_before + touches, accounts)
        page.goto(f"{live_server.url}/coverage")
        expect(page.get_by_text(csm_name).first).to_be_visible()
        screenshot(page, "demo-coverage-after", settings.state_url)
        context.close()

    # The manager reads this week against the last one: this week holds the touches just logged.
    week = org_today(session).isocalendar()
    label = f"{week.year}-W{week.week:02d}"
    with httpx.Client(
        base_url=live_server.url, headers={"authorization": f"Bearer {token}"}
    ) as api:
        review = api.get("/api/v1/review", params={"week": label}).raise_for_status().json()
    line = next(row for row in review["csms"] if row["csm"] == csm_name)
    logged = line["meaningful_touches"]
    assert logged["value"] >= touches
    assert logged["change"] == logged["value"] - logged["previous"]
    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/review?week={label}")
    sign_in_ja(page, "manager@hatake.example", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("週次レビュー"))).to_be_visible()
    cell = page.locator(
        f'#review-csms tr[data-csm="{csm_name}"] td[data-metric="meaningful_touches"]'
    )
    expect(cell).to_contain_text(f"前週 {logged['previous']:,.0f}")
    screenshot(page, "demo-review", settings.state_url)
    context.close()

"""The lifecycle pages in real Chromium: stage distribution, stuck accounts and flow; the
stage x tier grid with an initiative written in place; the account page's lifecycle card with
a milestone tick and a tier override."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect

from hatake.core.db import transaction
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.coverage.models import Task
from hatake.lifecycle import service
from tests.browser import screenshot, sign_in_ja
from tests.helpers import create_account, create_subscription, create_user
from tests.lifecycle.lifecycle_data import add_events, write_config
from tests.live import serve

pytestmark = pytest.mark.browser
AS_OF = date(2026, 6, 30)
# name, MRR, contract start, contract end, users who log in (and when, days after start)
BOOK = [
    ("株式会社はたけ建設", 320_000, date(2025, 4, 1), date(2026, 9, 1), 6),
    ("みどり工務店", 80_000, date(2026, 5, 20), None, 0),
    ("さくら設計事務所", 60_000, date(2026, 3, 1), None, 1),
    ("北斗ハウジング", 45_000, date(2025, 10, 1), None, 3),
    ("大地リフォーム", 20_000, date(2025, 6, 1), date(2026, 5, 31), 2),
    ("青空住建", 150_000, date(2025, 1, 10), None, 4),
    ("港南建材", 10_000, date(2026, 4, 15), None, 0),
]


def _seed(settings: Settings) -> tuple[Settings, int]:
    settings = write_config(settings)
    runtime = open_runtime(settings)
    events = []
    try:
        with transaction(runtime.sessions) as session:
            create_user(session, role="manager", email="manager@example.com", name="山田 太郎")
            ids = {}
            for name, mrr, start, end, users in BOOK:
                account = create_account(session, name=name, start_date=start)
                create_subscription(
                    session, account, start_date=start, end_date=end, mrr_minor=mrr, seats=5
                )
                ids[name] = account.id
                for user in range(users):
                    for offset in range(5 + user, 200, 3):
                        day = start + timedelta(days=offset)
                        events.append((account.external_id, f"u{user}", "login", day))
            session.add(
                Task(external_id="T-1", account_id=ids["港南建材"], title="初回ログインの確認")
            )
        add_events(runtime, events)
        for weeks in range(14, -1, -1):
            with transaction(runtime.sessions) as session:
                day = AS_OF - timedelta(weeks=weeks)
                service.refresh_stages(session, runtime.analytics(), day, settings=settings)
    finally:
        runtime.close()
    return settings, ids["みどり工務店"]


def test_stages_grid_and_account_card(
    browser: Browser, settings: Settings, database_url: str
) -> None:
    settings, new_account = _seed(settings)
    with serve(settings) as url:
        context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
        page = context.new_page()
        query = f"date={AS_OF}&from={AS_OF - timedelta(days=90)}&to={AS_OF}"
        page.goto(f"{url}/login?next=/lifecycle/stages?{query.replace('&', '%26')}")
        sign_in_ja(page, "manager@example.com")
        expect(page.get_by_role("heading", name="ライフサイクルステージ")).to_be_visible()
        distribution = page.locator("#distribution")
        expect(distribution).to_contain_text("オンボーディング")
        expect(distribution).to_contain_text("解約")
        expect(page.locator("#stuck")).to_contain_text("港南建材")
        expect(page.locator("#flow tbody tr").first).to_be_visible()
        expect(page.locator("#flow")).to_contain_text("更新")
        screenshot(page, "lifecycle-stages", database_url)

        page.get_by_role("link", name="ステージ × ティア").click()
        page.get_by_label("基準日").fill(AS_OF.isoformat())
        page.get_by_role("button", name="表示").click()
        expect(page.get_by_role("heading", name="ステージ × ティア")).to_be_visible()
        cell = page.locator("td[data-stage=onboarding][data-tier=tech_touch]")
        expect(cell.locator(".cell-count strong")).to_have_text("1")
        expect(cell).to_contain_text("未完了タスク: 1")
        cell.get_by_text("施策を編集").click()
        cell.get_by_label("施策").fill(
            "導入ウェビナー（毎週水曜）に招待し、初回ログインを電話で確認"
        )
        cell.get_by_role("button", name="保存").click()
        expect(cell.locator(".initiative-body")).to_have_text(
            "導入ウェビナー（毎週水曜）に招待し、初回ログインを電話で確認"
        )
        expect(cell).to_contain_text("山田 太郎")
        screenshot(page, "lifecycle-grid", database_url)

        page.goto(f"{url}/accounts/{new_account}")
        card = page.locator("#lifecycle")
        expect(card.get_by_role("heading", name="ライフサイクル")).to_be_visible()
        expect(card).to_contain_text("オンボーディング")
        card.get_by_role("button", name="達成としてチェック").first.click()
        expect(card).to_contain_text("山田 太郎 がチェック")
        card.get_by_label("理由").fill("親会社と一括契約の予定")
        card.get_by_label("タッチティア").select_option("high_touch")
        card.get_by_role("button", name="ティアを手動で設定").click()
        expect(card).to_contain_text("山田 太郎 が ハイタッチ に手動設定: 親会社と一括契約の予定")
        screenshot(card, "lifecycle-account-card", database_url)
        context.close()

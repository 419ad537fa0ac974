"""A task created from the account page in real Chromium, then completed on /tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.coverage.models import Task
from hatake.team.service import org_today
from tests.browser import screenshot, sign_in_ja
from tests.helpers import create_account, create_subscription, create_user
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def test_create_a_task_on_the_account_page_and_complete_it(
    browser: Browser, session: Session, live_server: LiveServer, database_url: str
) -> None:
    owner = create_user(session, email="csm@example.com", name="佐藤 花子")
    create_user(session, email="other@example.com", name="鈴木 一郎")
    account = create_account(session, name="株式会社はたけ建設", owner_id=owner.id)
    create_subscription(session, account)
    session.commit()
    due = org_today(session) + timedelta(days=2)

    context = browser.new_context(locale="ja-JP", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/accounts/{account.id}")
    sign_in_ja(page, "csm@example.com")
    card = page.locator("#account-tasks")
    expect(card.locator("#task-counts")).to_contain_text("未完了 0 件、うち期限切れ 0 件")
    expect(card.get_by_label("担当者")).to_have_value(str(owner.id))  # the account's owner

    # A blank title (spaces pass the browser's required check): refused, nothing saved.
    card.get_by_label("タスク", exact=True).fill("   ")
    card.get_by_role("button", name="タスクを作成").click()
    expect(card.get_by_role("alert")).to_contain_text("やることを入力してください")
    card.get_by_label("タスク", exact=True).fill("更新前の利用状況レビューを設定")
    card.get_by_label("期日").fill(due.isoformat())
    card.get_by_label("優先度").select_option("high")
    card.get_by_role("button", name="タスクを作成").click()
    expect(card.get_by_role("status")).to_contain_text("タスクを作成しました")
    expect(card.locator("#task-counts")).to_contain_text("未完了 1 件")
    expect(card.locator("#account-task-rows tr")).to_have_count(1)
    screenshot(card, "task-card", database_url)

    page.goto(f"{live_server.url}/tasks")
    item = page.locator("#tasks-upcoming .task-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("更新前の利用状況レビューを設定")
    expect(item).to_contain_text("株式会社はたけ建設")
    item.locator("summary").click()
    item.get_by_label("コメント").fill("先方の管理者と日程調整中")
    item.get_by_role("button", name="コメントを追加").click()
    expect(page.locator(".task-comments li")).to_contain_text("先方の管理者と日程調整中")
    expect(page.locator(".task-comments li")).to_contain_text("佐藤 花子")
    page.get_by_role("button", name="完了にする: 更新前の利用状況レビューを設定").click()
    expect(
        page.get_by_role("button", name="未完了に戻す: 更新前の利用状況レビューを設定")
    ).to_be_visible()
    expect(page.locator(".task-item.task-done")).to_contain_text("に完了")
    screenshot(page, "tasks-completed", database_url)
    context.close()

    session.rollback()
    task = session.scalars(select(Task)).one()
    assert (task.status, task.priority, task.due_on) == ("done", "high", due)
    assert task.completed_at is not None

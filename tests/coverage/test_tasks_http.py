"""The task form and the task actions over real HTTP: the fragment the queue loads, refusals
that name the field in ja and en and write nothing, and who may change which task."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.coverage.models import Task, TaskComment
from hatake.team.service import org_today
from tests.helpers import PASSWORD, create_account, create_user
from tests.live import LiveServer, csrf_from, sign_in


@contextmanager
def _client(live_server: LiveServer, email: str, language: str = "ja") -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, headers={"accept-language": language}) as client:
        sign_in(client, email, PASSWORD)
        yield client


def _seed(session: Session) -> Account:
    owner = create_user(session, email="owner@example.com", name="佐藤 花子")
    create_user(session, email="other@example.com", name="鈴木 一郎")
    create_user(session, email="boss@example.com", name="高橋 部長", role="manager")
    create_user(session, email="viewer@example.com", name="閲覧 太郎", role="viewer")
    account = create_account(session, name="株式会社はたけ建設", owner_id=owner.id)
    session.commit()
    return account


def _tasks(session: Session) -> list[Task]:
    session.rollback()  # end the test's snapshot to see what the server committed
    return list(session.scalars(select(Task).order_by(Task.id)))


def _post_task(client: httpx.Client, account_id: int, **fields: str) -> httpx.Response:
    form = client.get(f"/accounts/{account_id}/tasks/form?from=queue")
    data = {"csrf_token": csrf_from(form.text), "from": "queue", "priority": "normal", **fields}
    return client.post(f"/accounts/{account_id}/tasks", data=data, headers={"hx-request": "true"})


def test_the_form_fragment_defaults_to_the_account_owner(
    live_server: LiveServer, session: Session
) -> None:
    account = _seed(session)
    with _client(live_server, "other@example.com") as client:
        response = client.get(f"/accounts/{account.id}/tasks/form?from=queue")
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html  # a fragment, not a page
    assert f'hx-post="/accounts/{account.id}/tasks"' in html
    assert 'hx-target="closest .task-form-box"' in html
    owner_id = account.owner_id
    assert re.search(rf'<option value="{owner_id}" selected>佐藤 花子</option>', html)
    for name in ("title", "assignee_id", "due_on", "priority", "description"):
        assert f'name="{name}"' in html


def test_a_task_from_the_queue_is_saved_and_confirmed(
    live_server: LiveServer, session: Session
) -> None:
    account = _seed(session)
    due = (org_today(session) + timedelta(days=3)).isoformat()
    with _client(live_server, "other@example.com") as client:
        response = _post_task(
            client, account.id, title="更新前の利用状況レビュー", due_on=due,
            assignee_id=str(account.owner_id), priority="high", description="管理者機能",
        )  # fmt: skip
    assert response.status_code == 200
    assert 'role="status"' in response.text
    assert "タスクを作成しました: 更新前の利用状況レビュー" in response.text
    [task] = _tasks(session)
    assert (task.title, task.priority, task.status, task.due_on.isoformat()) == (
        "更新前の利用状況レビュー", "high", "open", due,
    )  # fmt: skip
    assert task.assignee_id == account.owner_id
    assert task.description == "管理者機能"
    assert task.completed_at is None
    creator = session.scalar(select(Task.created_by_id))
    assert creator is not None
    assert creator != account.owner_id


@pytest.mark.parametrize(
    ("language", "fields", "message"),
    [
        ("ja", {"title": "  "}, "タスク: やることを入力してください。"),
        ("en", {"title": ""}, "Title: write what needs to be done."),
        ("ja", {"title": "x", "assignee_id": "9999"}, "担当者: 9999 はタスクを担当できる"),
        ("en", {"title": "x", "assignee_id": "abc"}, "Assignee: abc is not an active team"),
        ("ja", {"title": "x", "due_on": "2020-01-01"}, "期日: 2020-01-01 は過去の日付です。"),
        ("en", {"title": "x", "due_on": "2020-01-01"}, "Due date: 2020-01-01 is in the past"),
        ("en", {"title": "x", "due_on": "next week"}, "Due date: next week is not a date"),
        ("ja", {"title": "x", "priority": "asap"}, "優先度: asap は選べません"),
        ("en", {"title": "x", "priority": "asap"}, "Priority: asap is not one of low, normal"),
    ],
)
def test_bad_input_is_refused_by_name_and_writes_nothing(
    live_server: LiveServer,
    session: Session,
    language: str,
    fields: dict[str, str],
    message: str,
) -> None:
    account = _seed(session)
    with _client(live_server, "owner@example.com", language) as client:
        response = _post_task(client, account.id, **fields)
    assert response.status_code == 200  # the form comes back in place, with the reason
    assert 'role="alert"' in response.text
    assert message in response.text
    assert _tasks(session) == []


def test_a_viewer_cannot_open_the_form_or_create(live_server: LiveServer, session: Session) -> None:
    account = _seed(session)
    with _client(live_server, "viewer@example.com", "en") as client:
        token = csrf_from(client.get("/tasks").text)
        assert client.get(f"/accounts/{account.id}/tasks/form").status_code == 403
        response = client.post(
            f"/accounts/{account.id}/tasks", data={"csrf_token": token, "title": "x"}
        )
    assert response.status_code == 403
    assert "Viewers cannot create or change tasks." in response.text
    assert _tasks(session) == []


def _add_task(session: Session, account: Account, email: str, title: str, **values: object) -> int:
    from hatake.team import repository as team_repository

    assignee = team_repository.get_user_by_email(session, email)
    assert assignee is not None
    task = Task(
        external_id=f"T-{title}", account_id=account.id, title=title, assignee_id=assignee.id,
        created_by_id=assignee.id, **values,
    )  # fmt: skip
    session.add(task)
    session.commit()
    return task.id


def test_the_list_keeps_a_csm_to_their_own_and_lets_a_manager_see_all(
    live_server: LiveServer, session: Session
) -> None:
    account = _seed(session)
    today = org_today(session)
    _add_task(
        session, account, "owner@example.com", "自分の期限切れ", due_on=today - timedelta(days=2)
    )
    _add_task(session, account, "owner@example.com", "自分の今日", due_on=today)
    _add_task(session, account, "other@example.com", "他人のタスク", due_on=today)
    with _client(live_server, "owner@example.com", "en") as client:
        page = client.get("/tasks").text
        other_id = session.scalar(select(Task.assignee_id).where(Task.title == "他人のタスク"))
        asked_for_other = client.get(f"/tasks?assignee={other_id}").text
    assert page.index("自分の期限切れ") < page.index("自分の今日")
    assert page.index('id="tasks-overdue"') < page.index('id="tasks-today"')
    assert "2 days overdue" in page
    assert "他人のタスク" not in page
    assert 'name="assignee"' not in page  # no assignee filter for a CSM
    assert "他人のタスク" not in asked_for_other
    with _client(live_server, "boss@example.com", "ja") as client:
        everyone = client.get("/tasks?assignee=all").text
        only_other = client.get(f"/tasks?assignee={other_id}").text
        mine = client.get("/tasks").text
    assert all(title in everyone for title in ("自分の期限切れ", "自分の今日", "他人のタスク"))
    assert "他人のタスク" in only_other
    assert "自分の今日" not in only_other
    assert "該当するタスクはありません" in mine  # the manager has none of their own


def test_complete_reopen_and_comment_over_http(live_server: LiveServer, session: Session) -> None:
    account = _seed(session)
    mine = _add_task(session, account, "owner@example.com", "提案書の送付")
    theirs = _add_task(session, account, "other@example.com", "他人の仕事")
    htmx = {"hx-request": "true"}
    with _client(live_server, "owner@example.com", "en") as client:
        token = csrf_from(client.get("/tasks").text)
        done = client.post(
            f"/tasks/{mine}/status", data={"csrf_token": token, "status": "done"}, headers=htmx
        )
        assert done.status_code == 200
        assert "Reopen" in done.text
        assert "Completed " in done.text
        refused = client.post(
            f"/tasks/{theirs}/status", data={"csrf_token": token, "status": "done"}, headers=htmx
        )
        assert "Only the assignee, the creator or a manager can change this task." in refused.text
        said = client.post(
            f"/tasks/{theirs}/comments", data={"csrf_token": token, "body": "手伝います"},
            headers=htmx,
        )  # fmt: skip
        assert "手伝います" in said.text
        assert "佐藤 花子" in said.text  # the author
        empty = client.post(
            f"/tasks/{theirs}/comments", data={"csrf_token": token, "body": " "}, headers=htmx
        )
        assert "Comment: write something first." in empty.text
    statuses = {
        task.title: (task.status, task.completed_at is not None) for task in _tasks(session)
    }
    assert statuses == {"提案書の送付": ("done", True), "他人の仕事": ("open", False)}
    assert len(session.scalars(select(TaskComment)).all()) == 1

"""Task use cases on both backends: grouping with overdue first, completing and reopening,
comments, and who may change which task."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.core.errors import Forbidden, InvalidInput
from hatake.coverage import task_repository, task_service
from hatake.coverage.models import Task, TaskComment
from hatake.coverage.task_repository import TaskQuery
from hatake.coverage.task_service import TaskInput
from hatake.coverage.tasks import BUCKETS, bucket_of, days_overdue, group_tasks
from hatake.team.models import User
from tests.helpers import create_account, create_user

TODAY = date(2026, 11, 23)


def _people(session: Session) -> dict[str, User]:
    return {
        "csm": create_user(session, name="担当 A"),
        "other": create_user(session, name="担当 B"),
        "manager": create_user(session, name="部長", role="manager"),
        "viewer": create_user(session, name="閲覧", role="viewer"),
    }


def _new(
    session: Session, author: User, assignee: User | None, title: str, due: date | None = None
) -> Task:
    account = create_account(session)
    return task_service.create_task(
        session,
        account_id=account.id,
        form=TaskInput(
            title=title,
            assignee_id=str(assignee.id) if assignee else "",
            due_on=due.isoformat() if due else "",
        ),
        author=author,
        today=TODAY,
    )


def test_my_tasks_overdue_first_then_today_upcoming_undated(session: Session) -> None:
    people = _people(session)
    csm = people["csm"]
    titles = {
        "upcoming later": TODAY + timedelta(days=9),
        "undated": None,
        "today": TODAY,
        "upcoming soon": TODAY + timedelta(days=1),
    }
    for title, due in titles.items():
        _new(session, csm, csm, title, due)
    # Made overdue by time passing: created with a due day that has since gone by.
    for title, days in (("late 2", 2), ("late 7", 7)):
        task = _new(session, csm, csm, title, TODAY)
        task.due_on = TODAY - timedelta(days=days)
    _new(session, csm, people["other"], "someone else's", TODAY)
    session.flush()
    tasks = task_repository.list_tasks(session, TaskQuery(assignee_id=csm.id), limit=100)
    grouped = [(bucket, [t.title for t in rows]) for bucket, rows in group_tasks(tasks, TODAY)]
    assert grouped == [
        ("overdue", ["late 7", "late 2"]),
        ("today", ["today"]),
        ("upcoming", ["upcoming soon", "upcoming later"]),
        ("no_date", ["undated"]),
    ]
    assert task_repository.count_tasks(session, TaskQuery(assignee_id=csm.id)) == 6
    everyone = task_repository.list_tasks(session, TaskQuery(), limit=100)
    assert len(everyone) == 7


def test_complete_and_reopen_keep_completed_at_right(session: Session) -> None:
    people = _people(session)
    task = _new(session, people["csm"], people["csm"], "更新の準備", TODAY)
    assert (task.status, task.completed_at) == ("open", None)
    task_service.set_status(session, task=task, status="done", user=people["csm"])
    first = task.completed_at
    assert task.status == "done"
    assert first is not None
    # Done again: the first completion time stays.
    task_service.set_status(session, task=task, status="done", user=people["csm"])
    assert task.completed_at == first
    task_service.set_status(session, task=task, status="open", user=people["csm"])
    assert (task.status, task.completed_at) == ("open", None)
    task_service.set_status(session, task=task, status="done", user=people["manager"])
    assert task.completed_at is not None
    with pytest.raises(InvalidInput, match="is not open or done"):
        task_service.set_status(session, task=task, status="archived", user=people["csm"])
    session.expire_all()
    stored = session.get(Task, task.id)
    assert stored is not None
    assert stored.status == "done"
    done = task_repository.list_tasks(session, TaskQuery(status="done"), limit=10)
    assert [bucket for bucket, _rows in group_tasks(done, TODAY)] == ["done"]


def test_comments_are_listed_with_author_and_time(session: Session) -> None:
    people = _people(session)
    task = _new(session, people["csm"], people["csm"], "導入支援", None)
    task_service.add_comment(session, task=task, body=" 先方に連絡済み ", author=people["csm"])
    # Anyone who works tasks may comment, also on a task that is not theirs.
    task_service.add_comment(session, task=task, body="了解", author=people["other"])
    with pytest.raises(InvalidInput, match="write something first"):
        task_service.add_comment(session, task=task, body="   ", author=people["csm"])
    with pytest.raises(Forbidden):
        task_service.add_comment(session, task=task, body="見ました", author=people["viewer"])
    lines = task_repository.comments_of(session, [task.id])[task.id]
    assert [(line.author, line.body) for line in lines] == [
        ("担当 A", "先方に連絡済み"),
        ("担当 B", "了解"),
    ]
    assert all(isinstance(line.created_at, datetime) for line in lines)
    assert all(line.created_at.tzinfo is not None for line in lines)
    assert len(session.scalars(select(TaskComment)).all()) == 2


def test_who_may_change_a_task(session: Session) -> None:
    people = _people(session)
    csm, other, manager = people["csm"], people["other"], people["manager"]
    mine = _new(session, csm, csm, "mine")
    theirs = _new(session, other, other, "theirs")
    made_by_me = _new(session, csm, other, "handed over")
    nobodys = _new(session, other, None, "nobody's")
    assert [task_service.may_change(csm, task) for task in (mine, theirs, made_by_me, nobodys)] == [
        True, False, True, True,
    ]  # fmt: skip
    assert all(task_service.may_change(manager, task) for task in (mine, theirs))
    assert not task_service.may_change(people["viewer"], mine)
    # A CSM cannot complete or reassign a colleague's task; nothing changes.
    with pytest.raises(Forbidden):
        task_service.set_status(session, task=theirs, status="done", user=csm)
    with pytest.raises(Forbidden):
        task_service.change_task(
            session, task=theirs, form=TaskInput(assignee_id=str(csm.id)), user=csm, today=TODAY
        )
    assert (theirs.status, theirs.assignee_id) == ("open", other.id)
    # A CSM hands their own task over; the manager takes it back.
    task_service.change_task(
        session, task=mine, form=TaskInput(assignee_id=str(other.id), priority="high"), user=csm,
        today=TODAY,
    )  # fmt: skip
    assert (mine.assignee_id, mine.priority) == (other.id, "high")
    assert task_service.may_change(csm, mine)  # still theirs to change: they created it
    task_service.change_task(
        session, task=theirs, form=TaskInput(assignee_id=str(csm.id)), user=manager, today=TODAY
    )
    assert theirs.assignee_id == csm.id
    with pytest.raises(Forbidden):
        _new(session, people["viewer"], csm, "viewer's")


def test_a_past_due_date_stays_but_cannot_be_newly_chosen(session: Session) -> None:
    people = _people(session)
    task = _new(session, people["csm"], people["csm"], "late", TODAY)
    task.due_on = TODAY - timedelta(days=3)
    keep = TaskInput(assignee_id=str(people["csm"].id), due_on=task.due_on.isoformat())
    task_service.change_task(session, task=task, form=keep, user=people["csm"], today=TODAY)
    assert task.due_on == TODAY - timedelta(days=3)
    with pytest.raises(InvalidInput, match="is in the past"):
        task_service.change_task(
            session, task=task, user=people["csm"], today=TODAY,
            form=TaskInput(assignee_id=str(people["csm"].id), due_on="2026-11-01"),
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="Priority: asap"):
        task_service.change_task(
            session, task=task, user=people["csm"], today=TODAY,
            form=TaskInput(assignee_id="", priority="asap"),
        )  # fmt: skip
    # A refused change leaves every field as it was (checks run before any assignment).
    assert (task.assignee_id, task.priority) == (people["csm"].id, "normal")


def test_days_overdue_and_buckets_by_hand() -> None:
    assert days_overdue(date(2026, 11, 20), TODAY) == 3
    assert days_overdue(TODAY, TODAY) == 0
    assert days_overdue(None, TODAY) == 0
    assert bucket_of("open", date(2026, 11, 22), TODAY) == "overdue"
    assert bucket_of("open", TODAY, TODAY) == "today"
    assert bucket_of("open", date(2026, 11, 24), TODAY) == "upcoming"
    assert bucket_of("open", None, TODAY) == "no_date"
    assert bucket_of("done", date(2026, 11, 1), TODAY) == "done"


class _Row:
    def __init__(self, status: str, due_on: date | None) -> None:
        self.status, self.due_on = status, due_on


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["open", "done"]),
            st.none() | st.dates(date(2026, 10, 1), date(2027, 1, 31)),
        ),
        max_size=40,
    )
)
def test_grouping_keeps_every_task_once_in_bucket_order(
    rows: list[tuple[str, date | None]],
) -> None:
    tasks = [_Row(status, due) for status, due in rows]
    groups = group_tasks(tasks, TODAY)
    assert sorted(id(t) for _b, items in groups for t in items) == sorted(id(t) for t in tasks)
    order = [BUCKETS.index(bucket) for bucket, _items in groups]
    assert order == sorted(order)
    for bucket, items in groups:
        assert items
        assert all(bucket_of(t.status, t.due_on, TODAY) == bucket for t in items)
    overdue = [t for bucket, items in groups if bucket == "overdue" for t in items]
    assert all(t.due_on is not None and t.due_on < TODAY for t in overdue)

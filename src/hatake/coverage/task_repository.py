"""Queries behind the task pages: one task, an account's tasks, the task list and comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from hatake.coverage.models import Task, TaskComment
from hatake.team.models import User

# The task pages show the account and both people of every task.
TASK_PAGE_LOAD = (
    selectinload(Task.account),
    selectinload(Task.assignee),
    selectinload(Task.created_by),
)


def get_task(session: Session, task_id: int) -> Task | None:
    return session.scalar(select(Task).options(*TASK_PAGE_LOAD).where(Task.id == task_id))


@dataclass(frozen=True)
class TaskCounts:
    open: int
    overdue: int


def account_task_counts(session: Session, account_id: int, today: date) -> TaskCounts:
    """Open tasks of the account and those of them due before ``today``."""
    overdue = case((Task.due_on < today, 1), else_=0)
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(overdue), 0)).where(
            Task.account_id == account_id, Task.status == "open"
        )
    ).one()
    return TaskCounts(open=int(row[0]), overdue=int(row[1]))


def open_tasks_of_account(session: Session, account_id: int) -> Sequence[Task]:
    """The account's open tasks, earliest due first, undated last."""
    return session.scalars(
        select(Task)
        .options(*TASK_PAGE_LOAD)
        .where(Task.account_id == account_id, Task.status == "open")
        .order_by(Task.due_on.asc().nulls_last(), Task.id)
    ).all()


@dataclass(frozen=True)
class TaskQuery:
    """The task list's filters. ``assignee_id`` None means everyone's tasks; ``unassigned``
    asks for the tasks of nobody."""

    assignee_id: int | None = None
    unassigned: bool = False
    status: str | None = "open"
    priority: str | None = None


def _filtered(statement: Select[tuple[Task]], query: TaskQuery) -> Select[tuple[Task]]:
    if query.unassigned:
        statement = statement.where(Task.assignee_id.is_(None))
    elif query.assignee_id is not None:
        statement = statement.where(Task.assignee_id == query.assignee_id)
    if query.status is not None:
        statement = statement.where(Task.status == query.status)
    if query.priority is not None:
        statement = statement.where(Task.priority == query.priority)
    return statement


def list_tasks(session: Session, query: TaskQuery, *, limit: int) -> list[Task]:
    """Tasks matching ``query``, open ones by due day (undated last), done ones latest first;
    the page groups them (``tasks.group_tasks``)."""
    ordering = (
        (Task.completed_at.desc(), Task.id.desc())
        if query.status == "done"
        else (Task.due_on.asc().nulls_last(), Task.id)
    )
    statement = _filtered(select(Task).options(*TASK_PAGE_LOAD), query)
    return list(session.scalars(statement.order_by(*ordering).limit(limit)))


def count_tasks(session: Session, query: TaskQuery) -> int:
    return int(session.scalar(_filtered(select(func.count()).select_from(Task), query)) or 0)


@dataclass(frozen=True)
class CommentLine:
    task_id: int
    author: str | None
    body: str
    created_at: datetime


def comments_of(session: Session, task_ids: Sequence[int]) -> dict[int, list[CommentLine]]:
    """The comments of these tasks, oldest first, with the author's name."""
    if not task_ids:
        return {}
    rows = session.execute(
        select(TaskComment, User.name)
        .outerjoin(User, User.id == TaskComment.author_id)
        .where(TaskComment.task_id.in_(task_ids))
        .order_by(TaskComment.created_at, TaskComment.id)
    ).all()
    found: dict[int, list[CommentLine]] = {}
    for comment, author in rows:
        found.setdefault(comment.task_id, []).append(
            CommentLine(
                task_id=comment.task_id,
                author=author,
                body=comment.body,
                created_at=comment.created_at,
            )
        )
    return found


def active_users_in(session: Session, roles: Sequence[str]) -> Sequence[User]:
    """Active team members with one of ``roles``, by name (who may be given a task)."""
    return session.scalars(
        select(User).where(User.is_active.is_(True), User.role.in_(roles)).order_by(User.name)
    ).all()

"""Task use cases for the pages: create from a form, complete, reopen, change, comment, and who
may do which. Checks run before anything is added, so a refused request writes nothing.
Services flush; the boundary (the route) commits.

Rules (docs/user-guide: Tasks):

- viewers read; admins, managers and CSMs create tasks and comment on any task;
- admins and managers change any task; a CSM changes (completes, reopens, reassigns,
  re-dates) only a task assigned to them, created by them, or assigned to nobody;
- a new task's due date may be today or later: a follow-up due yesterday is a typing mistake,
  and a late task is shown as overdue by itself;
- the assignee is an active team member who may work tasks (not a viewer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from sqlalchemy.orm import Session

from hatake.core.db import utcnow
from hatake.core.errors import Forbidden, InvalidInput, NotFound
from hatake.coverage import task_repository
from hatake.coverage.models import TASK_PRIORITIES, TASK_STATUSES, Task, TaskComment
from hatake.coverage.service import settle_completion
from hatake.team import repository as team_repository
from hatake.team.models import User

TASK_WRITERS = ("admin", "manager", "csm")
TASK_MANAGERS = ("admin", "manager")
TITLE_MAX = 300
DESCRIPTION_MAX = 10000
COMMENT_MAX = 5000


class TaskForbidden(Forbidden):
    message_key = "Viewers cannot create or change tasks."


class NotYourTask(Forbidden):
    message_key = "Only the assignee, the creator or a manager can change this task."


@dataclass(frozen=True)
class TaskInput:
    """A task form as typed (strings); ``assignee_id`` empty means nobody."""

    title: str = ""
    assignee_id: str = ""
    due_on: str = ""
    priority: str = "normal"
    description: str = ""


def check_writer(user: User) -> None:
    if user.role not in TASK_WRITERS:
        raise TaskForbidden()


def may_change(user: User, task: Task) -> bool:
    if user.role in TASK_MANAGERS:
        return True
    if user.role not in TASK_WRITERS:
        return False
    return task.assignee_id in (None, user.id) or task.created_by_id == user.id


def may_see_everyone(user: User) -> bool:
    """Managers and admins look at anyone's tasks; a CSM's task list is their own."""
    return user.role in TASK_MANAGERS


def _check_change(user: User, task: Task) -> None:
    check_writer(user)
    if not may_change(user, task):
        raise NotYourTask()


def _title(value: str) -> str:
    title = value.strip()
    if not title:
        raise InvalidInput("Title: write what needs to be done.")
    if len(title) > TITLE_MAX:
        raise InvalidInput("Title: at most {limit} characters.", limit=TITLE_MAX)
    return title


def _assignee(session: Session, value: str) -> int | None:
    if not value.strip():
        return None
    user = team_repository.get_user(session, int(value)) if value.strip().isdigit() else None
    if user is None or not user.is_active or user.role not in TASK_WRITERS:
        raise InvalidInput(
            "Assignee: {value} is not an active team member who can work tasks.", value=value
        )
    return user.id


def _due_on(value: str, today: date) -> date | None:
    if not value.strip():
        return None
    try:
        due = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("Due date: {value} is not a date (YYYY-MM-DD).", value=value) from None
    if due < today:
        raise InvalidInput(
            "Due date: {value} is in the past; choose today ({today}) or later.",
            value=value,
            today=today.isoformat(),
        )
    return due


def _priority(value: str) -> str:
    if value not in TASK_PRIORITIES:
        raise InvalidInput(
            "Priority: {value} is not one of {allowed}.",
            value=value,
            allowed=", ".join(TASK_PRIORITIES),
        )
    return value


def _description(value: str) -> str | None:
    text = value.strip()
    if len(text) > DESCRIPTION_MAX:
        raise InvalidInput("Description: at most {limit} characters.", limit=DESCRIPTION_MAX)
    return text or None


def create_task(
    session: Session, *, account_id: int, form: TaskInput, author: User, today: date
) -> Task:
    """Check the form and add the task (``today`` is the organisation's day)."""
    check_writer(author)
    task = Task(
        external_id=f"web-{uuid4().hex}",
        account_id=account_id,
        title=_title(form.title),
        assignee_id=_assignee(session, form.assignee_id),
        due_on=_due_on(form.due_on, today),
        priority=_priority(form.priority),
        description=_description(form.description),
        created_by_id=author.id,
        status="open",
    )
    session.add(task)
    session.flush()
    return task


def get_task(session: Session, task_id: int) -> Task:
    task = task_repository.get_task(session, task_id)
    if task is None:
        raise NotFound("No task with id {task_id}.", task_id=task_id)
    return task


def set_status(session: Session, *, task: Task, status: str, user: User) -> Task:
    """Complete (``done``) or reopen (``open``); a task done twice keeps its first time."""
    _check_change(user, task)
    if status not in TASK_STATUSES:
        raise InvalidInput("Status: {value} is not open or done.", value=status)
    task.status = status
    settle_completion(task)
    task.updated_at = utcnow()
    session.flush()
    return task


def change_task(session: Session, *, task: Task, form: TaskInput, user: User, today: date) -> Task:
    """Reassign, re-date or re-prioritise. An existing due date may stay in the past (the
    task is then overdue); only a newly chosen one must be today or later."""
    _check_change(user, task)
    assignee = _assignee(session, form.assignee_id)
    priority = _priority(form.priority)
    due = task.due_on if form.due_on.strip() == str(task.due_on or "") else None
    if due is None and form.due_on.strip():
        due = _due_on(form.due_on, today)
    task.assignee_id = assignee
    task.due_on = due
    task.priority = priority
    task.updated_at = utcnow()
    session.flush()
    return task


def add_comment(session: Session, *, task: Task, body: str, author: User) -> TaskComment:
    check_writer(author)
    text = body.strip()
    if not text:
        raise InvalidInput("Comment: write something first.")
    if len(text) > COMMENT_MAX:
        raise InvalidInput("Comment: at most {limit} characters.", limit=COMMENT_MAX)
    comment = TaskComment(task_id=task.id, author_id=author.id, body=text)
    session.add(comment)
    session.flush()
    return comment

"""Task pages: the create form (an htmx fragment the account page and the queue load), the
account page's task card, "my tasks" at /tasks and the actions on one task (complete, reopen,
change, comment), each answering with the fragment it replaces."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.accounts.service import account_by_id
from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.coverage import task_repository, task_service
from hatake.coverage.models import TASK_PRIORITIES, TASK_STATUSES, Task
from hatake.coverage.task_repository import TaskQuery
from hatake.coverage.tasks import days_overdue, group_tasks
from hatake.team.models import User
from hatake.team.service import org_today
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
LIST_LIMIT = 300
# Where a create form was opened: the account page swaps its whole task card, the queue (and
# anything else) swaps the form alone for a confirmation.
ORIGINS = ("account", "queue")


def _origin(value: str) -> str:
    return value if value in ORIGINS else "queue"


def _message(request: Request, error: HatakeError) -> str:
    return error.render(gettext_for(request_locale(request)))


def _form_context(
    session: Session, account: Account, origin: str, form: task_service.TaskInput | None = None
) -> dict[str, Any]:
    return {
        "account": account,
        "origin": origin,
        "form": form
        or task_service.TaskInput(assignee_id=str(account.owner_id or ""), priority="normal"),
        "assignees": task_repository.active_users_in(session, task_service.TASK_WRITERS),
        "priorities": TASK_PRIORITIES,
        "today": org_today(session),
        "task_error": None,
    }


def _card(
    request: Request, session: Session, account: Account, user: User, **extra: Any
) -> Response:
    today = org_today(session)
    context = {
        **_form_context(session, account, "account"),
        "counts": task_repository.account_task_counts(session, account.id, today),
        "tasks": task_repository.open_tasks_of_account(session, account.id),
        "can_write": user.role in task_service.TASK_WRITERS,
        "days_overdue": days_overdue,
        **extra,
    }
    return render(request, "coverage/_task_card.html", context)


@router.get("/accounts/{account_id}/tasks/form", response_class=HTMLResponse)
def task_form(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    origin: Annotated[str, Query(alias="from")] = "queue",
) -> Response:
    """A create-task form for the account, the assignee defaulting to its owner."""
    task_service.check_writer(user)
    context = _form_context(session, account_by_id(session, account_id), _origin(origin))
    return render(request, "coverage/_task_form.html", context)


@router.get("/accounts/{account_id}/tasks/card", response_class=HTMLResponse)
def task_card(request: Request, session: DbSession, user: CurrentUser, account_id: int) -> Response:
    return _card(request, session, account_by_id(session, account_id), user)


@router.post(
    "/accounts/{account_id}/tasks", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def create_task(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    title: Annotated[str, Form()] = "",
    assignee_id: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "normal",
    description: Annotated[str, Form()] = "",
    origin: Annotated[str, Form(alias="from")] = "queue",
) -> Response:
    """Add the task; a refused one comes back as the form with the reason and what was
    typed (nothing written)."""
    account = account_by_id(session, account_id)
    origin = _origin(origin)
    form = task_service.TaskInput(
        title=title, assignee_id=assignee_id, due_on=due_on, priority=priority,
        description=description,
    )  # fmt: skip
    try:
        task = task_service.create_task(
            session, account_id=account.id, form=form, author=user, today=org_today(session)
        )
    except HatakeError as error:
        if isinstance(error, task_service.TaskForbidden):
            raise
        message = _message(request, error)
        if origin == "account":
            return _card(request, session, account, user, form=form, task_error=message)
        context = {**_form_context(session, account, origin, form), "task_error": message}
        return render(request, "coverage/_task_form.html", context)
    created = task_repository.get_task(session, task.id)
    if origin == "account":
        return _card(request, session, account, user, created=created)
    return render(request, "coverage/_task_created.html", {"account": account, "created": created})


def _query(user: User, assignee: str, status: str, priority: str) -> TaskQuery:
    """The list's filters as asked. ``assignee`` is empty (mine), ``all``, ``none`` or a
    user id; a CSM is kept to their own tasks."""
    if not task_service.may_see_everyone(user) or not (
        assignee.isdigit() or assignee in ("all", "none")
    ):
        assignee = str(user.id)
    return TaskQuery(
        assignee_id=int(assignee) if assignee.isdigit() else None,
        unassigned=assignee == "none",
        status=status if status in TASK_STATUSES else None if status == "all" else "open",
        priority=priority if priority in TASK_PRIORITIES else None,
    )


@router.get("/tasks", response_class=HTMLResponse)
def tasks_page(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    assignee: str = "",
    status: str = "open",
    priority: str = "",
) -> Response:
    """My tasks (or, for managers, anyone's or everyone's): overdue first, then due today,
    upcoming and undated; done tasks latest first."""
    query = _query(user, assignee, status, priority)
    today = org_today(session)
    tasks = task_repository.list_tasks(session, query, limit=LIST_LIMIT)
    context = {
        "groups": group_tasks(tasks, today),
        "total": task_repository.count_tasks(session, query),
        "shown": len(tasks),
        "comments": task_repository.comments_of(session, [task.id for task in tasks]),
        "filters": {"assignee": assignee, "status": status, "priority": priority},
        "sees_everyone": task_service.may_see_everyone(user),
        **_item_context(session, user, today),
    }
    return render(request, "coverage/tasks.html", context)


def _item_context(session: Session, user: User, today: Any) -> dict[str, Any]:
    return {
        "today": today,
        "assignees": task_repository.active_users_in(session, task_service.TASK_WRITERS),
        "priorities": TASK_PRIORITIES,
        "may_change": lambda task: task_service.may_change(user, task),
        "can_write": user.role in task_service.TASK_WRITERS,
        "days_overdue": days_overdue,
    }


def _item(request: Request, session: DbSession, user: User, task: Task, **extra: Any) -> Response:
    fresh = task_repository.get_task(session, task.id)
    context = {
        "task": fresh,
        "comments": task_repository.comments_of(session, [task.id]),
        **_item_context(session, user, org_today(session)),
        **extra,
    }
    return render(request, "coverage/_task_item.html", context)


def _act(
    request: Request, session: DbSession, user: User, task: Task, action: Any, **extra: Any
) -> Response:
    """Run one change; htmx gets the task back (with the reason when refused), a plain post
    is sent back to the list."""
    try:
        action()
    except HatakeError as error:
        if not request.headers.get("hx-request"):
            raise
        return _item(request, session, user, task, item_error=_message(request, error))
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/tasks#task-{task.id}", status_code=303)
    return _item(request, session, user, task, **extra)


@router.post("/tasks/{task_id}/status", response_class=HTMLResponse, dependencies=[CsrfChecked])
def set_status(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    task_id: int,
    status: Annotated[str, Form()] = "",
) -> Response:
    task = task_service.get_task(session, task_id)
    return _act(
        request, session, user, task,
        lambda: task_service.set_status(session, task=task, status=status, user=user),
    )  # fmt: skip


@router.post("/tasks/{task_id}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def change_task(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    task_id: int,
    assignee_id: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "normal",
) -> Response:
    task = task_service.get_task(session, task_id)
    form = task_service.TaskInput(assignee_id=assignee_id, due_on=due_on, priority=priority)
    return _act(
        request, session, user, task,
        lambda: task_service.change_task(
            session, task=task, form=form, user=user, today=org_today(session)
        ),
    )  # fmt: skip


@router.post("/tasks/{task_id}/comments", response_class=HTMLResponse, dependencies=[CsrfChecked])
def comment(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    task_id: int,
    body: Annotated[str, Form()] = "",
) -> Response:
    task = task_service.get_task(session, task_id)
    return _act(
        request, session, user, task,
        lambda: task_service.add_comment(session, task=task, body=body, author=user),
        open_details=True,  # the comment just added stays in view
    )  # fmt: skip


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, session: DbSession, user: CurrentUser, task_id: int) -> Response:
    """One task with its comments (linked from the account page and the queue)."""
    task = task_service.get_task(session, task_id)
    context = {
        "task": task,
        "comments": task_repository.comments_of(session, [task.id]),
        "open_details": True,
        **_item_context(session, user, org_today(session)),
    }
    return render(request, "coverage/task.html", context)

"""The queue page (今日のキュー): whom to contact today and why, with the actions of each row
loaded by htmx into the row: the touch form (touch_views), the snooze form (here) and the task
form (task_views). After a touch the row is read again and leaves when it is no longer due."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from hatake.accounts.service import account_by_id
from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.coverage import coverage_service, queue_repository, queue_service
from hatake.coverage.queue import describe, figure
from hatake.lifecycle import matrix_service
from hatake.team.models import User
from hatake.team.service import org_today
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
SHOWN = 200  # the page lists the first 200; the API and the CLI give them all


def _queue(
    request: Request, session: Session, user: User, owner: str | None, as_of: date | None
) -> queue_service.Queue:
    runtime = request.app.state.runtime
    settings = runtime.settings
    return queue_service.build_queue(
        session,
        runtime.analytics(),
        day=as_of or org_today(session),
        owner=queue_service.owner_to_show(session, user, owner),
        config=queue_service.queue_config(settings),
        cadences=coverage_service.cadence_config(settings),
        matrix_config=matrix_service.current_state(session, settings).config,
    )


def _context(request: Request, user: User, queue: queue_service.Queue) -> dict[str, Any]:
    gettext = gettext_for(request_locale(request))
    return {
        "queue": queue,
        "describe": lambda reason: describe(reason, gettext),
        "figure": figure,
        "can_act": user.role in coverage_service.TOUCH_WRITERS,
        "owner_param": "all" if queue.owner is None else queue.owner.email,
    }


@router.get("/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    owner: Annotated[str | None, Query()] = None,
    as_of: Annotated[date | None, Query()] = None,
) -> Response:
    queue = _queue(request, session, user, owner, as_of)
    context = {
        **_context(request, user, queue),
        "shown": queue.lines[:SHOWN],
        "can_pick": user.role in queue_service.QUEUE_PICKERS,
        "members": queue_repository.team_members(session),
        "today": org_today(session),
    }
    return render(request, "coverage/queue.html", context)


@router.get("/queue/rows/{account_id}", response_class=HTMLResponse)
def queue_row(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    owner: Annotated[str | None, Query()] = None,
    as_of: Annotated[date | None, Query()] = None,
) -> Response:
    """The account's row read again (after a touch, or a snooze ended): still due, snoozed,
    or gone from the queue."""
    account = account_by_id(session, account_id)
    queue = _queue(request, session, user, owner, as_of)
    line = queue_service.queue_line(queue, account_id)
    context = {**_context(request, user, queue), "line": line, "account": account}
    if line is not None:
        return render(request, "coverage/_queue_item.html", {**context, "position": None})
    snoozed = queue_service.snoozed_account(queue, account_id)
    if snoozed is not None:
        context["snooze"] = snoozed.snooze
        return render(request, "coverage/_queue_snoozed.html", context)
    return render(request, "coverage/_queue_left.html", context)


@router.get("/queue/accounts/{account_id}/snooze", response_class=HTMLResponse)
def snooze_form(
    request: Request, session: DbSession, user: CurrentUser, account_id: int
) -> Response:
    coverage_service.check_touch_writer(user.role)
    context = {
        "account": account_by_id(session, account_id),
        "form": {},
        "today": org_today(session),
    }
    return render(request, "coverage/_queue_snooze.html", context)


@router.post(
    "/queue/accounts/{account_id}/snooze", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def snooze(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    until: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Snooze the account; the answer replaces the row (or, refused, the form with the reason
    and what was typed)."""
    account = account_by_id(session, account_id)
    coverage_service.check_touch_writer(user.role)
    today = org_today(session)
    try:
        row = queue_service.snooze(
            session, account_id=account.id, user_id=user.id, until=until, reason=reason, today=today
        )
    except HatakeError as error:
        context = {
            "account": account,
            "form": {"until": until, "reason": reason},
            "today": today,
            "snooze_error": error.render(gettext_for(request_locale(request))),
        }
        return render(request, "coverage/_queue_snooze.html", context)
    response = render(request, "coverage/_queue_snoozed.html", {"account": account, "snooze": row})
    # The row itself gives way to the confirmation, not just the form.
    response.headers["HX-Retarget"] = f"#queue-item-{account.id}"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


@router.post(
    "/queue/accounts/{account_id}/snooze/end",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def end_snooze(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    owner: Annotated[str | None, Form()] = None,
    as_of: Annotated[date | None, Form()] = None,
) -> Response:
    """End the account's snooze; the answer replaces its line in the list of snoozes and says
    whether it is back in the queue being viewed (queue.js then brings its row in)."""
    account = account_by_id(session, account_id)
    coverage_service.check_touch_writer(user.role)
    queue_service.end_snoozes_of(
        session, account_id=account.id, name=account.name, today=org_today(session)
    )
    queue = _queue(request, session, user, owner, as_of)
    context = {
        **_context(request, user, queue),
        "account": account,
        "line": queue_service.queue_line(queue, account.id),
    }
    return render(request, "coverage/_queue_snooze_ended.html", context)

"""Logging a touch from the account page in a few seconds: a compact card loaded after the
page (htmx), posting back to itself; the new touch shows without a reload."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.accounts.service import account_by_id
from hatake.core.db import utcnow
from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.coverage import coverage_repository, coverage_service
from hatake.coverage.models import CHANNELS
from hatake.health.service import org_time_zone
from hatake.team.models import User
from hatake.team.service import org_today
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)


def _card(
    request: Request, session: Session, account: Account, user: User, **extra: Any
) -> Response:
    cadences = coverage_service.cadence_config(request.app.state.runtime.settings)
    day = org_today(session)
    context = {
        "account": account,
        "channels": CHANNELS,
        "contacts": coverage_repository.contacts_of(session, account.id),
        "status": coverage_service.account_status(
            session, account_id=account.id, day=day, cadences=cadences
        ),
        "time_zone": org_time_zone(session),
        "form": {"channel": "phone", "meaningful": "yes"},
        "can_log": user.role in coverage_service.TOUCH_WRITERS,
        **extra,
    }
    return render(request, "coverage/_touch_card.html", context)


@router.get("/accounts/{account_id}/touches/form", response_class=HTMLResponse)
def touch_card(
    request: Request, session: DbSession, user: CurrentUser, account_id: int
) -> Response:
    return _card(request, session, account_by_id(session, account_id), user)


@router.post(
    "/accounts/{account_id}/touches", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def log_touch(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    channel: Annotated[str, Form()] = "",
    contact_id: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    meaningful: Annotated[str, Form()] = "yes",
    occurred_at: Annotated[str, Form()] = "",
    next_step_on: Annotated[str, Form()] = "",
) -> Response:
    """Add the touch and answer with the card (its coverage updated) plus the new row for the
    page's touchpoint table; a rejected touch comes back with the message and what was typed."""
    account = account_by_id(session, account_id)
    coverage_service.check_touch_writer(user.role)
    form = {
        "channel": channel,
        "contact_id": contact_id,
        "summary": summary,
        "meaningful": meaningful,
        "occurred_at": occurred_at,
        "next_step_on": next_step_on,
    }
    try:
        touch = coverage_service.log_touch(
            session,
            account_id=account.id,
            user_id=user.id,
            channel=channel,
            contact_id=contact_id,
            summary=summary,
            meaningful=meaningful,
            occurred_at=occurred_at,
            next_step_on=next_step_on,
            now=utcnow(),
            cadences=coverage_service.cadence_config(request.app.state.runtime.settings),
        )
    except HatakeError as error:
        # Checks run before anything is added: nothing to roll back.
        message = error.render(gettext_for(request_locale(request)))
        return _card(request, session, account, user, touch_error=message, form=form)
    contact_names = dict(coverage_repository.contacts_of(session, account.id))
    return _card(
        request,
        session,
        account,
        user,
        logged=touch,
        logged_contact=contact_names.get(touch.contact_id),
    )

"""Pages: the portfolios workload view with bulk assignment (preview, then confirm), and the
account page's owner card (one account at a time, with its owner history)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from hatake.accounts import portfolio_repository, portfolio_service
from hatake.accounts import repository as accounts_repository
from hatake.accounts.portfolio_service import Selection
from hatake.accounts.repository import AccountFilter
from hatake.accounts.service import account_by_id
from hatake.core.db import utcnow
from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.coverage import coverage_service
from hatake.lifecycle import segment_service
from hatake.team import repository as team_repository
from hatake.team.models import User
from hatake.team.service import org_today
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
MODES = ("accounts", "segment", "filter")


def _number(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _selection(form: dict[str, str]) -> Selection:
    """The accounts a bulk form names, by its mode; the filter fields are the accounts list's
    (q, owner, plan, status, segment)."""
    mode = form.get("mode", "")
    if mode == "accounts":
        keys = form.get("external_ids", "").replace(",", " ").split()
        return Selection(external_ids=tuple(dict.fromkeys(keys)))
    if mode == "segment":
        return Selection(segment_id=_number(form.get("segment_id", "")))
    if mode == "filter":
        return Selection(
            filters=AccountFilter(
                search=form.get("q") or None,
                owner_id=_number(form.get("owner", "")),
                plan=form.get("plan") or None,
                status=form.get("status") or None,
                segment_id=_number(form.get("segment", "")),
            )
        )
    return Selection()


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {key: value for key, value in data.items() if isinstance(value, str)}


def _choices(session: Session) -> dict[str, Any]:
    return {
        "owners": portfolio_repository.workload_people(session, portfolio_service.OWNER_ROLES),
        "users": team_repository.list_users(session),
        "plans": accounts_repository.list_plans(session),
        "segments": segment_service.list_segments(session),
    }


@router.get("/portfolios", response_class=HTMLResponse)
def portfolios_page(request: Request, session: DbSession, user: CurrentUser) -> Response:
    """Each CSM's workload and, for managers, the bulk assignment form (prefilled from the
    accounts-list filter in the query string)."""
    report = coverage_service.build_report(
        session,
        day=org_today(session),
        cadences=coverage_service.cadence_config(request.app.state.runtime.settings),
    )
    params = dict(request.query_params)
    context = {
        "workload": portfolio_service.workload(session, report=report),
        "can_assign": user.role in portfolio_service.ASSIGNERS,
        "form": {"mode": params.get("mode") or ("filter" if params else "accounts"), **params},
        **_choices(session),
    }
    return render(request, "accounts/portfolios.html", context)


def _message(request: Request, error: HatakeError) -> str:
    return error.render(gettext_for(request_locale(request)))


@router.post("/portfolios/preview", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def preview(request: Request, session: DbSession, user: CurrentUser) -> Response:
    """How many accounts the assignment would move, from whom; a confirm button that carries
    the same selection and the count it promised."""
    portfolio_service.check_assigner(user)
    form = await _form(request)
    context: dict[str, Any] = {"form": form, "plan": None, "assign_error": None}
    try:
        plan = portfolio_service.plan_assignment(
            session, selection=_selection(form), to=form.get("to", "")
        )
    except HatakeError as error:
        context["assign_error"] = _message(request, error)
        return render(request, "accounts/_assign_preview.html", context)
    context["plan"] = plan
    context["names"] = portfolio_service.owner_names(session, list(plan.from_owners))
    return render(request, "accounts/_assign_preview.html", context)


@router.post("/portfolios/assign", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def assign(request: Request, session: DbSession, user: CurrentUser) -> Response:
    """Apply a previewed assignment in one transaction (the request's)."""
    portfolio_service.check_assigner(user)
    form = await _form(request)
    try:
        plan = portfolio_service.assign(
            session,
            selection=_selection(form),
            to=form.get("to", ""),
            changed_by=user.id,
            reason=form.get("reason"),
            now=utcnow(),
            expected_changes=_number(form.get("expected", "")),
        )
    except HatakeError as error:
        if not request.headers.get("hx-request"):
            raise
        context = {"form": form, "plan": None, "assign_error": _message(request, error)}
        return render(request, "accounts/_assign_preview.html", context)
    if not request.headers.get("hx-request"):
        return RedirectResponse("/portfolios", status_code=303)
    return render(request, "accounts/_assign_done.html", {"plan": plan})


def _owner_card(
    request: Request, session: Session, account_id: int, user: User, **extra: Any
) -> Response:
    account = account_by_id(session, account_id)
    history = portfolio_repository.owner_history(session, account.id)
    names = {member.id: member.name for member in team_repository.list_users(session)}
    context = {
        "account": account,
        "history": history,
        "names": names,
        "owners": portfolio_repository.workload_people(session, portfolio_service.OWNER_ROLES),
        "can_assign": user.role in portfolio_service.ASSIGNERS,
        "owner_error": None,
        **extra,
    }
    return render(request, "accounts/_owner_card.html", context)


@router.get("/accounts/{account_id}/owner", response_class=HTMLResponse)
def owner_card(
    request: Request, session: DbSession, user: CurrentUser, account_id: int
) -> Response:
    return _owner_card(request, session, account_id, user)


@router.post(
    "/accounts/{account_id}/owner", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def change_owner(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    to: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    portfolio_service.check_assigner(user)
    try:
        portfolio_service.assign(
            session, selection=Selection(account_ids=(account_id,)), to=to, changed_by=user.id,
            reason=reason, now=utcnow(),
        )  # fmt: skip
    except HatakeError as error:
        message = _message(request, error)
        return _owner_card(request, session, account_id, user, owner_error=message)
    session.expire_all()
    return _owner_card(request, session, account_id, user, owner_saved=True)

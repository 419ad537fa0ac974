"""Pages: stage distribution, stuck accounts and flow; the stage x tier grid; the lifecycle
card of the account page with the milestone ticks and the tier override."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.accounts.service import account_by_id
from hatake.core.errors import HatakeError, InvalidInput
from hatake.core.i18n import gettext_for
from hatake.lifecycle import repository, service
from hatake.lifecycle.grid import build_grid
from hatake.lifecycle.lifecycle_config import TIERS, LifecycleConfig
from hatake.lifecycle.stages import is_stuck
from hatake.team.service import org_today
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
FLOW_DAYS = 30
HISTORY_SHOWN = 8


def parse_day(value: str | None, default: date, field: str) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            "{field}: {value} is not a date (YYYY-MM-DD).", field=field, value=value
        ) from None


def stage_labels(config: LifecycleConfig, locale: str) -> dict[str, str]:
    return {s.key: s.label_ja if locale == "ja" else s.label_en for s in config.stages}


def _state(request: Request, session: Session) -> service.ConfigState:
    return service.lifecycle_config(session, request.app.state.runtime.settings)


def _common(request: Request, state: service.ConfigState) -> dict[str, object]:
    locale = request_locale(request)
    error = state.error.render(gettext_for(locale)) if state.error else None
    return {"labels": stage_labels(state.config, locale), "config_error": error, "tiers": TIERS}


@router.get("/lifecycle/stages", response_class=HTMLResponse)
def stages_page(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    day: Annotated[str | None, Query(alias="date")] = None,
    day_from: Annotated[str | None, Query(alias="from")] = None,
    day_to: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    state = _state(request, session)
    as_of = parse_day(day, org_today(session), "date")
    end = parse_day(day_to, as_of, "to")
    start = parse_day(day_from, end - timedelta(days=FLOW_DAYS), "from")
    report = service.stage_report(session, as_of, state.config)
    flows = service.flow(session, start, end)
    return render(
        request,
        "lifecycle/stages.html",
        {
            **_common(request, state),
            "report": report,
            "total": sum(report.counts.values()),
            "flows": flows,
            "flow_from": start,
            "flow_to": end,
        },
    )


@router.get("/lifecycle/grid", response_class=HTMLResponse)
def grid_page(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    day: Annotated[str | None, Query(alias="date")] = None,
) -> Response:
    state = _state(request, session)
    as_of = parse_day(day, org_today(session), "date")
    return render(
        request,
        "lifecycle/grid.html",
        {
            **_common(request, state),
            "grid": build_grid(session, as_of, state.config),
            "can_edit": user.role in service.INITIATIVE_ROLES,
        },
    )


@router.post("/lifecycle/grid/initiatives", response_class=HTMLResponse, dependencies=[CsrfChecked])
def save_initiative(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    stage: Annotated[str, Form()],
    tier: Annotated[str, Form()],
    body: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="date")] = "",
) -> Response:
    service.check_role(user.role, service.INITIATIVE_ROLES)
    state = _state(request, session)
    saved = service.save_initiative(
        session, state.config, stage=stage, tier=tier, body=body, author_id=user.id
    )
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/lifecycle/grid?date={day}", status_code=303)
    return render(
        request,
        "lifecycle/_initiative.html",
        {"stage": stage, "tier": tier, "initiative": saved, "can_edit": True, "day": day},
    )


# --- the account page's card ---------------------------------------------------------------


def _card(
    request: Request, session: Session, account: Account, **extra: object
) -> dict[str, object]:
    state = _state(request, session)
    today = org_today(session)
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        by_usage = service.milestone_days(runtime.analytics(), state.milestones, today).get(
            account.external_id, {}
        )
    ticks = {tick.milestone_key: tick for tick in repository.ticks(session, [account.id])}
    stages = repository.periods_of(session, account.id, "stage")
    tiers = repository.periods_of(session, account.id, "tier")
    current = stages[0] if stages and stages[0].left_on is None else None
    viewer = getattr(request.state, "user", None)
    role = viewer.role if viewer is not None else ""
    return {
        **_common(request, state),
        "account": account,
        "today": today,
        "milestones": state.milestones,
        "by_usage": by_usage,
        "ticks": ticks,
        "stage": current,
        "stuck": current is not None
        and is_stuck(state.config.stage(current.value), current.entered_on, today),
        "tier": tiers[0] if tiers and tiers[0].left_on is None else None,
        "stage_history": stages[:HISTORY_SHOWN],
        "tier_history": tiers[:HISTORY_SHOWN],
        "override": repository.active_override(session, account.id),
        "can_tick": role in service.TICK_ROLES,
        "can_override": role in service.OVERRIDE_ROLES,
        "lifecycle_error": None,
        **extra,
    }


def _answer(request: Request, session: Session, account: Account) -> Response:
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/accounts/{account.id}#lifecycle", status_code=303)
    return render(request, "lifecycle/_account_card.html", _card(request, session, account))


def _failed(request: Request, session: Session, account: Account, error: HatakeError) -> Response:
    """htmx gets the card back with the message in place; a plain post gets the error page.
    Services validate before they change anything, so nothing needs rolling back."""
    if not request.headers.get("hx-request"):
        raise error
    message = error.render(gettext_for(request_locale(request)))
    return render(
        request,
        "lifecycle/_account_card.html",
        _card(request, session, account, lifecycle_error=message),
    )


@router.get("/accounts/{account_id}/lifecycle", response_class=HTMLResponse)
def account_card(
    request: Request, session: DbSession, _user: CurrentUser, account_id: int
) -> Response:
    account = account_by_id(session, account_id)
    return render(request, "lifecycle/_account_card.html", _card(request, session, account))


@router.post(
    "/accounts/{account_id}/lifecycle/milestones",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def tick_milestone(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    key: Annotated[str, Form()],
    reached_on: Annotated[str, Form()] = "",
    remove: Annotated[str, Form()] = "",
) -> Response:
    account = account_by_id(session, account_id)
    try:
        service.check_role(user.role, service.TICK_ROLES)
        state = _state(request, session)
        if remove:
            service.untick_milestone(session, state, account_id=account.id, key=key)
        else:
            day = parse_day(reached_on, org_today(session), "reached_on")
            service.tick_milestone(
                session, state, account_id=account.id, key=key, reached_on=day, author_id=user.id
            )
    except HatakeError as error:
        return _failed(request, session, account, error)
    return _answer(request, session, account)


@router.post(
    "/accounts/{account_id}/lifecycle/tier-override",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def override_tier(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    tier: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    clear: Annotated[str, Form()] = "",
) -> Response:
    account = account_by_id(session, account_id)
    try:
        service.check_role(user.role, service.OVERRIDE_ROLES)
        state = _state(request, session)
        if clear:
            service.clear_override(session, state, account_id=account.id, author_id=user.id)
        else:
            service.override_tier(
                session,
                state,
                account_id=account.id,
                tier=tier,
                reason=reason,
                author_id=user.id,
            )
    except HatakeError as error:
        return _failed(request, session, account, error)
    return _answer(request, session, account)

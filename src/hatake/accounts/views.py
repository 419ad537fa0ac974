"""Pages: the accounts list and the account page."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from hatake.accounts import repository
from hatake.accounts.models import Account
from hatake.accounts.repository import SORT_KEYS, AccountFilter, SortKey
from hatake.accounts.service import account_by_id
from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.coverage import repository as coverage_repository
from hatake.health import sentiment
from hatake.health.panel import ChangeRangeInvalid, Comparison, account_panel, compare_days
from hatake.health.versions import active_definition
from hatake.lifecycle import segment_service
from hatake.support import repository as support_repository
from hatake.team import repository as team_repository
from hatake.team.service import org_today
from hatake.usage import store
from hatake.voc import repository as voc_repository
from hatake.voc.nps import net_promoter_score, nps_category
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
USAGE_DAYS = 90


@router.get("/accounts", response_class=HTMLResponse)
def accounts_list(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    q: str | None = None,
    owner: Annotated[str | None, Query()] = None,
    plan: str | None = None,
    status: str | None = None,
    segment: Annotated[str | None, Query()] = None,
    sort: Annotated[SortKey, Query()] = "name",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    owner_id = int(owner) if owner and owner.isdigit() else None
    filters = AccountFilter(
        search=q or None,
        owner_id=owner_id,
        plan=plan or None,
        status=status or None,
        segment_id=int(segment) if segment and segment.isdigit() else None,
    )
    rows, total = repository.search_accounts(
        session,
        filters=filters,
        sort=sort,
        descending=order == "desc",
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": {
            "q": q or "",
            "owner": owner or "",
            "plan": plan or "",
            "status": status or "",
            "segment": segment or "",
        },
        "sort": sort,
        "order": order,
        "sort_keys": SORT_KEYS,
        "owners": team_repository.list_users(session),
        "plans": repository.list_plans(session),
        "segments": segment_service.list_segments(session),
    }
    template = "accounts/_table.html" if request.headers.get("hx-request") else "accounts/list.html"
    return render(request, template, context)


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account_page(
    request: Request, session: DbSession, _user: CurrentUser, account_id: int
) -> Response:
    account = account_by_id(session, account_id)
    today = datetime.now(UTC).date()
    definition = active_definition(session)
    locale = request_locale(request)
    start = today - timedelta(days=USAGE_DAYS - 1)
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        usage_rows = (
            store.daily_active_users(
                store.events(runtime.analytics()), start, today, account_id=account.external_id
            )
            .to_pyarrow()
            .to_pylist()
        )
        health = account_panel(runtime.analytics(), account.external_id, definition, locale)
        changes: Comparison | None = None
        if health is not None:
            day_from, day_to = health.default_change_range
            changes = compare_days(
                runtime.analytics(),
                account.external_id,
                day_from,
                day_to,
                definition=definition,
                locale=locale,
                points=health.points,
            )
    usage_chart = store.daily_series(usage_rows, start, today)
    contacts = repository.contacts_of(session, account.id)
    surveys = voc_repository.survey_responses_of(session, account.id)
    custom_fields = runtime.settings.file_config.custom_fields
    return render(
        request,
        "accounts/detail.html",
        {
            "account": account,
            "contacts": contacts,
            "active_contacts": sum(1 for c in contacts if c.deactivated_on is None),
            "subscriptions": repository.subscriptions_of(session, account.id),
            "touchpoints": coverage_repository.recent_touchpoints(session, account.id),
            "tickets": support_repository.recent_tickets(session, account.id),
            "surveys": [(response, name, nps_category(response.nps)) for response, name in surveys],
            "nps": net_promoter_score(response.nps for response, _name in surveys),
            "usage_chart_json": json.dumps(usage_chart),
            "usage_totals": {
                "events": sum(usage_chart["events"]),
                "active_days": sum(1 for value in usage_chart["active_users"] if value),
                "peak_users": max(usage_chart["active_users"], default=0),
            },
            "custom_fields": custom_fields,
            "health": health,
            "health_json": json.dumps(health.history if health else None),
            "changes": changes,
            "change_range": health.default_change_range if health else None,
            **_sentiment_context(session, request, account),
        },
    )


def _sentiment_context(
    session: Session, request: Request, account: Account, **extra: object
) -> dict[str, object]:
    viewer = getattr(request.state, "user", None)
    today = org_today(session)
    return {
        "account": account,
        "sentiments": sentiment.recent_sentiments(session, account.id),
        "rating_labels": sentiment.RATING_LABELS,
        "sentiment_today": today,
        "can_rate": viewer is not None and viewer.role in sentiment.WRITER_ROLES,
        "sentiment_form": {"rating": "", "noted_on": today.isoformat(), "note": ""},
        "sentiment_error": None,
        "sentiment_saved": None,
        **extra,
    }


@router.post(
    "/accounts/{account_id}/sentiments", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def record_sentiment(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    account_id: int,
    rating: Annotated[str, Form()] = "",
    noted_on: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record the CSM's rating. htmx gets the sentiment card back (with the error in place,
    the form keeping what was typed); a plain form post is redirected to the account page."""
    account = account_by_id(session, account_id)
    sentiment.check_writer(user.role)
    htmx = bool(request.headers.get("hx-request"))
    try:
        saved = sentiment.record_sentiment(
            session,
            account_id=account.id,
            rating=rating,
            noted_on=noted_on,
            note=note,
            author_id=user.id,
        )
    except HatakeError as error:
        if not htmx:
            raise
        # Validation runs before anything is added, so there is nothing to roll back.
        message = error.render(gettext_for(request_locale(request)))
        form = {"rating": rating, "noted_on": noted_on, "note": note}
        context = _sentiment_context(
            session, request, account, sentiment_error=message, sentiment_form=form
        )
        return render(request, "accounts/_sentiment.html", context)
    if not htmx:
        return RedirectResponse(f"/accounts/{account.id}#sentiment", status_code=303)
    return render(
        request,
        "accounts/_sentiment.html",
        _sentiment_context(session, request, account, sentiment_saved=saved),
    )


@router.get("/accounts/{account_id}/health/changes", response_class=HTMLResponse)
def health_changes(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    account_id: int,
    day_from: Annotated[str, Query(alias="from")] = "",
    day_to: Annotated[str, Query(alias="to")] = "",
) -> Response:
    """The why-changed partial for two chosen days (htmx swaps it into the account page)."""
    account = account_by_id(session, account_id)
    definition = active_definition(session)
    locale = request_locale(request)
    runtime = request.app.state.runtime
    context: dict[str, object] = {"account": account, "changes": None, "change_error": None}
    try:
        first = _day(day_from, "Choose the first date (YYYY-MM-DD).")
        second = _day(day_to, "Choose the second date (YYYY-MM-DD).")
        with runtime.analytics_lock:
            context["changes"] = compare_days(
                runtime.analytics(),
                account.external_id,
                first,
                second,
                definition=definition,
                locale=locale,
            )
    except HatakeError as error:
        context["change_error"] = error.render(gettext_for(locale))
    return render(request, "accounts/_health_changes.html", context)


def _day(value: str, message_key: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ChangeRangeInvalid(message_key) from None

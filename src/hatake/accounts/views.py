"""Pages: the accounts list and the account page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from hatake.accounts import repository
from hatake.accounts.repository import SORT_KEYS, AccountFilter, SortKey
from hatake.core.errors import NotFound
from hatake.coverage import repository as coverage_repository
from hatake.health.definition import default_definition
from hatake.health.panel import account_panel
from hatake.support import repository as support_repository
from hatake.team import repository as team_repository
from hatake.usage import store
from hatake.voc import repository as voc_repository
from hatake.voc.nps import net_promoter_score, nps_category
from hatake.web.deps import CurrentUser, DbSession, request_locale
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
    sort: Annotated[SortKey, Query()] = "name",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    owner_id = int(owner) if owner and owner.isdigit() else None
    filters = AccountFilter(
        search=q or None, owner_id=owner_id, plan=plan or None, status=status or None
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
        "filters": {"q": q or "", "owner": owner or "", "plan": plan or "", "status": status or ""},
        "sort": sort,
        "order": order,
        "sort_keys": SORT_KEYS,
        "owners": team_repository.list_users(session),
        "plans": repository.list_plans(session),
    }
    template = "accounts/_table.html" if request.headers.get("hx-request") else "accounts/list.html"
    return render(request, template, context)


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account_page(
    request: Request, session: DbSession, _user: CurrentUser, account_id: int
) -> Response:
    account = repository.get_account(session, account_id)
    if account is None:
        raise NotFound("No account with id {account_id}.", account_id=account_id)
    today = datetime.now(UTC).date()
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
        health = account_panel(
            runtime.analytics(),
            account.external_id,
            default_definition(),
            request_locale(request),
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
        },
    )

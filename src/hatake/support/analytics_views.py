"""The support report page (/reports/support) and its CSV and Excel downloads."""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from hatake.accounts.service import account_by_id
from hatake.core.i18n import gettext_for
from hatake.lifecycle import segment_service
from hatake.reports.tables import Kind
from hatake.reports.web import GRAIN_LABELS, Export
from hatake.support import analytics_service as service
from hatake.team.service import org_today
from hatake.web.deps import CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/reports/support", response_class=HTMLResponse)
def support_report_page(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    export: Export,
    grain: str | None = None,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
    segment: str | None = None,
) -> Response:
    locale = request_locale(request)
    gettext = gettext_for(locale)
    query = service.parse_query(
        session,
        grain=grain,
        first=first or None,
        last=last or None,
        segment=segment,
        today=org_today(session),
    )
    report = service.build_report(session, query)
    tables = service.report_tables(report, gettext, locale)
    span = f"{report.periods[0].key}_{report.periods[-1].key}"
    download = export.response(
        tables, filename=f"support-{span}", heading=gettext("Support report") + f" {span}"
    )
    if download is not None:
        return download
    selected = {
        "grain": query.grain.value,
        "from": report.periods[0].key,
        "to": report.periods[-1].key,
        "segment": str(query.segment.id) if query.segment else "",
    }
    export_base = "/reports/support?" + urlencode(
        {key: value for key, value in selected.items() if value}
    )
    context = {
        "report": report,
        "tables": tables,
        "selected": selected,
        "grains": GRAIN_LABELS,
        "Kind": Kind,
        "segments": segment_service.list_segments(session),
        "export_base": export_base,
        "chart_json": json.dumps(service.chart_data(report, locale), ensure_ascii=False),
    }
    return render(request, "support/report.html", context)


@router.get("/accounts/{account_id}/support/card", response_class=HTMLResponse)
def account_support_card(
    request: Request, session: DbSession, _user: CurrentUser, account_id: int
) -> Response:
    """The account page's support card (htmx loads it after the page)."""
    account = account_by_id(session, account_id)
    card = service.account_support(session, account_id=account.id, today=org_today(session))
    return render(request, "support/_account_card.html", {"account": account, "card": card})

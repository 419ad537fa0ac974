"""The reports index (/reports) and the revenue and retention report page (/reports/retention)
with its CSV and Excel downloads."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from babel.numbers import get_currency_precision
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from hatake.core.i18n import gettext_for
from hatake.reports.periods import Grain, Period
from hatake.reports.tables import Kind
from hatake.reports.web import GRAIN_LABELS, Export
from hatake.revenue import retention_service as service
from hatake.revenue.movements import KINDS
from hatake.revenue.retention_tables import (
    BREAKDOWN_LABELS,
    KIND_LABELS,
    retention_tables,
    signed,
)
from hatake.team.service import org_today
from hatake.web.deps import CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
REPORTS = (
    ("/reports/retention", "Revenue and retention",
     "MRR and its movements, GRR, NRR, logo and revenue churn and the quick ratio by month, "
     "fiscal quarter or fiscal year, by tier, plan, segment or owner."),
    ("/reports/cohorts", "Cohorts and survival",
     "Logo and revenue retention by start cohort, survival curves and the retention "
     "projection with customer lifetime value."),
    ("/reports/forecast", "Renewal forecast",
     "Upcoming renewals by month with ARR, weighted by the renewal rate of each health grade."),
    ("/reports/support", "Support",
     "Ticket volume, first response and resolution times, backlog and CSAT, functional and "
     "operational issues apart."),
)  # fmt: skip


@router.get("/reports", response_class=HTMLResponse)
def reports_index(request: Request, _user: CurrentUser) -> Response:
    return render(request, "revenue/reports_index.html", {"reports": REPORTS})


def chart_data(report: service.RetentionReport, locale: str) -> dict[str, Any]:
    """Month-end MRR and the month's movements, in major units (losses negative)."""
    scale = 10 ** get_currency_precision(report.currency)
    return {
        "labels": [Period(month, Grain.MONTH, 0, 0).label(locale) for month in report.months],
        "mrr": [amount / scale for amount in report.mrr],
        "movements": {
            kind: [signed(kind, amount) / scale for amount in report.movements[kind]]
            for kind in KINDS
        },
    }


@router.get("/reports/retention", response_class=HTMLResponse)
def retention_page(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    export: Export,
    grain: str | None = None,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
    by: str | None = None,
) -> Response:
    locale = request_locale(request)
    gettext = gettext_for(locale)
    query = service.parse_query(
        session, grain=grain, first=first or None, last=last or None, by=by or None,
        today=org_today(session),
    )  # fmt: skip
    report = service.retention_report(session, request.app.state.runtime.settings, query)
    tables = retention_tables(report, locale, gettext)
    first_key, last_key = report.whole[0].period.key, report.whole[-1].period.key
    download = export.response(
        tables,
        filename=f"retention-{first_key}_{last_key}",
        heading=gettext("Revenue and retention") + f" {first_key}–{last_key}",
    )
    if download is not None:
        return download
    selected = {
        "grain": query.grain.value,
        "from": first_key,
        "to": report.last_month.strftime("%Y-%m"),
        "by": query.by.value if query.by else "",
    }
    context = {
        "report": report,
        "latest": report.whole[-1],
        "tables": tables,
        "selected": selected,
        "grains": GRAIN_LABELS,
        "breakdowns": BREAKDOWN_LABELS,
        "kind_labels": KIND_LABELS,
        "Kind": Kind,
        "export_base": "/reports/retention?"
        + urlencode({key: value for key, value in selected.items() if value}),
        "chart_json": json.dumps(chart_data(report, locale), ensure_ascii=False),
    }
    return render(request, "revenue/retention.html", context)

"""The renewal forecast page (/reports/forecast) with its CSV and Excel downloads."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from babel.numbers import get_currency_precision
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from hatake.core.i18n import gettext_for
from hatake.lifecycle import segment_service
from hatake.reports.query import parse_segment
from hatake.reports.tables import Kind
from hatake.reports.web import Export
from hatake.revenue import forecast_service as service
from hatake.revenue.analysis_tables import forecast_tables
from hatake.team.service import org_today
from hatake.web.deps import CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_RENEWALS = 200


@router.get("/reports/forecast", response_class=HTMLResponse)
def forecast_page(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    export: Export,
    horizon: int = service.DEFAULT_HORIZON_MONTHS,
    lead_days: int = service.DEFAULT_LEAD_DAYS,
    lookback: int = service.DEFAULT_LOOKBACK_MONTHS,
    as_of: Annotated[date | None, Query()] = None,
    segment: str | None = None,
) -> Response:
    locale = request_locale(request)
    gettext = gettext_for(locale)
    options = service.ForecastOptions(
        horizon_months=horizon, lead_days=lead_days, lookback_months=lookback
    )
    chosen = parse_segment(session, segment)
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        report = service.build_forecast(
            session, runtime.analytics(), runtime.settings, as_of=as_of or org_today(session),
            options=options, locale=locale, segment=chosen,
        )  # fmt: skip
    tables = forecast_tables(report, gettext, locale)
    heading = gettext("Renewal forecast") + f" {report.as_of.isoformat()}"
    filename = f"renewal-forecast-{report.as_of.isoformat()}"
    if chosen is not None:
        heading += " · " + gettext("Segment") + f": {chosen.name}"
        filename += f"-segment-{chosen.id}"
    download = export.response(tables, filename=filename, heading=heading)
    if download is not None:
        return download
    renewals = tables[-1]
    if len(renewals.rows) > PAGE_RENEWALS:
        # Thousands of rows at a large installation: the page lists the soonest, the
        # downloads hold every one.
        shown = gettext(
            "The {shown} soonest of {total} renewals; the CSV and Excel downloads list them all."
        ).format(shown=PAGE_RENEWALS, total=f"{len(renewals.rows):,}")
        tables[-1] = replace(renewals, rows=renewals.rows[:PAGE_RENEWALS], note=shown)
    scale = 10 ** get_currency_precision(report.currency)
    chart = {
        "labels": [row[0] for row in tables[0].rows[:-1]],
        "best": [s.best / scale for _, s in report.months],
        "expected": [s.expected / scale for _, s in report.months],
        "worst": [s.worst / scale for _, s in report.months],
    }
    selected: dict[str, object] = {"horizon": horizon, "lead_days": lead_days, "lookback": lookback}
    if as_of:
        selected["as_of"] = as_of.isoformat()
    if chosen is not None:
        selected["segment"] = str(chosen.id)
    context = {
        "report": report,
        "Kind": Kind,
        "tables": tables,
        "selected": selected,
        "export_base": "/reports/forecast?" + urlencode(selected),
        "chart_json": json.dumps(chart, ensure_ascii=False),
        "segments": segment_service.list_segments(session),
    }
    return render(request, "revenue/forecast.html", context)

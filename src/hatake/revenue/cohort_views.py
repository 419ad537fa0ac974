"""The cohorts and survival page (/reports/cohorts) with its CSV and Excel downloads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from hatake.core.i18n import gettext_for
from hatake.reports.periods import Grain, period_containing
from hatake.reports.tables import Kind, ReportTable, display_value
from hatake.reports.web import Export
from hatake.revenue import cohort_service as service
from hatake.revenue.analysis_tables import cohort_tables
from hatake.team.service import org_today
from hatake.web.deps import CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class HeatCell:
    kind: str  # the column's kind, the cell's CSS class
    text: str
    style: str = ""


def heat_rows(table: ReportTable, locale: str) -> list[list[HeatCell]]:
    """A retention triangle's cells as shown: each ratio shaded by its value, 100% the darkest
    green, values above 100% (revenue expansion) in blue, white text on the dark ones. Done
    here rather than in the template: a 36-month triangle has over a thousand cells."""
    rows = []
    for row in table.rows:
        cells = []
        for value, column in zip(row, table.columns, strict=True):
            if value is None:
                cells.append(HeatCell(column.kind.value, ""))
            elif column.kind is Kind.RATIO:
                if value > 1:
                    style = (
                        f"background:rgba(2,119,189,{min(value - 1, 0.6) + 0.25:.2f});color:#fff"
                    )
                else:
                    style = f"background:rgba(46,125,50,{value * value * 0.85:.2f})"
                    style += ";color:#fff" if value > 0.7 else ""
                cells.append(
                    HeatCell("ratio", display_value(value, column.kind, table, locale), style)
                )
            else:
                cells.append(
                    HeatCell(column.kind.value, display_value(value, column.kind, table, locale))
                )
        rows.append(cells)
    return rows


def cohort_options(
    grain: str, group_by: str, months: int, periods: int, period_months: int, cohort: str | None
) -> service.CohortOptions:
    """Query parameters as checked options (InvalidInput names a bad one)."""
    try:
        chosen = Grain(grain)
    except ValueError:
        chosen = None  # type: ignore[assignment]
    options = service.CohortOptions(
        grain=chosen or grain,  # type: ignore[arg-type]
        group_by=group_by,  # type: ignore[arg-type]
        window_months=months,
        projection_periods=periods,
        period_months=period_months,
        cohort=cohort or None,
    )
    return options.check()


@router.get("/reports/cohorts", response_class=HTMLResponse)
def cohorts_page(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    export: Export,
    grain: str = "month",
    by: str = "tier",
    months: int = service.DEFAULT_WINDOW_MONTHS,
    periods: int = service.DEFAULT_PROJECTION_PERIODS,
    period_months: int = 1,
    cohort: str | None = None,
    as_of: Annotated[date | None, Query()] = None,
) -> Response:
    locale = request_locale(request)
    gettext = gettext_for(locale)
    options = cohort_options(grain, by, months, periods, period_months, cohort)
    report = service.build_cohort_report(
        session, request.app.state.runtime.settings, as_of=as_of or org_today(session),
        options=options,
    )  # fmt: skip
    tables = cohort_tables(report, gettext, locale)
    download = export.response(
        tables,
        filename=f"cohorts-{report.as_of.isoformat()}",
        heading=gettext("Cohorts and survival") + f" {report.as_of.isoformat()}",
    )
    if download is not None:
        return download
    selected = {
        "grain": options.grain.value,
        "by": options.group_by,
        "months": options.window_months,
        "periods": options.projection_periods,
        "period_months": options.period_months,
        "cohort": options.cohort or "",
        "as_of": as_of.isoformat() if as_of else "",
    }
    chart = {
        "months": list(range(max((g.curve.last_observed for g in report.groups), default=0) + 1)),
        "curves": [
            {
                "label": tables[3].rows[index][0],
                "points": [
                    g.curve.at(m) if m <= g.curve.last_observed else None
                    for m in range(max(g.curve.last_observed, 0) + 1)
                ],
            }
            for index, g in enumerate(report.groups)
        ],
        "projection": {
            "periods": list(range(len(report.projection.fitted or report.projection.observed))),
            "observed": report.projection.observed,
            "fitted": report.projection.fitted,
        },
    }
    context = {
        "report": report,
        "tables": tables,
        "selected": selected,
        "export_base": "/reports/cohorts?"
        + urlencode({key: value for key, value in selected.items() if value != ""}),
        "chart_json": json.dumps(chart, ensure_ascii=False),
        "heat": {table.key: heat_rows(table, locale) for table in tables[:2]},
        "cohort_choices": [(c.period.key, c.period.label(locale)) for c in report.cohorts],
        "window": [
            period_containing(month, Grain.MONTH, report.fiscal_start_month).label(locale)
            for month in (report.months[0], report.months[-1])
        ],
    }
    return render(request, "revenue/cohorts.html", context)

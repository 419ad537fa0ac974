"""The contact coverage page (接触率): the day's share against the 100% target, the breakdowns,
the twelve-week trend and the accounts not covered."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from hatake.coverage import coverage_service as service
from hatake.lifecycle import matrix_service
from hatake.team.service import org_today
from hatake.web.deps import CurrentUser, DbSession
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
UNCOVERED_SHOWN = 200  # the page lists the most overdue; the API and CLI give all of them


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    as_of: Annotated[date | None, Query()] = None,
) -> Response:
    settings = request.app.state.runtime.settings
    report = service.build_report(
        session, day=as_of or org_today(session), cadences=service.cadence_config(settings)
    )
    chart = {
        "labels": [day.isoformat() for day, _ in report.trend],
        "coverage": [None if s.ratio is None else round(s.ratio * 100, 1) for _, s in report.trend],
    }
    context = {
        "report": report,
        "shown": report.uncovered[:UNCOVERED_SHOWN],
        "chart_json": json.dumps(chart),
    }
    return render(request, "coverage/page.html", context)


@router.get("/coverage/cells", response_class=HTMLResponse)
def coverage_cells(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    as_of: Annotated[date | None, Query()] = None,
) -> Response:
    """Coverage per matrix cell and stage, loaded by the page after its figures."""
    settings = request.app.state.runtime.settings
    report = service.build_report(
        session, day=as_of or org_today(session), cadences=service.cadence_config(settings)
    )
    matrix_config = matrix_service.current_state(session, settings).config
    groups = service.cells_and_stages(session, report, matrix_config)
    return render(request, "coverage/_cells.html", {"groups": groups})

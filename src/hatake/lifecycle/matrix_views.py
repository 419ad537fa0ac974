"""Pages: the priority matrix of a day, the accounts of one cell (htmx partial) and the
workbook download."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from hatake.core.i18n import gettext_for
from hatake.core.pagination import PageRequest, parse_sort
from hatake.lifecycle import matrix_service as service
from hatake.lifecycle.matrix import heat
from hatake.lifecycle.matrix_export import matrix_workbook
from hatake.team.service import org_today
from hatake.web.deps import CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100
AsOf = Annotated[date | None, Query(description="The day; today when left out")]


@router.get("/lifecycle/matrix", response_class=HTMLResponse)
def matrix_page(
    request: Request, session: DbSession, _user: CurrentUser, as_of: AsOf = None
) -> Response:
    state = service.current_state(session, request.app.state.runtime.settings)
    day = as_of or org_today(session)
    view = service.build_matrix(session, day, state.config)
    gettext = gettext_for(request_locale(request))
    maximum = view.maximum
    context = {
        "view": view,
        "state": state,
        "issues": service.config_issue_texts(state.issues, gettext),
        "heat": {cell.key: heat(cell.count, maximum) for row in view.grid for cell in row},
        "bands": {
            **{band.label: band.text() for band in state.config.id_band_list()},
            "0": "0",
        },
        "tenures": {band.label: band.text() for band in state.config.tenure_band_list()},
        "id_source": state.config.id_source,
    }
    return render(request, "lifecycle/matrix.html", context)


@router.get("/lifecycle/matrix/cells/{cell}", response_class=HTMLResponse)
def matrix_cell(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    cell: str,
    as_of: AsOf = None,
    cursor: str | None = None,
) -> Response:
    state = service.current_state(session, request.app.state.runtime.settings)
    day = as_of or org_today(session)
    page = PageRequest(
        sort=parse_sort("name", list(service.CELL_SORTS), "name"), limit=PAGE_SIZE, cursor=cursor
    )
    result = service.cell_page(
        session, request.app.state.runtime, day=day, config=state.config, cell=cell, page=page
    )
    context = {
        "cell": cell,
        "day": day,
        "result": result,
        "more": cursor is not None,
        "grades": service.grade_names(session, request_locale(request)),
        "must_not_lose": cell in state.config.must_not_lose,
    }
    return render(request, "lifecycle/_matrix_cell.html", context)


@router.get("/lifecycle/matrix/export.xlsx")
def matrix_export(
    request: Request, session: DbSession, _user: CurrentUser, as_of: AsOf = None
) -> Response:
    state = service.current_state(session, request.app.state.runtime.settings)
    day = as_of or org_today(session)
    locale = request_locale(request)
    view = service.build_matrix(session, day, state.config)
    lines, scored_day = service.all_lines(
        session, request.app.state.runtime, day=day, config=state.config
    )
    content = matrix_workbook(
        view,
        lines,
        gettext=gettext_for(locale),
        grade_names=service.grade_names(session, locale),
        scored_day=scored_day,
        config_version=state.version,
    )
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="matrix-{day.isoformat()}.xlsx"'},
    )

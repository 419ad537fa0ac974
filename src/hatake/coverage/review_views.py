"""The weekly review page (週次レビュー) and its Excel export. The page prints cleanly: the
browser's print leaves out the navigation and the controls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.coverage import review
from hatake.coverage.review_export import review_workbook
from hatake.coverage.review_service import review_for
from hatake.web.deps import CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
Week = Annotated[str | None, Query(description="ISO week, e.g. 2026-W47")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request, session: DbSession, _user: CurrentUser, week: Week = None
) -> Response:
    try:
        weekly = review_for(session, request.app.state.runtime, week=week)
    except HatakeError as error:
        # The page stays usable: the message and the week picker to choose another week.
        message = error.render(gettext_for(request_locale(request)))
        response = render(request, "coverage/review.html", {"error": message, "asked": week})
        response.status_code = error.status_code
        return response
    context = {"review": weekly, "r": review, "asked": weekly.this.week.label}
    return render(request, "coverage/review.html", context)


@router.get("/review/export.xlsx")
def review_export(
    request: Request, session: DbSession, _user: CurrentUser, week: Week = None
) -> Response:
    weekly = review_for(session, request.app.state.runtime, week=week)
    content = review_workbook(weekly, locale=request_locale(request))
    name = f"review-{weekly.this.week.label}.xlsx"
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

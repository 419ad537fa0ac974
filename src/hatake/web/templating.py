"""Server-rendered pages: one Jinja environment over every capability's templates folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from hatake.core.formatting import format_date, format_money, local_datetime
from hatake.core.i18n import gettext_for
from hatake.reports.tables import display_value
from hatake.web.deps import csrf_token, request_locale

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [
    PACKAGE_DIR / "web" / "templates",
    *sorted(path for path in PACKAGE_DIR.glob("*/templates") if path.parent.name != "web"),
]


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=[str(path) for path in TEMPLATE_DIRS])
    templates.env.filters["money"] = format_money
    templates.env.filters["isodate"] = format_date
    templates.env.filters["localtime"] = local_datetime
    templates.env.globals["number"] = lambda value: "" if value is None else f"{value:,}"
    templates.env.globals["report_value"] = display_value
    return templates


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    locale = request_locale(request)
    runtime = request.app.state.runtime
    page_context = {
        "request": request,
        "_": gettext_for(locale),
        "locale": locale,
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "time_zone": request.app.state.time_zone,
        "currency": request.app.state.currency,
        "settings": runtime.settings,
        **(context or {}),
    }
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, page_context, status_code=status_code)

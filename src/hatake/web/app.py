"""The app factory: one FastAPI app serving the pages, the REST API and the static assets."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from hatake import __version__
from hatake.accounts import api as accounts_api
from hatake.accounts import portfolio_api, portfolio_views
from hatake.accounts import views as accounts_views
from hatake.core.db import transaction
from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.coverage import api as coverage_api
from hatake.coverage import coverage_api as coverage_report_api
from hatake.coverage import (
    coverage_views,
    queue_api,
    queue_views,
    review_api,
    review_views,
    task_views,
    touch_views,
)
from hatake.health import api as health_api
from hatake.health import definitions_api, definitions_views, evaluation_api, evaluation_views
from hatake.health import scores_api as health_scores_api
from hatake.health.scheduler import ScoreRefresher
from hatake.imports import views as imports_views
from hatake.lifecycle import api as lifecycle_api
from hatake.lifecycle import matrix_api, matrix_views, segment_api, segment_views
from hatake.lifecycle import views as lifecycle_views
from hatake.revenue import analysis_api, cohort_views, forecast_views, retention_views, revenue_api
from hatake.support import analytics_api as support_report_api
from hatake.support import analytics_views as support_report_views
from hatake.support import api as support_api
from hatake.team import service as team_service
from hatake.usage import api as usage_api
from hatake.usage import tracking_api
from hatake.usage.ingest import Ingestion
from hatake.voc import api as voc_api
from hatake.web import views as web_views
from hatake.web.api import document_problems
from hatake.web.deps import LoginRequired, request_locale
from hatake.web.templating import build_templates, render

STATIC_DIR = Path(__file__).resolve().parent / "static"
API_PREFIX = "/api/"

OPENAPI_TAGS = [
    {
        "name": "tracking",
        "description": "Segment-compatible tracking API for product-usage events. Authenticate "
        "with a source's write key as the HTTP Basic user name (`hatake source create NAME`). "
        "Not under /api/v1, so Segment and RudderStack senders work unchanged.",
    },
    {
        "name": "usage",
        "description": "Sources of usage events and their write keys, and whether accepted "
        "events have reached the stores (tokens with the ingest scope).",
    },
    {"name": "accounts", "description": "Customer companies, upserted by external id."},
    {"name": "contacts", "description": "People at customers: end users (IDs) and stakeholders."},
    {"name": "subscriptions", "description": "Contract terms: plan, MRR, seats and dates."},
    {"name": "touchpoints", "description": "Contacts between the CS team and customers."},
    {"name": "tickets", "description": "Support tickets, functional (TS) or operational (CS)."},
    {"name": "survey responses", "description": "NPS answers (0-10) with comments."},
    {"name": "tasks", "description": "Follow-ups the CS team owes customers."},
    {
        "name": "queue",
        "description": "Today's queue: accounts due for a touch, ranked with their reasons; "
        "snoozes.",
    },
    {
        "name": "portfolios",
        "description": "Which CSM owns which accounts: bulk assignment (each change recorded) "
        "and the workload per CSM.",
    },
    {"name": "health", "description": "Health scores, read-only, each with its explanation."},
    {
        "name": "review",
        "description": "The manager's weekly review: an ISO week against the week before, per "
        "CSM and for the team.",
    },
    {
        "name": "lifecycle",
        "description": "Lifecycle stages and touch tiers per day, stage flow, the stage x tier "
        "grid with the team's initiatives; milestone ticks and tier overrides.",
    },
    {
        "name": "segments",
        "description": "Saved filters over account attributes and metrics, their members and "
        "enter/leave history; membership is recomputed with every refresh.",
    },
]


def create_app(settings: Settings | None = None, *, schedule_refresh: bool = False) -> FastAPI:
    """The app; with ``schedule_refresh`` (as `hatake serve` does) it also keeps today's health
    scores fresh every HATAKE_REFRESH_INTERVAL_MINUTES."""
    runtime = open_runtime(settings)
    with transaction(runtime.sessions) as session:
        org = team_service.ensure_org(session)
        time_zone, currency = org.time_zone, org.currency

    interval = runtime.settings.refresh_interval_minutes * 60
    refresher = ScoreRefresher(runtime, interval) if schedule_refresh and interval else None
    ingestion = Ingestion(runtime)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Everything loaded so far (the libraries, the app) lives as long as the process: move
        # it out of the collector's sight, or every full collection walks hundreds of MB of
        # objects and a busy tracking API spends most of its time there.
        gc.collect()
        gc.freeze()
        ingestion.start_draining()
        if refresher is not None:
            refresher.start()
        yield
        if refresher is not None:
            refresher.stop()
        ingestion.close()
        runtime.close()

    app = FastAPI(
        title="hatake API",
        version=__version__,
        description="REST API of hatake. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `hatake token create --scope read`). Errors are RFC 9457 "
        "problem+json documents.",
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
        # Swagger UI from our own static files (see _api_docs): nothing comes from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.ingestion = ingestion
    app.state.templates = build_templates()
    app.state.time_zone = time_zone
    app.state.currency = currency
    app.add_middleware(
        SessionMiddleware,
        secret_key=runtime.settings.session_secret(),
        session_cookie="hatake_session",
        same_site="lax",
        https_only=runtime.settings.secure_cookies,
        max_age=14 * 24 * 3600,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(web_views.router)
    app.include_router(accounts_views.router)
    app.include_router(imports_views.router)
    app.include_router(segment_views.router)
    app.include_router(matrix_views.router)
    app.include_router(coverage_views.router)
    app.include_router(touch_views.router)
    app.include_router(review_views.router)
    app.include_router(queue_views.router)
    app.include_router(task_views.router)
    app.include_router(portfolio_views.router)
    app.include_router(lifecycle_views.router)
    app.include_router(definitions_views.router)
    app.include_router(evaluation_views.router)
    app.include_router(support_report_views.router)
    app.include_router(retention_views.router)
    app.include_router(cohort_views.router)
    app.include_router(forecast_views.router)
    app.include_router(tracking_api.router)
    app.include_router(usage_api.router)
    app.include_router(accounts_api.router)
    app.include_router(coverage_api.router)
    app.include_router(coverage_report_api.router)
    app.include_router(review_api.router)
    app.include_router(queue_api.router)
    app.include_router(portfolio_api.router)
    app.include_router(support_api.router)
    app.include_router(support_report_api.router)
    app.include_router(revenue_api.router)
    app.include_router(analysis_api.router)
    app.include_router(voc_api.router)
    app.include_router(health_scores_api.router)
    app.include_router(segment_api.router)
    app.include_router(matrix_api.router)
    app.include_router(lifecycle_api.router)
    app.include_router(health_api.router)
    app.include_router(definitions_api.router)
    app.include_router(evaluation_api.router)
    _install_error_handlers(app)
    document_problems(app)
    _api_docs(app)
    return app


def _api_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def api_docs() -> Response:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} ({app.version})",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-favicon.png",
        )


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def problem(
    request: Request,
    *,
    status: int,
    title: str,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem document."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **(extra or {}),
    }
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _error: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(HatakeError)
    async def hatake_error(request: Request, error: HatakeError) -> Response:
        gettext = gettext_for(request_locale(request))
        detail = error.render(gettext)
        title = gettext(type(error).message_key)
        if _is_api(request):
            extra = getattr(error, "problem_extra", None)
            return problem(
                request,
                status=error.status_code,
                title=title,
                detail=detail,
                extra=extra() if callable(extra) else None,
                headers=error.headers,
            )
        return render(
            request, "error.html", {"title": title, "detail": detail}, status_code=error.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        gettext = gettext_for(request_locale(request))
        errors = [
            {
                "field": ".".join(str(part) for part in item["loc"] if part != "body"),
                # A missing field's "input" is the whole enclosing object, not its value.
                "value": None if item["type"] == "missing" else jsonable_encoder(item["input"]),
                "message": item["msg"],
                "type": item["type"],
            }
            for item in error.errors()
        ]
        detail = "; ".join(f"{item['field']}: {item['message']}" for item in errors)
        if _is_api(request):
            return problem(
                request,
                status=422,
                title=gettext("The request is not valid."),
                detail=detail,
                extra={"errors": errors},
            )
        return render(
            request,
            "error.html",
            {"title": gettext("The request is not valid."), "detail": detail},
            status_code=400,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        gettext = gettext_for(request_locale(request))
        title = gettext("Not found.") if error.status_code == 404 else str(error.detail)
        if _is_api(request):
            return problem(request, status=error.status_code, title=title, detail=str(error.detail))
        return render(
            request, "error.html", {"title": title, "detail": ""}, status_code=error.status_code
        )

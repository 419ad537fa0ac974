"""Sign-in, sign-out, the language switch and the home page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hatake.core.errors import Unauthorized
from hatake.core.i18n import gettext_for
from hatake.team import service as team_service
from hatake.web import overview
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, optional_user, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used as an open redirect."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, session: DbSession, next: str | None = None) -> Response:
    if optional_user(request, session) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        user = team_service.authenticate(session, email=email, password=password)
    except Unauthorized as error:
        message = error.render(gettext_for(request_locale(request)))
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": message, "email": email},
            status_code=401,
        )
    request.session.clear()
    request.session["user_id"] = user.id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/language", dependencies=[CsrfChecked])
def switch_language(
    request: Request,
    session: DbSession,
    locale: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = optional_user(request, session)
    if user is not None:
        team_service.set_user_locale(session, user=user, locale=locale)
    elif locale in ("ja", "en"):
        request.session["locale"] = locale
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, user: CurrentUser) -> Response:
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        summary = overview.summarize(
            session,
            runtime.analytics(),
            currency=request.app.state.currency,
            locale=request_locale(request),
        )
    return render(request, "home.html", {"summary": summary, "me": user})

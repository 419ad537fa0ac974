"""Pages: the score-definition versions (list, view, edit, validate, preview, save, activate)
and the list of accounts whose grade moved."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from hatake.core.errors import Conflict, Forbidden, HatakeError
from hatake.core.i18n import gettext_for
from hatake.health import lookups, movement, versions
from hatake.health.definition import Definition, DefinitionInvalid, Grade
from hatake.health.preview import NO_GRADE, preview_definition
from hatake.team.models import User
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
EDITOR_ROLES = ("admin", "manager")
Document = Annotated[str, Form()]


def can_edit(user: User) -> bool:
    return user.role in EDITOR_ROLES


def _require_editor(user: User) -> None:
    if not can_edit(user):
        raise Forbidden("Only admins and managers can save or activate score definitions.")


def grade_labels(locale: str, *definitions: Definition) -> dict[str, dict[str, str]]:
    """Label and colour per grade key, for matrix headers; '-' reads as "no score"."""
    labels: dict[str, dict[str, str]] = {
        NO_GRADE: {"label": gettext_for(locale)("No score"), "colour": "#9e9e9e"}
    }
    for definition in definitions:
        for grade in definition.grades:
            labels.setdefault(grade.key, {"label": grade.label(locale), "colour": grade.colour})
    return labels


def _page_context(
    session: Session, user: User, *, show: str | None, document: str | None
) -> dict[str, Any]:
    infos = versions.list_versions(session)
    shown = show or next(info.version for info in infos if info.is_active)
    return {
        "versions": infos,
        "authors": lookups.user_names(session, [info.created_by_id for info in infos]),
        "shown": shown,
        "shown_document": versions.get_document(session, shown),
        "document": document if document is not None else versions.active_document(session),
        "can_edit": can_edit(user),
        "me": user,
    }


@router.get("/health/definitions", response_class=HTMLResponse)
def definitions_page(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    version: str | None = None,
    saved: str | None = None,
    activated: str | None = None,
) -> Response:
    context = _page_context(session, user, show=version, document=None)
    context.update(saved=saved, activated=activated)
    return render(request, "health/definitions.html", context)


@router.post(
    "/health/definitions/validate", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def validate(request: Request, _user: CurrentUser, document: Document) -> Response:
    settings = request.app.state.runtime.settings
    locale = request_locale(request)
    try:
        definition = versions.validate_document(document, settings)
    except DefinitionInvalid as invalid:
        return render(request, "health/_issues.html", {"issues": invalid.messages(locale)})
    return render(request, "health/_valid.html", {"definition": definition})


@router.post("/health/definitions/preview", response_class=HTMLResponse, dependencies=[CsrfChecked])
def preview(
    request: Request, session: DbSession, _user: CurrentUser, document: Document
) -> Response:
    runtime = request.app.state.runtime
    locale = request_locale(request)
    try:
        definition = versions.validate_document(document, runtime.settings)
        with runtime.analytics_lock:
            report = preview_definition(
                session, runtime.analytics(), definition, settings=runtime.settings
            )
    except DefinitionInvalid as invalid:
        return render(request, "health/_issues.html", {"issues": invalid.messages(locale)})
    except HatakeError as error:
        return render(request, "health/_issues.html", {"error": error.render(gettext_for(locale))})
    refs = lookups.account_refs(session, [change.account_id for change in report.biggest])
    labels = grade_labels(locale, versions.active_definition(session), definition)
    return render(
        request, "health/_preview.html", {"report": report, "refs": refs, "labels": labels}
    )


@router.post("/health/definitions", response_class=HTMLResponse, dependencies=[CsrfChecked])
def save(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    document: Document,
    note: Annotated[str, Form()] = "",
    activate: Annotated[bool, Form()] = False,
) -> Response:
    _require_editor(user)
    locale = request_locale(request)
    settings = request.app.state.runtime.settings
    try:
        definition = versions.save_definition(
            session,
            document,
            known_metrics=versions.metric_names(settings),
            author_id=user.id,
            note=note.strip() or None,
            activate=activate,
        )
    except (DefinitionInvalid, Conflict) as error:
        session.rollback()
        context = _page_context(session, user, show=None, document=document)
        if isinstance(error, DefinitionInvalid):
            context["issues"] = error.messages(locale)
        else:
            context["error"] = error.render(gettext_for(locale))
        context.update(note=note, activate=activate)
        return render(request, "health/definitions.html", context, status_code=error.status_code)
    target = f"/health/definitions?version={definition.version}&saved={definition.version}"
    return RedirectResponse(target, status_code=303)


@router.post(
    "/health/definitions/{version}/activate",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def activate(session: DbSession, user: CurrentUser, version: str) -> Response:
    _require_editor(user)
    versions.activate_version(session, version)
    return RedirectResponse(f"/health/definitions?activated={version}", status_code=303)


@router.get("/health/movement", response_class=HTMLResponse)
def moved_accounts_page(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    days: Annotated[int, Query(ge=1, le=366)] = 7,
    direction: Annotated[str, Query(pattern="^(worse|better)$")] = "worse",
) -> Response:
    """The accounts whose grade is worse (or better) now than ``days`` days before the latest
    scored day of the active version."""
    definition = versions.active_definition(session)
    keys = [grade.key for grade in definition.grades]
    runtime = request.app.state.runtime
    rows: list[movement.MovedAccount] = []
    since: date | None = None
    with runtime.analytics_lock:
        con = runtime.analytics()
        as_of = movement.latest_day(con, definition.version)
        if as_of is not None:
            since = movement.latest_day(
                con, definition.version, on_or_before=as_of - timedelta(days=days)
            )
        if as_of is not None and since is not None:
            rows = movement.moved_accounts(
                con, definition.version, keys, since=since, as_of=as_of, worse=direction == "worse"
            )
    grades: dict[str, Grade] = {grade.key: grade for grade in definition.grades}
    return render(
        request,
        "health/movement.html",
        {
            "rows": rows,
            "refs": lookups.account_refs(session, [row.account_id for row in rows]),
            "grades": grades,
            "days": days,
            "direction": direction,
            "as_of": as_of,
            "since": since,
            "version": definition.version,
        },
    )

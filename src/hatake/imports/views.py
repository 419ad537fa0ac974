"""The upload page: pick an entity, upload CSV/Excel, see every bad row or the summary."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from hatake.core.errors import NotFound
from hatake.core.i18n import gettext_for
from hatake.imports import service
from hatake.imports.report import ImportFailed
from hatake.imports.specs import ENTITIES, ENTITY_LABELS
from hatake.imports.templates import template_csv, template_xlsx
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_name(name: str | None, fallback: str) -> str:
    """Keep the uploaded file's own name (errors cite it) without letting it pick a path."""
    return Path(name or fallback).name or fallback


@router.get("/imports", response_class=HTMLResponse)
def import_page(request: Request, _user: CurrentUser) -> Response:
    return render(request, "imports/upload.html", {"entities": ENTITY_LABELS})


@router.post("/imports", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def upload(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    entity: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    mapping: Annotated[UploadFile | None, File()] = None,
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    locale = request_locale(request)
    context: dict[str, object] = {
        "entities": ENTITY_LABELS,
        "entity": entity,
        "dry_run": dry_run,
    }
    settings = request.app.state.runtime.settings
    with tempfile.TemporaryDirectory(prefix="hatake-upload-") as folder:
        mapping_path = None
        if mapping is not None and mapping.filename:
            mapping_path = Path(folder) / _safe_name(mapping.filename, "mapping.yaml")
            mapping_path.write_bytes(await mapping.read())
        try:
            # The import is synchronous database work: keep it off the event loop.
            report = await run_in_threadpool(
                service.import_data,
                session,
                entity=entity,
                data=await file.read(),
                file_name=_safe_name(file.filename, f"{entity}.csv"),
                mapping=mapping_path,
                dry_run=dry_run,
                settings=settings,
            )
        except ImportFailed as failure:
            session.rollback()
            context.update(
                failure=failure.render(gettext_for(locale)),
                issues=[issue.to_dict(locale) for issue in failure.issues],
            )
            return render(request, "imports/upload.html", context, status_code=422)
    context["summary"] = report.summary(locale)
    return render(request, "imports/upload.html", context)


@router.get("/imports/templates/{entity}.{extension}")
def download_template(
    request: Request, _user: CurrentUser, entity: str, extension: str
) -> Response:
    if entity not in ENTITIES or extension not in ("csv", "xlsx"):
        raise NotFound()
    locale = request_locale(request)
    custom_fields = request.app.state.runtime.settings.file_config.custom_fields
    if extension == "csv":
        return Response(
            template_csv(entity, locale, custom_fields),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{entity}.csv"'},
        )
    return Response(
        template_xlsx(entity, locale, custom_fields),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="{entity}.xlsx"'},
    )

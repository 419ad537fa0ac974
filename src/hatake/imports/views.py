"""The upload page: pick an entity, upload CSV/Excel, see every bad row or the summary."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from hatake.core.errors import NotFound
from hatake.core.i18n import gettext_for
from hatake.imports import service
from hatake.imports.report import ImportFailed
from hatake.imports.specs import ENTITIES
from hatake.imports.templates import template_csv, template_xlsx
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_name(name: str | None, fallback: str) -> str:
    """Keep the uploaded file's own name (errors cite it) without letting it pick a path."""
    base = Path(name or fallback).name
    return re.sub(r"[^\w.\-()\u3000-\u9fff\uff00-\uffef ]", "_", base) or fallback


async def _save(upload: UploadFile, folder: Path, fallback: str) -> Path:
    path = folder / _safe_name(upload.filename, fallback)
    path.write_bytes(await upload.read())
    return path


@router.get("/imports", response_class=HTMLResponse)
def import_page(request: Request, _user: CurrentUser) -> Response:
    return render(request, "imports/upload.html", {"entities": ENTITIES})


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
    context: dict[str, object] = {"entities": ENTITIES, "entity": entity, "dry_run": dry_run}
    with tempfile.TemporaryDirectory(prefix="hatake-upload-") as folder:
        data_path = await _save(file, Path(folder), f"{entity}.csv")
        mapping_path = None
        if mapping is not None and mapping.filename:
            (Path(folder) / "mapping").mkdir()
            mapping_path = await _save(mapping, Path(folder) / "mapping", "mapping.yaml")
        try:
            report = service.run_import(
                session,
                entity=entity,
                path=data_path,
                mapping=mapping_path,
                dry_run=dry_run,
                settings=request.app.state.runtime.settings,
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
    if extension == "csv":
        return Response(
            template_csv(entity, locale),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{entity}.csv"'},
        )
    return Response(
        template_xlsx(entity, locale),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="{entity}.xlsx"'},
    )

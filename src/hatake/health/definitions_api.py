"""REST API of the score-definition versions: list, read, save, activate, preview."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from sqlalchemy.orm import Session

from hatake.health import lookups, versions
from hatake.health.definition_schemas import (
    AccountChangeRead,
    DefinitionCreate,
    DefinitionDocumentRead,
    DefinitionVersionRead,
    PreviewRead,
    PreviewRequest,
    TransitionRead,
)
from hatake.health.preview import PreviewReport, preview_definition
from hatake.health.versions import VersionInfo
from hatake.web.deps import DbSession, ReadToken, WriteToken

router = APIRouter(prefix="/api/v1/health/definitions", tags=["health"])

PROBLEM = {"content": {"application/problem+json": {}}}
INVALID = {400: {"description": "The document is invalid: `issues` lists each path", **PROBLEM}}
UNKNOWN = {404: {"description": "No such version", **PROBLEM}}


def _version_read(info: VersionInfo, authors: dict[int, str]) -> DefinitionVersionRead:
    return DefinitionVersionRead(
        version=info.version,
        name=info.name,
        origin=info.origin,  # type: ignore[arg-type]
        is_active=info.is_active,
        created_at=info.created_at,
        created_by=authors.get(info.created_by_id) if info.created_by_id else None,
        note=info.note,
    )


def version_reads(session: Session) -> list[DefinitionVersionRead]:
    infos = versions.list_versions(session)
    authors = lookups.user_names(session, [info.created_by_id for info in infos])
    return [_version_read(info, authors) for info in infos]


def _one(session: Session, version: str) -> DefinitionVersionRead:
    for item in version_reads(session):
        if item.version == version:
            return item
    versions.get_document(session, version)  # raises NotFound
    raise AssertionError(version)


def preview_read(session: Session, report: PreviewReport) -> PreviewRead:
    refs = lookups.account_refs(session, [change.account_id for change in report.biggest])
    return PreviewRead(
        as_of=report.as_of,
        from_version=report.from_version,
        to_version=report.to_version,
        accounts=report.accounts,
        changed_grade=report.changed,
        mean_score_change=report.mean_change,
        from_grades=report.from_grades,
        to_grades=report.to_grades,
        matrix=report.matrix,
        transitions=[
            TransitionRead(from_grade=before, to_grade=after, accounts=count)
            for (before, after), count in report.transitions().items()
            if count
        ],
        biggest_changes=[
            AccountChangeRead(
                account_external_id=change.account_id,
                account_name=refs[change.account_id].name if change.account_id in refs else None,
                grade_before=change.grade_before,
                grade_after=change.grade_after,
                score_before=change.score_before,
                score_after=change.score_after,
                change=change.delta,
            )
            for change in report.biggest
        ],
    )


@router.get("")
def list_definitions(session: DbSession, _token: ReadToken) -> list[DefinitionVersionRead]:
    """Every version, newest saved first, then the built-in one; `is_active` marks the one
    refreshes score with."""
    return version_reads(session)


@router.get("/{version}", responses=UNKNOWN)
def read_definition(session: DbSession, _token: ReadToken, version: str) -> DefinitionDocumentRead:
    """One version with its YAML document."""
    document = versions.get_document(session, version)
    return DefinitionDocumentRead(**_one(session, version).model_dump(), document=document)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={**INVALID, 409: {"description": "The version already exists", **PROBLEM}},
)
def create_definition(
    request: Request, session: DbSession, token: WriteToken, body: DefinitionCreate
) -> DefinitionVersionRead:
    """Validate the document and save it as a new version (optionally activating it). A
    version is never overwritten."""
    settings = request.app.state.runtime.settings
    definition = versions.save_definition(
        session,
        body.document,
        known_metrics=versions.metric_names(settings),
        author_id=token.user_id,
        note=body.note,
        activate=body.activate,
    )
    return _one(session, definition.version)


@router.post("/preview", responses={**INVALID, 409: {"description": "Nothing stored yet"}})
def preview(
    request: Request, session: DbSession, _token: ReadToken, body: PreviewRequest
) -> PreviewRead:
    """Score every account with the document, in memory only, on the latest day with stored
    scores of the active version, and compare: grade transitions, how many accounts change
    grade, the mean score change and the biggest changes. Nothing is written."""
    runtime = request.app.state.runtime
    definition = versions.validate_document(body.document, runtime.settings)
    with runtime.analytics_lock:
        report = preview_definition(
            session, runtime.analytics(), definition, settings=runtime.settings, as_of=body.as_of
        )
    return preview_read(session, report)


@router.post("/{version}/activate", responses=UNKNOWN)
def activate_definition(
    session: DbSession, _token: WriteToken, version: str
) -> DefinitionVersionRead:
    """Make this version the one refreshes score with."""
    versions.activate_version(session, version)
    return _one(session, version)

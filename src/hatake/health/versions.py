"""Saved score-definition versions: which one refreshes use, and every one a stored score or a
backtest may name. The built-in default is always available under its own version, so a new
installation scores without any saved row."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hatake.core.db import utcnow
from hatake.core.errors import Conflict, NotFound
from hatake.core.settings import Settings
from hatake.health.definition import (
    Definition,
    default_definition,
    default_document,
    load_definition,
)
from hatake.health.factors import known_metrics
from hatake.health.models import ScoreDefinition


@dataclass(frozen=True)
class VersionInfo:
    """One version as the pages and the API list it."""

    version: str
    name: str
    origin: str  # builtin, edited or fitted
    is_active: bool
    created_at: datetime | None
    created_by_id: int | None
    note: str | None


def metric_names(settings: Settings) -> set[str]:
    """Every metric a definition may use here: the registry plus this installation's custom
    fields."""
    return known_metrics(settings.file_config.custom_keys)


def validate_document(
    document: str, settings: Settings, source: str = "<definition>"
) -> Definition:
    """Parse and validate an edited document, metrics included; `DefinitionInvalid` lists
    every problem."""
    return load_definition(document, source=source, known_metrics=metric_names(settings))


def _stored(session: Session, version: str) -> ScoreDefinition | None:
    return session.scalars(
        select(ScoreDefinition).where(ScoreDefinition.version == version)
    ).one_or_none()


def _active_row(session: Session) -> ScoreDefinition | None:
    return session.scalars(
        select(ScoreDefinition).where(ScoreDefinition.is_active.is_(True))
    ).one_or_none()


def active_definition(session: Session) -> Definition:
    """The definition refreshes score with: the activated saved version, else the built-in.
    Parsed once per document (reports ask on every request); the active row is still read
    each time, so an activation made elsewhere is seen at once."""
    row = _active_row(session)
    if row is None:
        return _builtin_definition()
    return _parsed(row.document, row.version)


@cache
def _builtin_definition() -> Definition:
    return default_definition()


@lru_cache(maxsize=16)
def _parsed(document: str, version: str) -> Definition:
    """Keyed by the document itself, not only the version name, so a row whose text differs
    can never be served from an older parse. ``Definition`` is frozen, so sharing is safe."""
    return load_definition(document, source=version)


@cache
def _builtin_version() -> str:
    return default_definition().version


def active_version(session: Session) -> str:
    """The version of ``active_definition`` without parsing its document (the queue reads
    scores of this version on every request)."""
    row = _active_row(session)
    return _builtin_version() if row is None else row.version


def active_document(session: Session) -> str:
    row = _active_row(session)
    return default_document() if row is None else row.document


def get_definition(session: Session, version: str) -> Definition:
    """A saved version, or the built-in one by its version; NotFound otherwise."""
    row = _stored(session, version)
    if row is not None:
        return load_definition(row.document, source=row.version)
    builtin = default_definition()
    if version == builtin.version:
        return builtin
    raise NotFound("Score definition version {version} does not exist.", version=version)


def get_document(session: Session, version: str) -> str:
    row = _stored(session, version)
    if row is not None:
        return row.document
    if version == default_definition().version:
        return default_document()
    raise NotFound("Score definition version {version} does not exist.", version=version)


def list_versions(session: Session) -> list[VersionInfo]:
    """Saved versions newest first, then the built-in one (unless it was saved too)."""
    rows = session.scalars(
        select(ScoreDefinition).order_by(
            ScoreDefinition.created_at.desc(), ScoreDefinition.id.desc()
        )
    ).all()
    infos = [
        VersionInfo(
            version=row.version,
            name=row.name,
            origin=row.origin,
            is_active=row.is_active,
            created_at=row.created_at,
            created_by_id=row.created_by_id,
            note=row.note,
        )
        for row in rows
    ]
    builtin = default_definition()
    if all(info.version != builtin.version for info in infos):
        infos.append(
            VersionInfo(
                version=builtin.version,
                name=builtin.name,
                origin="builtin",
                is_active=not any(info.is_active for info in infos),
                created_at=None,
                created_by_id=None,
                note=None,
            )
        )
    return infos


def save_definition(
    session: Session,
    document: str,
    *,
    known_metrics: Collection[str],
    author_id: int | None = None,
    origin: str = "edited",
    note: str | None = None,
    activate: bool = False,
) -> Definition:
    """Validate ``document`` and store it as a new version. A version is never overwritten:
    scores already stored under it must keep meaning what they meant."""
    definition = load_definition(document, source="<definition>", known_metrics=known_metrics)
    if _stored(session, definition.version) is not None or (
        definition.version == default_definition().version
    ):
        raise Conflict(
            "Version {version} already exists; give the new definition a new version.",
            version=definition.version,
        )
    row = ScoreDefinition(
        version=definition.version,
        name=definition.name,
        document=document,
        origin=origin,
        note=note,
        created_by_id=author_id,
    )
    session.add(row)
    session.flush()
    if activate:
        activate_version(session, definition.version)
    return definition


def activate_version(session: Session, version: str) -> None:
    """Make ``version`` the one refreshes use. Activating the built-in version deactivates
    every saved one."""
    row = _stored(session, version)
    if row is None and version != default_definition().version:
        raise NotFound("Score definition version {version} does not exist.", version=version)
    session.execute(
        update(ScoreDefinition).where(ScoreDefinition.is_active.is_(True)).values(is_active=False)
    )
    if row is not None:
        row.is_active = True
        row.activated_at = utcnow()
    session.flush()

"""The import use case: read, validate every row, then upsert on external_id.

Design: all or nothing by construction. Every issue in the file is collected first; if there
is any, `ImportFailed` (status 422) is raised carrying all of them before a single row is
added, so the boundary's transaction rolls back an untouched session. Otherwise rows are
created or updated and the session is flushed; the boundary (CLI command, request) commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hatake.core.db import Base, utcnow
from hatake.core.settings import Settings
from hatake.coverage.cadence import parse_cadence_config
from hatake.imports import messages, repository
from hatake.imports.reader import load_mapping, read_table
from hatake.imports.report import ImportFailed, ImportIssue, ImportReport, UnknownEntity
from hatake.imports.specs import ENTITIES, EntitySpec, spec_for
from hatake.imports.subscription_rules import subscription_issues
from hatake.imports.validate import (
    Context,
    ValidRow,
    mentions,
    resolve_columns,
    validate_rows,
)
from hatake.team import repository as team_repository


def check_entity(entity: str) -> None:
    if entity not in ENTITIES:
        raise UnknownEntity(entity=entity, choices=", ".join(ENTITIES))


def run_import(
    session: Session,
    *,
    entity: str,
    path: Path,
    mapping: Path | Mapping[str, str] | None = None,
    dry_run: bool = False,
    settings: Settings,
) -> ImportReport:
    """Import the file at `path`; see `import_data`."""
    check_entity(entity)
    if not path.is_file():
        issue = ImportIssue(
            path.name, None, None, None, messages.FILE_NOT_FOUND, {"file": str(path)}
        )
        raise ImportFailed(path.name, [issue])
    return import_data(
        session,
        entity=entity,
        data=path.read_bytes(),
        file_name=path.name,
        mapping=mapping,
        dry_run=dry_run,
        settings=settings,
    )


def import_data(
    session: Session,
    *,
    entity: str,
    data: bytes,
    file_name: str,
    mapping: Path | Mapping[str, str] | None = None,
    dry_run: bool = False,
    settings: Settings,
) -> ImportReport:
    """Import an uploaded file's bytes; `file_name` (its extension picks CSV or XLSX) is also
    the name the issues show. `mapping` is a mapping file (YAML or JSON) or its parsed
    content: source column name -> field key. Raises UnknownEntity or ImportFailed; flushes,
    never commits."""
    check_entity(entity)
    spec = spec_for(entity, settings.file_config.custom_fields)
    columns = load_mapping(mapping) if isinstance(mapping, Path) else mapping
    table = read_table(data, file_name)
    plan = resolve_columns(table, spec, columns)
    wanted = mentions(table, plan)
    existing = repository.existing_rows(session, spec.model, wanted.external_ids)
    org = team_repository.get_org(session)
    users = team_repository.users_by_email(session) if wanted.users else {}
    context = Context(
        time_zone=org.time_zone if org else "Asia/Tokyo",
        default_currency=org.currency if org else "JPY",
        accounts=repository.account_ids(session, wanted.accounts),
        contacts=repository.contact_refs(session, wanted.contacts),
        users={email: user.id for email, user in users.items()},
        existing={key: _stored(spec, row) for key, row in existing.items()},
        **_future_rule(spec, settings),
    )
    rows, row_issues = validate_rows(table, plan, spec, context)
    if entity == "subscriptions" and not plan.issues:
        row_issues += subscription_issues(session, settings, table.file, plan, rows, context)
    if plan.issues or row_issues:
        raise ImportFailed(file_name, [*plan.issues, *row_issues])

    created: list[Base] = []
    updated = unchanged = 0
    for row in rows:
        current = existing.get(row.external_id)
        if current is None:
            created.append(_new(spec, row))
            continue
        changes = _changes(current, row)
        if not changes:
            unchanged += 1
            continue
        updated += 1
        if not dry_run:
            for attribute, value in changes.items():
                setattr(current, attribute, value)
            current.updated_at = utcnow()  # type: ignore[attr-defined]
    if not dry_run:
        session.add_all(created)
        session.flush()
    return ImportReport(
        entity=entity,
        file=file_name,
        rows=len(table.rows),
        created=len(created),
        updated=updated,
        unchanged=unchanged,
        dry_run=dry_run,
    )


def _future_rule(spec: EntitySpec, settings: Settings) -> dict[str, Any]:
    """Now and the tolerance, for a file with moments that may not lie in the future; the
    [coverage] section is read only then, so a mistake in it stops no other import."""
    if not any(f.not_in_future for f in spec.fields):
        return {}
    tolerance = parse_cadence_config(settings.file_config.coverage).future_tolerance_minutes
    return {"now": utcnow(), "future_tolerance_minutes": tolerance}


def _stored(spec: EntitySpec, row: Base) -> dict[str, Any]:
    return {f.attribute: getattr(row, f.attribute) for f in spec.fields if f.attribute}


def _new(spec: EntitySpec, row: ValidRow) -> Base:
    values = dict(row.values)
    if row.custom:
        values["custom"] = {key: value for key, value in row.custom.items() if value is not None}
    return spec.model(**values)


def _changes(current: Base, row: ValidRow) -> dict[str, Any]:
    """Only what differs, so an identical row is left untouched (and keeps its updated_at)."""
    changes = {
        attribute: value
        for attribute, value in row.values.items()
        if getattr(current, attribute) != value
    }
    if row.custom:
        stored: dict[str, Any] = current.custom or {}  # type: ignore[attr-defined]
        merged = dict(stored)
        for key, value in row.custom.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        if merged != stored:
            # A new dict, since the plain JSON column does not track in-place changes.
            changes["custom"] = merged
    return changes

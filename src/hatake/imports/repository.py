"""The queries an import needs: bulk look-ups by external ID, a few hundred keys per query."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from itertools import islice
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact
from hatake.core.db import Base
from hatake.imports.validate import ContactRef

# Below the bound-parameter limits of SQLite (32,766 by default) and PostgreSQL (65,535), and
# large enough that a usual file needs one query per look-up: psycopg prepares a statement
# run five times, and PostgreSQL's generic plan for a repeated 500-key IN list on a freshly
# filled, not yet analysed table took ~0.3 s per chunk, ~5 s for 10,000 rows.
CHUNK = 20_000

ModelT = TypeVar("ModelT", bound=Base)


def _chunks(keys: Collection[str]) -> Iterator[list[str]]:
    ordered = iter(sorted(keys))
    while chunk := list(islice(ordered, CHUNK)):
        yield chunk


def account_ids(session: Session, external_ids: Collection[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(external_ids):
        query = select(Account.external_id, Account.id).where(Account.external_id.in_(chunk))
        for external_id, account_id in session.execute(query):
            found[external_id] = account_id
    return found


def contact_refs(session: Session, external_ids: Collection[str]) -> dict[str, ContactRef]:
    found: dict[str, ContactRef] = {}
    for chunk in _chunks(external_ids):
        rows = session.execute(
            select(Contact.external_id, Contact.id, Contact.account_id, Account.external_id)
            .join(Account, Account.id == Contact.account_id)
            .where(Contact.external_id.in_(chunk))
        )
        found.update(
            {
                external_id: ContactRef(contact_id, account_id, account_external_id)
                for external_id, contact_id, account_id, account_external_id in rows
            }
        )
    return found


def existing_rows(
    session: Session, model: type[ModelT], external_ids: Collection[str]
) -> dict[str, ModelT]:
    """The rows of `model` with these external IDs, loaded into the session to be updated."""
    found: dict[str, ModelT] = {}
    column = model.external_id  # type: ignore[attr-defined]
    for chunk in _chunks(external_ids):
        for row in session.scalars(select(model).where(column.in_(chunk))):
            found[row.external_id] = row  # type: ignore[attr-defined]
    return found

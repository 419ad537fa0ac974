"""Create, read, update and delete of rows addressed by their source's ``external_id``: one
implementation for every REST resource, so that conflicts, missing rows, references to other
rows and "cannot be emptied" read the same everywhere. Services flush; the boundary commits.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from hatake.core.db import Base, utcnow
from hatake.core.errors import Conflict, InvalidField, NotFound
from hatake.core.schemas import ChangedSince

Row = TypeVar("Row", bound=Base)


@dataclass(frozen=True)
class Reference:
    """An input field naming another row (``account_external_id``, ``assignee_email``) and the
    column that stores its id. ``resolve(session, value, account_id)`` returns the id or raises
    a 422 naming the field; ``account_id`` is the row's account, to check that a contact
    belongs to it."""

    column: str
    resolve: Callable[[Session, Any, int | None], int | None]


@dataclass(frozen=True)
class Records(Generic[Row]):
    model: type[Row]
    not_found: str  # message keys with {external_id}
    taken: str
    load: tuple[ORMOption, ...] = ()
    # Fields a PATCH may not set to null (the column is NOT NULL or null means nothing).
    required: frozenset[str] = frozenset()
    # Applied in order, so the account is known before a contact is checked against it.
    references: Mapping[str, Reference] = field(default_factory=dict)
    # Rules spanning fields, run on the merged row before it is flushed: they refuse (end
    # before start) or complete what follows from other fields (when a task was done).
    settle: Callable[[Row], None] | None = None

    def query(self) -> Select[tuple[Row]]:
        return select(self.model).options(*self.load)

    def find(self, session: Session, external_id: str) -> Row | None:
        column = self.model.external_id  # type: ignore[attr-defined]
        return session.scalar(self.query().where(column == external_id))

    def get(self, session: Session, external_id: str) -> Row:
        row = self.find(session, external_id)
        if row is None:
            raise NotFound(self.not_found, external_id=external_id)
        return row

    def create(self, session: Session, values: Mapping[str, Any]) -> Row:
        external_id = values["external_id"]
        if self.find(session, external_id) is not None:
            raise Conflict(self.taken, external_id=external_id)
        row = self.model(**self._resolved(session, values, row=None))
        self._settle(row)
        session.add(row)
        session.flush()
        return self.get(session, external_id)

    def update(self, session: Session, external_id: str, changes: Mapping[str, Any]) -> Row:
        row = self.get(session, external_id)
        for name, value in changes.items():
            if value is None and name in self.required:
                raise InvalidField("{field} cannot be empty.", field=name, value=None)
        for name, value in self._resolved(session, changes, row=row).items():
            setattr(row, name, value)
        if hasattr(row, "updated_at"):
            row.updated_at = utcnow()  # type: ignore[attr-defined]
        self._settle(row)
        session.flush()
        # Relationships were loaded for the old references; read them again.
        session.expire(row)
        return self.get(session, external_id)

    def delete(self, session: Session, external_id: str) -> None:
        session.delete(self.get(session, external_id))
        session.flush()

    def _resolved(
        self, session: Session, values: Mapping[str, Any], row: Row | None
    ) -> dict[str, Any]:
        resolved = {name: value for name, value in values.items() if name not in self.references}
        for name, reference in self.references.items():
            if name not in values:
                continue
            account_id = resolved.get("account_id", getattr(row, "account_id", None))
            value = values[name]
            resolved[reference.column] = (
                None if value is None else reference.resolve(session, value, account_id)
            )
        return resolved

    def _settle(self, row: Row) -> None:
        if self.settle is not None:
            self.settle(row)


Conditions = Sequence[tuple[Any, Any]]  # (column, value); a None value means "not asked"


def scoped(
    statement: Select[tuple[Row]],
    model: type[Row],
    filters: ChangedSince,
    *,
    equal: Conditions = (),
    since: Conditions = (),
    before: Conditions = (),
    until: Conditions = (),
) -> Select[tuple[Row]]:
    """A list's filters: the account's external id and "changed since" that every list shares,
    then ``column == value``, ``>= value``, ``< value`` and ``<= value`` for those asked."""
    account = getattr(filters, "account", None)
    if account is not None:
        statement = statement.where(model.account.has(external_id=account))  # type: ignore[attr-defined]
    asked = [
        *((operator.eq, column, value) for column, value in equal),
        *((operator.ge, column, value) for column, value in since),
        *((operator.lt, column, value) for column, value in before),
        *((operator.le, column, value) for column, value in until),
        (operator.ge, model.updated_at, filters.updated_since),  # type: ignore[attr-defined]
    ]
    # Comparisons are built only for values given: SQLAlchemy refuses ">= None".
    return statement.where(
        *(compare(column, value) for compare, column, value in asked if value is not None)
    )

"""Queries of the support report: the tickets that touch a range of time, as columns, and one
account's tickets for its card."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, ColumnElement, case, cast, func, or_, select
from sqlalchemy.orm import Session

from hatake.core.sqlite_text import sqlite_integers, sqlite_moments
from hatake.lifecycle.segment_service import members_now
from hatake.support.analytics import NEVER, Keys, TicketColumns, keys_of, ticket_columns
from hatake.support.models import ISSUE_TYPES, TICKET_PRIORITIES, Ticket

DONE_STATUSES = ("resolved", "closed")
CATEGORY_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class TicketTable:
    """Tickets as columns: the times and ratings the figures use and the keys they are broken
    down by."""

    columns: TicketColumns
    priority: Keys
    category: Keys  # "" for none
    issue_type: Keys
    marked_done: np.ndarray  # status resolved or closed


def _epoch_micros(column: Any) -> ColumnElement[int]:
    """Microseconds since the epoch of a UTC timestamp column, computed by PostgreSQL (exact:
    ``extract`` gives a numeric)."""
    return cast(func.extract("epoch", column) * 1_000_000, BigInteger)


def _moments(values: Sequence[int | None]) -> np.ndarray:
    # Epoch microseconds of these centuries are below 2**53, so float64 holds them exactly.
    as_float = np.array(values, dtype=np.float64)
    missing = np.isnan(as_float)
    return np.where(missing, NEVER, np.where(missing, 0, as_float).astype(np.int64))


def _empty() -> TicketTable:
    nothing: list[Any] = []
    no_keys = keys_of([])
    return TicketTable(
        ticket_columns(nothing, nothing, nothing, nothing),
        no_keys,
        no_keys,
        no_keys,
        np.zeros(0, dtype=bool),
    )


def _rows_table(session: Session, conditions: Sequence[ColumnElement[bool]]) -> TicketTable:
    """One row per ticket, the times as epoch microseconds."""
    statement = select(
        _epoch_micros(Ticket.opened_at),
        _epoch_micros(Ticket.first_response_at),
        _epoch_micros(Ticket.resolved_at),
        Ticket.csat,
        Ticket.priority,
        Ticket.category,
        Ticket.issue_type,
        Ticket.status,
    ).where(*conditions)
    rows = session.connection().execute(statement).all()
    if not rows:
        return _empty()
    opened, responded, resolved, csat, priority, category, issue_type, status = zip(
        *rows, strict=True
    )
    return TicketTable(
        columns=ticket_columns(
            np.array(opened, dtype=np.int64),
            _moments(responded),
            _moments(resolved),
            np.array([rating or 0 for rating in csat], dtype=np.int64),
        ),
        priority=keys_of(priority),
        category=keys_of([value or "" for value in category]),
        issue_type=keys_of(issue_type),
        marked_done=np.isin(np.array(status, dtype=str), DONE_STATUSES),
    )


# Bits of the packed integer ``_packed_keys`` gives per ticket.
PRIORITY_BITS = 3  # the index into TICKET_PRIORITIES
OPERATIONAL, DONE, NO_RESPONSE, UNRESOLVED = 4, 8, 16, 32
CSAT_SHIFT = 6  # the rating, 0 when none, above the flags


def _packed_keys() -> Any:
    """Priority, issue type, whether the ticket is marked done, which times are missing and
    the rating as one small integer: three texts per ticket were a third of the read, and
    with the missing times known the times come without placeholders, at a fixed width."""
    priority = case(
        *((Ticket.priority == name, index) for index, name in enumerate(TICKET_PRIORITIES)),
        else_=0,
    )
    operational = case((Ticket.issue_type == ISSUE_TYPES[1], OPERATIONAL), else_=0)
    done = case((Ticket.status.in_(DONE_STATUSES), DONE), else_=0)
    no_response = case((Ticket.first_response_at.is_(None), NO_RESPONSE), else_=0)
    unresolved = case((Ticket.resolved_at.is_(None), UNRESOLVED), else_=0)
    rating = func.coalesce(Ticket.csat, 0) * (1 << CSAT_SHIFT)
    return priority + operational + done + no_response + unresolved + rating


def _placed(text: str | None, missing: np.ndarray) -> np.ndarray:
    """Epoch microseconds of a column whose NULLs ``group_concat`` left out: the moments go to
    the rows that have one, ``NEVER`` to the others."""
    micros = np.full(len(missing), NEVER, dtype=np.int64)
    present = ~missing
    micros[present] = sqlite_moments(text or "", int(np.count_nonzero(present))).astype(np.int64)
    return micros


def _sqlite_table(session: Session, conditions: Sequence[ColumnElement[bool]]) -> TicketTable:
    """The same columns as ``_rows_table`` in one row of joined strings that go straight into
    NumPy's parsers, as coverage reads touches: a Python tuple per ticket was most of the cost
    at 100,000 tickets. Categories are joined by the unit separator (a category holding one
    is read with a space in its place)."""
    category = func.replace(Ticket.category, CATEGORY_SEPARATOR, " ")
    statement = select(
        func.count(),
        func.group_concat(Ticket.opened_at),
        func.group_concat(Ticket.first_response_at),
        func.group_concat(Ticket.resolved_at),
        func.group_concat(_packed_keys()),
        func.group_concat(func.coalesce(category, ""), CATEGORY_SEPARATOR),
    ).where(*conditions)
    count, opened, responded, resolved, packed_text, category_text = (
        session.connection().execute(statement).one()
    )
    if not count:
        return _empty()
    packed = sqlite_integers(packed_text)
    return TicketTable(
        columns=ticket_columns(
            sqlite_moments(opened, count).astype(np.int64),
            _placed(responded, (packed & NO_RESPONSE) > 0),
            _placed(resolved, (packed & UNRESOLVED) > 0),
            packed >> CSAT_SHIFT,
        ),
        priority=Keys(TICKET_PRIORITIES, packed & PRIORITY_BITS),
        category=keys_of(category_text.split(CATEGORY_SEPARATOR)),
        issue_type=Keys(ISSUE_TYPES, (packed & OPERATIONAL) // OPERATIONAL),
        marked_done=(packed & DONE) > 0,
    )


def _table(session: Session, conditions: Sequence[ColumnElement[bool]]) -> TicketTable:
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_table(session, conditions)
    return _rows_table(session, conditions)


def tickets_touching(
    session: Session, since: datetime, until: datetime, *, segment_id: int | None = None
) -> TicketTable:
    """Every ticket opened before ``until`` that was opened or still unresolved at some moment
    of [since, until): the only tickets that change a figure of a window inside the range (a
    ticket opened and resolved before ``since`` adds one to the opened and one to the resolved
    before every bound, so it leaves each backlog as it is). With ``segment_id``, only the
    tickets of the segment's members now."""
    conditions = [
        Ticket.opened_at < until,
        or_(Ticket.resolved_at.is_(None), Ticket.resolved_at >= since, Ticket.opened_at >= since),
    ]
    if segment_id is not None:
        conditions.append(Ticket.account_id.in_(members_now(segment_id)))
    return _table(session, conditions)


def account_tickets(session: Session, account_id: int, until: datetime) -> TicketTable:
    """One account's tickets opened before ``until`` (a few hundred at most)."""
    return _table(session, [Ticket.account_id == account_id, Ticket.opened_at < until])

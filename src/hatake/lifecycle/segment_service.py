"""Segment use cases: save and validate definitions, recompute membership for a day, and read
members, history and counts. Services flush; the boundary commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from hatake.core.db import utcnow
from hatake.core.errors import Conflict, InvalidInput, NotFound
from hatake.lifecycle.segment_models import Segment, SegmentCount, SegmentMembership
from hatake.lifecycle.segments import (
    compile_predicate,
    memberships_to_change,
    parse_definition,
    to_document,
)


def get_segment(session: Session, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise NotFound("No segment with id {id}.", id=segment_id)
    return segment


def list_segments(session: Session) -> Sequence[Segment]:
    return session.scalars(select(Segment).order_by(Segment.name)).all()


def save_segment(
    session: Session,
    *,
    name: str,
    definition: Any,
    description: str | None,
    custom_keys: Sequence[str],
    author_id: int | None = None,
    segment_id: int | None = None,
) -> Segment:
    """Create (or, with ``segment_id``, replace) a segment; the definition is validated first
    and nothing is written when it is not valid."""
    name = name.strip()
    if not name:
        raise InvalidInput("{field} cannot be empty.", field="name")
    document = to_document(parse_definition(definition, custom_keys))
    taken = session.scalar(select(Segment).where(Segment.name == name))
    if taken is not None and taken.id != segment_id:
        raise Conflict("A segment named {name} already exists.", name=name)
    if segment_id is None:
        segment = Segment(name=name, definition=document, created_by_id=author_id)
        session.add(segment)
    else:
        segment = get_segment(session, segment_id)
        segment.name, segment.definition = name, document
        segment.updated_at = utcnow()
    segment.description = (description or "").strip() or None
    session.flush()
    return segment


def delete_segment(session: Session, segment_id: int) -> None:
    session.delete(get_segment(session, segment_id))
    session.flush()


def matching_accounts(
    attributes: pa.Table, definition: Any, custom_keys: Sequence[str]
) -> set[int]:
    """The ids of the accounts whose attributes satisfy ``definition``."""
    predicate, parameters = compile_predicate(parse_definition(definition, custom_keys))
    con = duckdb.connect()
    try:
        con.register("attributes", attributes)
        rows = con.execute(
            f"SELECT account_id FROM attributes WHERE {predicate}", parameters
        ).fetchall()
    finally:
        con.close()
    return {int(account_id) for (account_id,) in rows}


@dataclass(frozen=True)
class SegmentRefresh:
    segment_id: int
    members: int
    entered: int
    left: int


def refresh_membership(
    session: Session, *, day: date, attributes: pa.Table, custom_keys: Sequence[str]
) -> list[SegmentRefresh]:
    """Recompute every segment's members for ``day``: accounts that now match enter, accounts
    that no longer match leave, and the day's member count is stored. Running the same day
    twice changes nothing the second time."""
    results = []
    for segment in list_segments(session):
        members = matching_accounts(attributes, segment.definition, custom_keys)
        open_stays = {
            stay.account_id: stay
            for stay in session.scalars(
                select(SegmentMembership).where(
                    SegmentMembership.segment_id == segment.id,
                    SegmentMembership.left_on.is_(None),
                )
            )
        }
        entering, leaving = memberships_to_change(set(open_stays), members)
        session.add_all(
            SegmentMembership(segment_id=segment.id, account_id=account, entered_on=day)
            for account in sorted(entering)
        )
        for account in leaving:
            open_stays[account].left_on = day
        session.execute(
            delete(SegmentCount).where(
                SegmentCount.segment_id == segment.id, SegmentCount.day == day
            )
        )
        session.add(SegmentCount(segment_id=segment.id, day=day, members=len(members)))
        segment.refreshed_on = day
        results.append(SegmentRefresh(segment.id, len(members), len(entering), len(leaving)))
    session.flush()
    return results


def member_counts(session: Session, segment_id: int) -> list[tuple[date, int]]:
    rows = session.execute(
        select(SegmentCount.day, SegmentCount.members)
        .where(SegmentCount.segment_id == segment_id)
        .order_by(SegmentCount.day)
    ).all()
    return [(row[0], row[1]) for row in rows]


def members_now(segment_id: int) -> Select[tuple[int]]:
    """The ids of the accounts in a segment now, as a subquery other lists filter with."""
    return select(SegmentMembership.account_id).where(
        SegmentMembership.segment_id == segment_id, SegmentMembership.left_on.is_(None)
    )


def current_member_ids(session: Session, segment_id: int) -> set[int]:
    return set(session.scalars(members_now(segment_id)))


def member_total(session: Session, segment_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                SegmentMembership.segment_id == segment_id, SegmentMembership.left_on.is_(None)
            )
        )
        or 0
    )


def recent_changes(
    session: Session, segment_id: int, limit: int = 50
) -> list[tuple[date, str, int]]:
    """The latest enter and leave events: (day, "entered" | "left", account id)."""
    entered = select(SegmentMembership.entered_on, SegmentMembership.account_id).where(
        SegmentMembership.segment_id == segment_id
    )
    left = select(SegmentMembership.left_on, SegmentMembership.account_id).where(
        SegmentMembership.segment_id == segment_id, SegmentMembership.left_on.is_not(None)
    )
    events = [(day, "entered", account) for day, account in session.execute(entered)] + [
        (day, "left", account) for day, account in session.execute(left)
    ]
    events.sort(key=lambda event: (event[0], event[1] == "entered"), reverse=True)
    return events[:limit]

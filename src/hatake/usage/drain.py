"""Moving buffered tracking messages to where they belong: ``identify`` and ``group`` into the
state store (contacts and accounts), ``track``, ``page`` and ``screen`` into the analytics
store as usage events.

Exactly once: the last buffer ``seq`` moved is kept in the analytics store and advanced in the
same DuckDB transaction that appends the events, so a crash either moved a chunk or did not.
The state-store upserts of a chunk commit first and are idempotent, so replaying a chunk after
a crash changes nothing there.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hatake.accounts.models import Account, Contact
from hatake.core.db import transaction, utcnow
from hatake.usage import buffer
from hatake.usage.buffer import IngestBuffer
from hatake.usage.store import EVENTS_ARROW_SCHEMA, EVENTS_TABLE
from hatake.usage.tracking import ROW_FIELDS

PROGRESS_TABLE = "ingest_progress"
# identify traits of users no group call has placed in an account yet. Kept in the analytics
# store, which only the drain writes, so the ingest buffer's file has a single writer.
IDENTITIES_TABLE = "ingest_identities"
EVENT_TYPES = ("track", "page", "screen")
CHUNK = 50_000
# Group traits that map onto account columns; any other trait whose name is a custom field
# declared in config.toml fills that field.
ACCOUNT_TRAITS = {
    "name": "name",
    "industry": "industry",
    "employees": "employee_count",
    "plan": "cs_plan",
}


MESSAGE_ID, TYPE, USER_ID, GROUP_ID, EVENT, TIMESTAMP_US, PROPERTIES = (
    ROW_FIELDS.index(name)
    for name in ("message_id", "type", "user_id", "group_id", "event", "timestamp_us", "properties")
)


@dataclass(frozen=True)
class Message:
    """An identify or group message, as buffered (the columns of tracking.ROW_FIELDS)."""

    message_id: str
    source_id: int
    type: str
    user_id: str | None
    anonymous_id: str | None
    group_id: str | None
    event: str | None
    timestamp_us: int
    properties: str | None
    traits: str | None
    received_us: int


@dataclass(frozen=True)
class Drained:
    drained_through: int
    messages: int
    events: int
    accounts_created: int
    contacts_created: int
    relinked_events: int


def drained_through(analytics: DuckDBBackend) -> int:
    raw = analytics.con
    raw.execute(f"CREATE TABLE IF NOT EXISTS {PROGRESS_TABLE} (drained_through BIGINT NOT NULL)")
    raw.execute(
        f"CREATE TABLE IF NOT EXISTS {IDENTITIES_TABLE} "
        "(user_id VARCHAR PRIMARY KEY, traits VARCHAR NOT NULL, timestamp_us BIGINT NOT NULL)"
    )
    row = raw.execute(f"SELECT drained_through FROM {PROGRESS_TABLE}").fetchone()
    return int(row[0]) if row else 0


def drain(
    connection: sqlite3.Connection,
    analytics: DuckDBBackend,
    sessions: sessionmaker[Session],
    *,
    custom_keys: Iterable[str] = (),
    limit: int = CHUNK,
    memory: IngestBuffer | None = None,
) -> Drained:
    """Move the next chunk of buffered messages; the caller holds the analytics lock.

    The job owns both transactions: the state store's commits first, so a failure between the
    two replays the chunk (harmless there) rather than losing its people updates.
    """
    start = drained_through(analytics)
    taken = memory.take_after(start, limit) if memory is not None else None
    through, rows = taken or buffer.read_after(connection, start, limit)
    if through == start:
        return Drained(start, 0, 0, 0, 0, 0)
    people_rows = [Message(*row) for row in rows if row[TYPE] not in EVENT_TYPES]
    events = [row for row in rows if row[TYPE] in EVENT_TYPES]
    with transaction(sessions) as session:
        people = _apply_people(analytics.con, session, people_rows, set(custom_keys))
        session.flush()
        unattributed = {row[USER_ID] for row in events if row[GROUP_ID] is None and row[USER_ID]}
        accounts_of = _accounts_of_users(session, unattributed | people.linked_users)
    table = _events_table(events, accounts_of)
    raw = analytics.con
    raw.execute("BEGIN TRANSACTION")
    try:
        raw.register("hatake_drained", table)
        raw.execute(f"INSERT INTO {EVENTS_TABLE} SELECT * FROM hatake_drained")
        raw.unregister("hatake_drained")
        relinked = _relink_unattributed(raw, people.linked_users, accounts_of)
        raw.execute(f"DELETE FROM {PROGRESS_TABLE}")
        raw.execute(f"INSERT INTO {PROGRESS_TABLE} VALUES (?)", [through])
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    drained_us = int(time.time() * 1_000_000)
    if memory is not None:
        # The server's buffer file has one writer thread, which does this in its next round.
        memory.forget_through(through, drained_us)
    else:
        buffer.forget_drained(connection, through)
        buffer.record_drain(connection, through, drained_us)
    return Drained(
        drained_through=through,
        messages=len(rows),
        events=len(events),
        accounts_created=people.accounts_created,
        contacts_created=people.contacts_created,
        relinked_events=relinked,
    )


@dataclass
class _People:
    accounts_created: int = 0
    contacts_created: int = 0
    linked_users: frozenset[str] = frozenset()


def _apply_people(
    raw: Any,
    session: Session,
    messages: list[Message],
    custom_keys: set[str],
) -> _People:
    """Upsert accounts from ``group`` and contacts from ``identify`` and ``group``, in arrival
    order. A user is a contact only once a group call says which account they belong to;
    until then their identify traits wait in the buffer's identity table."""
    people = _People()
    if not messages:
        return people
    group_ids = {m.group_id for m in messages if m.type == "group" and m.group_id}
    user_ids = {m.user_id for m in messages if m.user_id}
    accounts = (
        {
            a.external_id: a
            for a in session.scalars(select(Account).where(Account.external_id.in_(group_ids)))
        }
        if group_ids
        else {}
    )
    contacts = (
        {
            c.external_id: c
            for c in session.scalars(select(Contact).where(Contact.external_id.in_(user_ids)))
        }
        if user_ids
        else {}
    )
    linked: set[str] = set()
    for message in messages:
        traits: dict[str, Any] = orjson.loads(message.traits) if message.traits else {}
        if message.type == "identify":
            if not message.user_id:
                continue
            contact = contacts.get(message.user_id)
            if contact is None:
                _remember_identity(raw, message.user_id, traits, message.timestamp_us)
            else:
                _apply_contact_traits(contact, traits)
            continue
        assert message.group_id is not None
        account = accounts.get(message.group_id)
        if account is None:
            account = Account(external_id=message.group_id, name=message.group_id, custom={})
            session.add(account)
            accounts[message.group_id] = account
            people.accounts_created += 1
        _apply_account_traits(account, traits, custom_keys)
        if not message.user_id:
            continue
        session.flush()
        contact = contacts.get(message.user_id)
        if contact is None:
            contact = Contact(
                external_id=message.user_id,
                account_id=account.id,
                name=message.user_id,
                created_on=_day(message.timestamp_us),
            )
            _apply_contact_traits(contact, _remembered_identity(raw, message.user_id))
            session.add(contact)
            contacts[message.user_id] = contact
            people.contacts_created += 1
        elif contact.account_id != account.id:
            # One account per contact: a user moved to another group follows the latest call.
            contact.account_id = account.id
            contact.updated_at = utcnow()
        linked.add(message.user_id)
    people.linked_users = frozenset(linked)
    return people


def _apply_account_traits(account: Account, traits: dict[str, Any], custom_keys: set[str]) -> None:
    changed = False
    for trait, column in ACCOUNT_TRAITS.items():
        value = traits.get(trait)
        if value is None:
            continue
        if column == "employee_count":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                continue
        else:
            value = str(value)[:300]
        if getattr(account, column) != value:
            setattr(account, column, value)
            changed = True
    custom = {key: traits[key] for key in custom_keys if key in traits}
    if custom and any((account.custom or {}).get(k) != v for k, v in custom.items()):
        account.custom = {**(account.custom or {}), **custom}
        changed = True
    if changed:
        account.updated_at = utcnow()


def _apply_contact_traits(contact: Contact, traits: dict[str, Any]) -> None:
    name = traits.get("name") or " ".join(
        str(part) for part in (traits.get("firstName"), traits.get("lastName")) if part
    )
    if name:
        contact.name = str(name)[:300]
    if isinstance(traits.get("email"), str):
        contact.email = traits["email"][:320]
    title = traits.get("title") or traits.get("role")
    if isinstance(title, str):
        contact.role = title[:200]
    contact.updated_at = utcnow()


def _remember_identity(raw: Any, user_id: str, traits: dict[str, Any], timestamp_us: int) -> None:
    known = _remembered_identity(raw, user_id)
    raw.execute(
        f"INSERT OR REPLACE INTO {IDENTITIES_TABLE} VALUES (?, ?, ?)",
        [user_id, orjson.dumps({**known, **traits}).decode(), timestamp_us],
    )


def _remembered_identity(raw: Any, user_id: str) -> dict[str, Any]:
    row = raw.execute(
        f"SELECT traits FROM {IDENTITIES_TABLE} WHERE user_id = ?", [user_id]
    ).fetchone()
    return orjson.loads(row[0]) if row else {}


def _accounts_of_users(session: Session, user_ids: set[str]) -> dict[str, str]:
    """The account external id of each known user, for events that do not name their group."""
    found: dict[str, str] = {}
    ordered = sorted(user_ids)
    for start in range(0, len(ordered), 5000):
        part = ordered[start : start + 5000]
        statement = (
            select(Contact.external_id, Account.external_id)
            .join(Account, Account.id == Contact.account_id)
            .where(Contact.external_id.in_(part))
        )
        found.update(dict(session.execute(statement).all()))
    return found


def _events_table(events: list[Sequence[Any]], accounts_of: dict[str, str]) -> pa.Table:
    now = datetime.now(UTC)
    columns = list(zip(*events, strict=True)) if events else [()] * len(ROW_FIELDS)
    users, groups = columns[USER_ID], columns[GROUP_ID]
    return pa.table(
        {
            "message_id": columns[MESSAGE_ID],
            "account_id": [
                group or accounts_of.get(user) for group, user in zip(groups, users, strict=True)
            ],
            # Only identified users are IDs in seed 004's sense; anonymous visits still count
            # as events of their account.
            "user_id": users,
            "event": columns[EVENT],
            "timestamp": pa.array(columns[TIMESTAMP_US], pa.int64()).cast(
                pa.timestamp("us", tz="UTC")
            ),
            "properties": columns[PROPERTIES],
            # The rollups pick up what arrived since their last run by this time, so it is
            # when the event reached the analytics store, not when the request came in.
            "received_at": pa.array([now] * len(events), pa.timestamp("us", tz="UTC")),
        },
        schema=EVENTS_ARROW_SCHEMA,
    )


def _relink_unattributed(
    raw: Any, linked_users: frozenset[str], accounts_of: dict[str, str]
) -> int:
    """Events that came before their user's group call get the account now, marked as newly
    arrived so the rollups count them."""
    pairs = [(user, accounts_of[user]) for user in linked_users if user in accounts_of]
    if not pairs:
        return 0
    links = pa.table({"user_id": [u for u, _ in pairs], "account_id": [a for _, a in pairs]})
    raw.register("hatake_links", links)
    try:
        changed = raw.execute(
            f"UPDATE {EVENTS_TABLE} e SET account_id = l.account_id, received_at = now() "
            "FROM hatake_links l WHERE e.user_id = l.user_id AND e.account_id IS NULL"
        ).fetchone()
    finally:
        raw.unregister("hatake_links")
    return int(changed[0]) if changed else 0


def _day(timestamp_us: int) -> date:
    return datetime.fromtimestamp(timestamp_us / 1_000_000, UTC).date()

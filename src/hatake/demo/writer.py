"""Write the simulated data into the state store and the analytics store (DuckDB).

Memory stays bounded by one chunk: each chunk's state rows are bulk-inserted at once
(SQLAlchemy Core: the table's insert with a list of dicts) and its events and truth rows are
written to Parquet files in a staging folder.

Nothing is half-written: the command (the boundary) holds one state transaction for the whole
run, --reset's wipe included. The analytics store is loaded at the end in one DuckDB
transaction that replaces the old events with the staged ones (`INSERT ... SELECT` from
Parquet, which DuckDB streams to disk). Appending chunk by chunk inside one DuckDB transaction
would keep every uncommitted row in memory (about 1 GB per 8 million events), and committing
chunk by chunk would leave half a run behind after a failure. DuckDB commits just before the
state store; should that last commit fail, the next `hatake demo` run (which drops stale demo
events) or `hatake demo --reset` puts both stores back in step.

Accounts, contacts and tasks are inserted with explicit ids (the next free ids of each table)
so their foreign keys are known without a round trip; PostgreSQL's sequences are moved past
them at the end. The other tables take ids from the database.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.accounts.portfolio_models import AccountOwnerChange
from hatake.core.db import Base
from hatake.coverage.models import Task, TaskComment, Touchpoint
from hatake.demo import names, repository
from hatake.demo.records import Row
from hatake.demo.simulator import ROW_KINDS, TEAM_KINDS, Chunk, DemoOptions, generate
from hatake.demo.timeline import day_number, jst_to_utc_micros, utc_datetime
from hatake.support.models import Ticket
from hatake.team import repository as team_repository
from hatake.team import service as team_service
from hatake.team.security import hash_password
from hatake.usage import store
from hatake.voc.models import SurveyResponse

if TYPE_CHECKING:
    from ibis.backends.duckdb import Backend as DuckDBBackend

TRUTH_ACCOUNTS = "demo_truth_accounts"
TRUTH_MONTHLY = "demo_truth_monthly"
DEMO_MESSAGE_PREFIX = "demo-"
# DuckDB would otherwise use up to 80% of RAM while loading tens of millions of events.
ANALYTICS_MEMORY_LIMIT = "512MB"
DICTIONARY_COLUMNS = {"account_id", "user_id", "event", "properties", "archetype"}


@dataclass(frozen=True)
class IdMap:
    """How the run's ordinals become database ids."""

    account_base: int
    contact_base: int
    task_base: int
    team: list[int]  # user id of each names.TEAM member
    as_of: datetime  # updated_at of every row: the start of the simulated today

    def account(self, number: int) -> int:
        return self.account_base + number

    def contact(self, number: int | None) -> int | None:
        return None if number is None else self.contact_base + number

    def task(self, number: int) -> int:
        return self.task_base + number

    def user(self, index: int | None) -> int | None:
        return None if index is None else self.team[index]


def write_example_config(path: Path, locale: str) -> bool:
    """Declare the demo's custom account fields, and let the automated sends count as touches
    of tech-touch accounts, in config.toml, unless the file exists."""
    if path.exists():
        return False
    regions = [region.ja if locale == "ja" else region.en for region in names.REGIONS]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Written by `hatake demo`: account fields hatake does not know about, and how the\n"
        "# demo's tech-touch program counts. See docs/configuration.md.\n\n"
        "[coverage]\n"
        "# The monthly newsletter and onboarding e-mails keep tech-touch accounts covered.\n"
        'automated_touches_count_for = ["tech_touch"]\n\n'
        "[[custom_fields]]\n"
        'key = "region"\n'
        'type = "category"\n'
        'label_ja = "地域"\n'
        'label_en = "Region"\n'
        f"choices = {json.dumps(regions, ensure_ascii=False)}\n\n"
        "[[custom_fields]]\n"
        'key = "onboarding_score"\n'
        'type = "number"\n'
        'label_ja = "オンボーディング評価"\n'
        'label_en = "Onboarding score"\n',
        encoding="utf-8",
    )
    return True


def write_demo(
    session: Session,
    analytics: DuckDBBackend,
    options: DemoOptions,
    *,
    reset: bool,
    workdir: Path,
    on_chunk: Callable[[int], None],
    on_load: Callable[[], None],
) -> dict[str, int]:
    """Load a whole demo run; returns how many rows of each kind were written. The state rows
    are flushed, not committed; the analytics store is committed."""
    if reset:
        repository.delete_customer_data(session)
    midnight = jst_to_utc_micros(np.array([day_number(options.today)]), np.array([0]))[0]
    ids = IdMap(
        account_base=repository.max_id(session, Account),
        contact_base=repository.max_id(session, Contact),
        task_base=repository.max_id(session, Task),
        team=ensure_team(session, options.locale),
        as_of=utc_datetime(midnight),
    )
    totals = dict.fromkeys([*ROW_KINDS, "events", *TEAM_KINDS], 0)
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="demo-staging-", dir=workdir) as folder:
        staging = Path(folder)
        for index, chunk in enumerate(generate(options)):
            write_state(session, chunk, ids)
            stage_analytics(staging, index, chunk)
            for key, value in chunk.counts().items():
                totals[key] += value
            on_chunk(len(chunk.accounts))
        repository.advance_id_sequences(session, (Account, Contact, Task))
        session.flush()
        on_load()
        load_analytics(analytics, staging, reset=reset)
    return totals


def ensure_team(session: Session, locale: str) -> list[int]:
    """The demo admin, a manager and six CSMs, all with the demo password. Existing users with
    those e-mails are kept as they are. Argon2 is slow on purpose, so the hash is made once."""
    team_service.ensure_org(session)
    shared_hash: str | None = None
    result = []
    for member in names.TEAM:
        user = team_repository.get_user_by_email(session, member.email)
        if user is None:
            shared_hash = shared_hash or hash_password(names.DEMO_PASSWORD)
            user = team_service.create_user(
                session,
                email=member.email,
                name=member.name_ja if locale == "ja" else member.name_en,
                role=member.role,
            )
            user.password_hash = shared_hash
        result.append(user.id)
    session.flush()
    return result


def write_state(session: Session, chunk: Chunk, ids: IdMap) -> None:
    _insert(session, Account, [_account(row, ids) for row in chunk.accounts])
    _insert(session, Contact, [_contact(row, ids) for row in chunk.contacts])
    _insert(session, Subscription, [_child(row, ids) for row in chunk.subscriptions])
    _insert(session, Touchpoint, [_touchpoint(row, ids) for row in chunk.touchpoints])
    _insert(session, Ticket, [_child(row, ids) for row in chunk.tickets])
    _insert(session, SurveyResponse, [_child(row, ids) for row in chunk.survey_responses])
    _insert(session, Task, [_task(row, ids) for row in chunk.tasks])
    _insert(session, TaskComment, [_task_comment(row, ids) for row in chunk.task_comments])
    _insert(session, AccountOwnerChange, [_owner_change(row, ids) for row in chunk.owner_changes])


def stage_analytics(staging: Path, index: int, chunk: Chunk) -> None:
    for table, rows in (
        (store.EVENTS_TABLE, chunk.events),
        (TRUTH_ACCOUNTS, chunk.truth_accounts),
        (TRUTH_MONTHLY, chunk.truth_monthly),
    ):
        folder = staging / table
        folder.mkdir(exist_ok=True)
        # Dictionaries only where values repeat; message ids are all distinct.
        pq.write_table(
            rows,
            folder / f"{index:05d}.parquet",
            compression="zstd",
            use_dictionary=[name for name in rows.column_names if name in DICTIONARY_COLUMNS],
            write_statistics=False,
        )


def load_analytics(analytics: DuckDBBackend, staging: Path, *, reset: bool) -> None:
    """Swap the staged rows in, in one DuckDB transaction. --reset empties the events table;
    otherwise only events of an earlier demo run are dropped (their state rows are gone), so
    message ids stay unique. The truth tables are replaced."""
    raw = analytics.con
    raw.execute(f"SET memory_limit = '{ANALYTICS_MEMORY_LIMIT}'")

    raw.begin()
    try:
        if reset:
            raw.execute(f"DELETE FROM {store.EVENTS_TABLE}")
        else:
            raw.execute(
                f"DELETE FROM {store.EVENTS_TABLE} WHERE starts_with(message_id, ?)",
                [DEMO_MESSAGE_PREFIX],
            )
        raw.execute(
            f"INSERT INTO {store.EVENTS_TABLE} BY NAME SELECT * FROM read_parquet(?)",
            [str(staging / store.EVENTS_TABLE / "*.parquet")],
        )
        for table in (TRUTH_ACCOUNTS, TRUTH_MONTHLY):
            raw.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_parquet(?)",
                [str(staging / table / "*.parquet")],
            )
    except BaseException:
        raw.rollback()
        raise
    raw.commit()


def _insert(session: Session, model: type[Base], rows: list[Row]) -> None:
    # The table's Core insert: the ORM's bulk path costs about three times as much per row.
    if rows:
        session.execute(model.__table__.insert(), rows)


def _account(row: Row, ids: IdMap) -> Row:
    return {
        **row,
        "id": ids.account(row["id"]),
        "owner_id": ids.team[row["owner_id"]],
        "updated_at": ids.as_of,
    }


def _contact(row: Row, ids: IdMap) -> Row:
    return _child({**row, "id": ids.contact(row["id"])}, ids)


def _touchpoint(row: Row, ids: IdMap) -> Row:
    return _child({**row, "user_id": ids.user(row["user_id"])}, ids)


def _task(row: Row, ids: IdMap) -> Row:
    # updated_at is the task's own last change (its creation or completion).
    return {
        **row,
        "id": ids.task(row["id"]),
        "account_id": ids.account(row["account_id"]),
        "assignee_id": ids.user(row["assignee_id"]),
        "created_by_id": ids.user(row["created_by_id"]),
    }


def _owner_change(row: Row, ids: IdMap) -> Row:
    return {
        **row,
        "account_id": ids.account(row["account_id"]),
        **{key: ids.user(row[key]) for key in ("from_user_id", "to_user_id", "changed_by_id")},
    }


def _task_comment(row: Row, ids: IdMap) -> Row:
    return {**row, "task_id": ids.task(row["task_id"]), "author_id": ids.user(row["author_id"])}


def _child(row: Row, ids: IdMap) -> Row:
    """A row that belongs to an account and maybe to a contact."""
    mapped = {**row, "account_id": ids.account(row["account_id"]), "updated_at": ids.as_of}
    if "contact_id" in row:
        mapped["contact_id"] = ids.contact(row["contact_id"])
    return mapped

"""Queries of today's queue: the accounts in scope with their last touches and promised next
steps in one statement, unresolved urgent tickets, health changes from the analytics store, and
snoozes."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy import case, delete, func, null, or_, select
from sqlalchemy.orm import Session, aliased

from hatake.accounts.models import Account, Subscription
from hatake.coverage.coverage_repository import counted
from hatake.coverage.models import Touchpoint
from hatake.coverage.queue_models import QueueSnooze
from hatake.health import snapshots
from hatake.lifecycle.matrix_repository import term_running_on
from hatake.lifecycle.repository import periods_statement
from hatake.support.analytics_repository import DONE_STATUSES
from hatake.support.models import Ticket
from hatake.team.models import User

NO_TOUCH = datetime(1, 1, 1, tzinfo=UTC)  # before any touch: every promise of an untouched account


def _last(until: datetime, *, automated: bool) -> Any:
    return (
        select(func.max(Touchpoint.occurred_at))
        .where(
            Touchpoint.account_id == Account.id,
            counted(automated=automated),
            Touchpoint.occurred_at < until,
        )
        .correlate(Account)
        .scalar_subquery()
    )


def accounts_in_scope(
    session: Session,
    day: date,
    until: datetime,
    owner_id: int | None,
    *,
    due_before: Mapping[str, datetime],
    untiered_due_before: datetime,
    with_sends: bool,
) -> list[Any]:
    """The accounts under contract on ``day`` (of one owner, or all) that may be in the
    queue: never touched, last meaningful touch before their tier's ``due_before`` moment
    (``untiered_due_before`` without a tier), or with a pending promise due by ``day``. The
    caller decides exactly (an automated send may still count); this keeps the thousands of
    covered accounts in the database.

    Columns: id, external_id, name, owner_id, owner (name), tier, since (the account's
    start, else its running term's), renews_on (the earliest end of a running term),
    last_touch (the last meaningful touch by a person before ``until``), last_send (the last
    automated send, read only ``with_sends``) and promised_on (the earliest next step promised
    on a touch that no meaningful touch by a person followed)."""
    running = (
        select(
            Subscription.account_id,
            func.min(Subscription.start_date).label("term_start"),
            func.min(Subscription.end_date).label("term_end"),
        )
        .where(term_running_on(day))
        .group_by(Subscription.account_id)
        .subquery("running")
    )
    tiers = periods_statement("tier", day).subquery("tiers")
    last_touch = _last(until, automated=False)
    cutoff = case(
        *((tiers.c.value == tier, moment) for tier, moment in due_before.items()),
        else_=untiered_due_before,
    )
    columns: list[Any] = [
        Account.id,
        Account.external_id,
        Account.name,
        Account.owner_id,
        User.name.label("owner"),
        tiers.c.value.label("tier"),
        func.coalesce(Account.start_date, running.c.term_start).label("since"),
        running.c.term_end.label("renews_on"),
        last_touch.label("last_touch"),
        (_last(until, automated=True) if with_sends else null()).label("last_send"),
        cutoff.label("due_before"),
    ]
    statement = (
        select(*columns)
        .join(running, running.c.account_id == Account.id)
        .outerjoin(tiers, tiers.c.account_id == Account.id)
        .outerjoin(User, User.id == Account.owner_id)
    )
    if owner_id is not None:
        statement = statement.where(Account.owner_id == owner_id)
    # Materialised so each account's last touch is sought once, not again for its promises.
    scope = statement.cte("scope").prefix_with("MATERIALIZED")
    promising = aliased(Touchpoint)
    promise = (
        select(func.min(promising.next_step_on))
        .where(
            promising.account_id == scope.c.id,
            promising.next_step_on.is_not(None),
            promising.occurred_at < until,
            promising.occurred_at >= func.coalesce(scope.c.last_touch, NO_TOUCH),
        )
        .scalar_subquery()
    )
    candidates = select(*(column for column in scope.c if column.name != "due_before"))
    statement = candidates.add_columns(promise.label("promised_on")).where(
        or_(
            scope.c.last_touch.is_(None),
            scope.c.last_touch < scope.c.due_before,
            promise <= day,
        )
    )
    return list(session.execute(statement).all())


def urgent_unresolved_tickets(session: Session, account_ids: Collection[int]) -> dict[int, int]:
    """How many urgent tickets each account has that are not resolved or closed yet (open or
    pending: support/models.TICKET_STATUSES)."""
    if not account_ids:
        return {}
    rows = session.execute(
        select(Ticket.account_id, func.count())
        .where(
            Ticket.priority == "urgent",
            Ticket.status.not_in(DONE_STATUSES),
            Ticket.account_id.in_(list(account_ids)),
        )
        .group_by(Ticket.account_id)
    ).all()
    return {row[0]: int(row[1]) for row in rows}


@dataclass(frozen=True, slots=True)
class HealthChange:
    latest_on: date
    latest: float
    baseline: float

    @property
    def drop(self) -> float:
        """Points lost since the baseline; a rise is negative."""
        return self.baseline - self.latest


# One statement in DuckDB's SQL: through Ibis the three steps cost more to build than to run.
HEALTH_CHANGES = f"""
WITH scored AS (
    SELECT account_id, as_of, score FROM {snapshots.SCORES_TABLE}
    WHERE definition_version = $version AND score IS NOT NULL
      AND as_of <= $day AND as_of >= $day - 3 * $window
), latest AS (
    SELECT account_id, max(as_of) AS latest_on, arg_max(score, as_of) AS latest
    FROM scored WHERE as_of >= $day - $window GROUP BY account_id
)
SELECT l.account_id, l.latest_on, l.latest, arg_max(s.score, s.as_of) AS baseline
FROM latest l JOIN scored s ON s.account_id = l.account_id
 AND s.as_of <= l.latest_on - $window AND s.as_of >= l.latest_on - 2 * $window
GROUP BY l.account_id, l.latest_on, l.latest
"""


def health_changes(
    con: DuckDBBackend, version: str, day: date, window_days: int
) -> dict[str, HealthChange]:
    """Per account external id: its latest score of ``version`` within ``window_days`` up to
    ``day``, and its score ``window_days`` before that (or the nearest earlier one, at most a
    window further back: the rule of the account page's change, scoring.trend)."""
    snapshots.ensure_tables(con)
    rows = con.con.execute(
        HEALTH_CHANGES, {"version": version, "day": day, "window": window_days}
    ).fetchall()
    return {row[0]: HealthChange(row[1], row[2], row[3]) for row in rows}


def snoozes(session: Session, *, day: date | None, owner_id: int | None = None) -> list[Any]:
    """Snoozes (in force on ``day``, or all when None; of the accounts ``owner_id`` owns, or
    of every account) with the account's external id and name and the e-mail and name of who
    snoozed it, latest end first."""
    statement = (
        select(
            QueueSnooze,
            Account.external_id,
            Account.name,
            User.email.label("user_email"),
            User.name.label("user_name"),
        )
        .join(Account, Account.id == QueueSnooze.account_id)
        .outerjoin(User, User.id == QueueSnooze.user_id)
        .order_by(QueueSnooze.until.desc(), QueueSnooze.id.desc())
    )
    if day is not None:
        statement = statement.where(QueueSnooze.until > day)
    if owner_id is not None:
        statement = statement.where(Account.owner_id == owner_id)
    return list(session.execute(statement).all())


def delete_snooze(session: Session, snooze_id: int) -> bool:
    result = session.execute(delete(QueueSnooze).where(QueueSnooze.id == snooze_id))
    return bool(getattr(result, "rowcount", 0))


def delete_snoozes_in_force(session: Session, account_id: int, day: date) -> int:
    """Remove the account's snoozes still in force on ``day``; how many there were."""
    result = session.execute(
        delete(QueueSnooze).where(QueueSnooze.account_id == account_id, QueueSnooze.until > day)
    )
    return int(getattr(result, "rowcount", 0))


def team_members(session: Session) -> list[User]:
    """Active users who own accounts, by name: whose queues a manager can pick."""
    owners = select(Account.owner_id).where(Account.owner_id.is_not(None)).distinct()
    return list(
        session.scalars(
            select(User).where(User.id.in_(owners), User.is_active.is_(True)).order_by(User.name)
        ).all()
    )

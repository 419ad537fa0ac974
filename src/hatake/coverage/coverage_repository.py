"""Queries of contact coverage: contract terms and touch tiers of a range of days, accounts
with their owner, the meaningful touches of a window of days, and the last touch before a
moment for the accounts the window missed."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.coverage.models import Touchpoint
from hatake.lifecycle.models import LifecyclePeriod
from hatake.team.models import User


def terms_between(session: Session, first: date, last: date) -> list[Any]:
    """Contract terms running on some day of [first, last]: (account_id, start, end). Each
    day is then decided in NumPy by the rule of ``matrix_repository.term_running_on``
    (start <= day < end), for twelve days at once."""
    statement = select(
        Subscription.account_id, Subscription.start_date, Subscription.end_date
    ).where(
        Subscription.start_date <= last,
        or_(Subscription.end_date.is_(None), Subscription.end_date > first),
    )
    return list(session.execute(statement).all())


def tier_periods_between(session: Session, first: date, last: date) -> list[Any]:
    """Touch-tier periods recorded by lifecycle that cover some day of [first, last]:
    (account_id, value, entered_on, left_on); a period covers entered_on <= day < left_on, as
    in ``lifecycle.service.tier_of``. One read for twelve week ends: ``tier_of`` per day would
    bind every account id twelve times."""
    statement = select(
        LifecyclePeriod.account_id,
        LifecyclePeriod.value,
        LifecyclePeriod.entered_on,
        LifecyclePeriod.left_on,
    ).where(
        LifecyclePeriod.dimension == "tier",
        LifecyclePeriod.entered_on <= last,
        or_(LifecyclePeriod.left_on.is_(None), LifecyclePeriod.left_on > first),
    )
    return list(session.execute(statement).all())


def accounts_with_owner(session: Session) -> list[Any]:
    """(id, external_id, name, owner name) of every account; cheaper than binding thousands of
    ids to pick the ones under contract."""
    statement = select(
        Account.id, Account.external_id, Account.name, User.name.label("owner")
    ).outerjoin(User, User.id == Account.owner_id)
    return list(session.execute(statement).all())


def meaningful_touch_moments(
    session: Session, since: datetime, until: datetime
) -> tuple[np.ndarray, np.ndarray]:
    """Account ids and UTC moments (``datetime64[us]``) of meaningful touches in [since, until),
    a range scan of the index (occurred_at, is_meaningful, account_id).

    On SQLite the rows come back as two comma-joined strings and go straight into NumPy's
    parsers: a Python tuple and datetime per row were most of the cost at 100,000s of rows.
    """
    window = (
        Touchpoint.is_meaningful.is_(True),
        Touchpoint.occurred_at >= since,
        Touchpoint.occurred_at < until,
    )
    if session.get_bind().dialect.name == "sqlite":
        ids, moments = session.execute(
            select(
                func.group_concat(Touchpoint.account_id, ","),
                func.group_concat(Touchpoint.occurred_at, ","),
            ).where(*window)
        ).one()
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[us]")
        # SQLite keeps UTC (core.db.UTCDateTime converts) as "2026-11-23 09:30:00.000000".
        return (
            np.array(ids.split(","), dtype=np.int64),
            np.array(moments.split(","), dtype="datetime64[us]"),
        )
    rows = session.execute(
        select(Touchpoint.account_id, Touchpoint.occurred_at).where(*window)
    ).all()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[us]")
    return (
        np.array([row[0] for row in rows], dtype=np.int64),
        np.array(
            [row[1].astimezone(UTC).replace(tzinfo=None) for row in rows], dtype="datetime64[us]"
        ),
    )


def last_touches_before(
    session: Session, before: datetime, account_ids: Collection[int]
) -> dict[int, datetime]:
    """The last meaningful touch before ``before`` of each of the accounts: one query, a
    backward seek per account on the (account_id, occurred_at) index that stops at the first
    meaningful touch. A GROUP BY over the whole table visits every touch instead (seconds at
    500,000), because is_meaningful is not in that index."""
    if not account_ids:
        return {}
    last = (
        select(Touchpoint.occurred_at)
        .where(
            Touchpoint.account_id == Account.id,
            Touchpoint.is_meaningful.is_(True),
            Touchpoint.occurred_at < before,
        )
        .order_by(Touchpoint.occurred_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(select(Account.id, last).where(Account.id.in_(list(account_ids)))).all()
    return {row[0]: row[1] for row in rows if row[1] is not None}


def account_contact(session: Session, account_id: int, contact_id: int) -> Contact | None:
    """The contact if it belongs to the account (a contact of another account is ``None``)."""
    return session.scalars(
        select(Contact).where(Contact.id == contact_id, Contact.account_id == account_id)
    ).first()


def contacts_of(session: Session, account_id: int) -> list[Any]:
    """(id, name) of the account's contacts still there, by name."""
    statement = (
        select(Contact.id, Contact.name)
        .where(Contact.account_id == account_id, Contact.deactivated_on.is_(None))
        .order_by(Contact.name, Contact.id)
    )
    return list(session.execute(statement).all())


def count_touchpoints(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Touchpoint)) or 0)

"""Queries of contact coverage: contract terms of a range of days, accounts with their owner,
and the meaningful touches of a window. The last touch of every account is
``matrix_repository.last_touches`` (one GROUP BY on the (account_id, occurred_at) index)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.coverage.models import Touchpoint
from hatake.team.models import User


def terms_between(session: Session, first: date, last: date) -> list[Any]:
    """Contract terms running on some day of [first, last]: (account_id, start, end)."""
    statement = select(
        Subscription.account_id, Subscription.start_date, Subscription.end_date
    ).where(
        Subscription.start_date <= last,
        or_(Subscription.end_date.is_(None), Subscription.end_date > first),
    )
    return list(session.execute(statement).all())


def accounts_with_owner(session: Session, account_ids: Collection[int]) -> list[Any]:
    """(id, external_id, name, owner name) of the accounts, by id."""
    if not account_ids:
        return []
    statement = (
        select(Account.id, Account.external_id, Account.name, User.name.label("owner"))
        .outerjoin(User, User.id == Account.owner_id)
        .where(Account.id.in_(list(account_ids)))
        .order_by(Account.id)
    )
    return list(session.execute(statement).all())


def meaningful_touch_moments(
    session: Session, since: datetime, until: datetime
) -> tuple[np.ndarray, np.ndarray]:
    """Account ids and UTC moments (``datetime64[us]``) of meaningful touches in [since, until).

    Core rows, and on SQLite the stored UTC text goes straight into NumPy's parser instead of a
    Python datetime per row, which is most of the cost at 100,000s of rows.
    """
    moment: Any = Touchpoint.occurred_at
    if session.get_bind().dialect.name == "sqlite":
        moment = type_coerce(Touchpoint.occurred_at, String)
    statement = select(Touchpoint.account_id, moment).where(
        Touchpoint.is_meaningful.is_(True),
        Touchpoint.occurred_at >= since,
        Touchpoint.occurred_at < until,
    )
    rows = session.connection().execute(statement).all()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[us]")
    accounts, moments = zip(*rows, strict=True)
    return np.array(accounts, dtype=np.int64), _utc_moments(moments)


def _utc_moments(values: tuple[Any, ...]) -> np.ndarray:
    if isinstance(values[0], str):
        # SQLite keeps UTC as "2026-11-23 09:30:00.000000" (core.db.UTCDateTime converts first).
        return np.array(values, dtype="datetime64[us]")
    return np.array(
        [value.astimezone(UTC).replace(tzinfo=None) for value in values], dtype="datetime64[us]"
    )


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

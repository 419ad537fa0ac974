"""Queries of contact coverage: contract terms and touch tiers of a range of days, accounts
with their owner, the meaningful touches of a window of days, and the last touch before a
moment for the accounts the window missed."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import ColumnElement, and_, false, func, null, or_, select, true
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.accounts.portfolio_models import AccountOwnerChange
from hatake.core.sqlite_text import sqlite_integers, sqlite_moments
from hatake.coverage.models import Touchpoint
from hatake.lifecycle.models import LifecyclePeriod
from hatake.team.models import User


def terms_between(session: Session, first: date, last: date) -> list[Any]:
    """Contract terms running on some day of [first, last]: (account_id, start, end,
    owner_id: the account's owner now). Each day is then decided in NumPy by the rule of
    ``matrix_repository.term_running_on`` (start <= day < end), for twelve days at once. The
    owner comes with the terms so coverage need not read every account for it."""
    statement = (
        select(
            Subscription.account_id,
            Subscription.start_date,
            Subscription.end_date,
            Account.owner_id,
        )
        .join(Account, Account.id == Subscription.account_id)
        .where(
            Subscription.start_date <= last,
            or_(Subscription.end_date.is_(None), Subscription.end_date > first),
        )
    )
    # Through the connection: the ORM's row handling cost a third of the read at 10,000 rows.
    return list(session.connection().execute(statement).all())


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


class AccountOwner(NamedTuple):
    id: int
    external_id: str
    name: str
    owner: str | None


def accounts_with_owner(session: Session, at: datetime | None = None) -> list[AccountOwner]:
    """(id, external_id, name, owner name) of every account; cheaper than binding thousands of
    ids to pick the ones under contract. With ``at``, the owner at that moment as the owner
    history (``account_owner_changes``) tells it, so a past day is credited to the CSM who
    had the account then."""
    rows = session.connection().execute(
        select(Account.id, Account.external_id, Account.name, Account.owner_id)
    )
    accounts = {
        account_id: (external_id, name, owner) for account_id, external_id, name, owner in rows
    }
    owners = owner_names(session, at, {key: value[2] for key, value in accounts.items()})
    return [
        AccountOwner(account_id, external_id, name, owners[account_id])
        for account_id, (external_id, name, _owner) in accounts.items()
    ]


def owner_names(
    session: Session, at: datetime | None, owner_ids: Mapping[int, int | None]
) -> dict[int, str | None]:
    """The name of each account's owner, from its owner now (``owner_ids``) and, with ``at``,
    the owner history: the owner at that moment."""
    names: dict[int, str] = dict(session.connection().execute(select(User.id, User.name)).all())
    owners = owners_at(session, at) if at is not None else {}
    return {account: names.get(owners.get(account, owner)) for account, owner in owner_ids.items()}


def account_names(session: Session, account_ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """(external_id, name) of each of the accounts."""
    if not account_ids:
        return {}
    rows = session.connection().execute(
        select(Account.id, Account.external_id, Account.name).where(
            Account.id.in_(list(account_ids))
        )
    )
    return {account_id: (external_id, name) for account_id, external_id, name in rows}


def owners_at(session: Session, moment: datetime) -> dict[int, int | None]:
    """The owner at ``moment`` of every account whose owner changed after it: the owner the
    first later change moved it from. Accounts not in the result are owned as they are now."""
    later = (
        select(
            AccountOwnerChange.account_id,
            AccountOwnerChange.from_user_id,
            func.row_number()
            .over(
                partition_by=AccountOwnerChange.account_id,
                order_by=(AccountOwnerChange.changed_at, AccountOwnerChange.id),
            )
            .label("position"),
        )
        .where(AccountOwnerChange.changed_at > moment)
        .subquery()
    )
    statement = select(later.c.account_id, later.c.from_user_id).where(later.c.position == 1)
    return {row.account_id: row.from_user_id for row in session.execute(statement)}


def counted(*, automated: bool) -> ColumnElement[bool]:
    """Touches made by people and marked meaningful, or (``automated``) the automated sends,
    which count only in the tiers configured for them. Written as equalities so an account's
    last one is one seek on ix_touchpoints_account_counted (account_id, is_automated,
    is_meaningful, occurred_at). A send counts whether marked meaningful or not; naming both
    values keeps the seek: without is_meaningful, SQLite walked back through every touch of
    an account that had no send (the whole team's queue: 340 → 30 ms for this part)."""
    if automated:
        return and_(
            Touchpoint.is_automated == true(), Touchpoint.is_meaningful.in_([true(), false()])
        )
    return and_(Touchpoint.is_meaningful == true(), Touchpoint.is_automated == false())


class TouchMoments(NamedTuple):
    accounts: np.ndarray  # account ids
    moments: np.ndarray  # UTC, datetime64[us]
    automated: np.ndarray  # bool: an automated send, else a meaningful touch by a person


def touch_moments(
    session: Session, since: datetime, until: datetime, *, with_sends: bool
) -> TouchMoments:
    """The meaningful touches by people in [since, until) and, ``with_sends``, the automated
    sends too: one range scan of the index (occurred_at, is_meaningful, is_automated,
    account_id) for both kinds, which never visits the table.

    On SQLite the rows come back as comma-joined strings that go straight into NumPy's
    parsers: a Python tuple and datetime per row were most of the cost at 100,000s of rows.
    The ids are parsed in C by ``np.fromstring``; a Python string per id cost as much as the
    query.
    """
    kinds = counted(automated=False)
    if with_sends:
        kinds = or_(kinds, counted(automated=True))
    window = (kinds, Touchpoint.occurred_at >= since, Touchpoint.occurred_at < until)
    if session.get_bind().dialect.name == "sqlite":
        ids, moments, flags = (
            session.connection()
            .execute(
                select(
                    func.group_concat(Touchpoint.account_id, ","),
                    func.group_concat(Touchpoint.occurred_at, ","),
                    func.group_concat(Touchpoint.is_automated, ",") if with_sends else null(),
                ).where(*window)
            )
            .one()
        )
        if not ids:
            return _no_touches()
        found = sqlite_integers(ids)
        automated = sqlite_integers(flags) > 0 if with_sends else np.zeros(len(found), dtype=bool)
        return TouchMoments(found, sqlite_moments(moments, len(found)), automated)
    rows = (
        session.connection()
        .execute(
            select(Touchpoint.account_id, Touchpoint.occurred_at, Touchpoint.is_automated).where(
                *window
            )
        )
        .all()
    )
    if not rows:
        return _no_touches()
    return TouchMoments(
        np.array([row[0] for row in rows], dtype=np.int64),
        np.array(
            [row[1].astimezone(UTC).replace(tzinfo=None) for row in rows], dtype="datetime64[us]"
        ),
        np.array([row[2] for row in rows], dtype=bool),
    )


def _no_touches() -> TouchMoments:
    return TouchMoments(
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[us]"), np.zeros(0, dtype=bool)
    )


def last_touches_before(
    session: Session,
    before: datetime,
    account_ids: Collection[int] | None,
    *,
    automated: bool = False,
) -> dict[int, datetime]:
    """The last meaningful touch by a person (``automated``: automated send) before
    ``before`` of each of the accounts (``None``: of every account), for coverage and the
    priority matrix alike: one query, a backward seek per account on
    ix_touchpoints_account_counted that stops at the first touch that counts. A GROUP BY
    visits every touch instead (seconds at 500,000)."""
    if account_ids is not None and not account_ids:
        return {}
    last = (
        select(Touchpoint.occurred_at)
        .where(
            Touchpoint.account_id == Account.id,
            counted(automated=automated),
            Touchpoint.occurred_at < before,
        )
        .order_by(Touchpoint.occurred_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    statement = select(Account.id, last)
    if account_ids is not None:
        statement = statement.where(Account.id.in_(list(account_ids)))
    rows = session.execute(statement).all()
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

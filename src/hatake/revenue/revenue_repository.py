"""Queries of the revenue reports."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from hatake.accounts.models import Account, Subscription
from hatake.lifecycle.models import LifecyclePeriod
from hatake.lifecycle.segment_models import Segment, SegmentMembership
from hatake.team.models import User


def terms_statement(*, days_as_stored: bool = False) -> Select[Any]:
    """The subscription columns of ``revenue.mrr.Term``, in its order. With ``days_as_stored``
    the two dates come as the driver reads them (ISO text from SQLite, dates from PostgreSQL)
    for ``revenue.mrr.term_arrays`` to parse at once: SQLAlchemy's date parsing, one call per
    value, took as long as the rest of the read."""

    def day(column: Any) -> Any:
        return type_coerce(column, NullType()) if days_as_stored else column

    return select(
        Subscription.external_id,
        Subscription.account_id,
        Subscription.plan,
        Subscription.mrr_minor,
        Subscription.currency,
        day(Subscription.start_date),
        day(Subscription.end_date),
        Subscription.status,
    )


def all_terms(session: Session) -> list[Any]:
    """Every subscription row, as plain tuples read without the ORM (the reports read all
    history: overlaps and the first paid month need it), dates as stored."""
    return list(session.connection().execute(terms_statement(days_as_stored=True)).all())


def account_owners(session: Session) -> dict[int, int | None]:
    """The CSM who owns each account, by account id."""
    rows = session.connection().execute(select(Account.id, Account.owner_id))
    return dict(rows.all())


def tier_history(session: Session) -> list[Any]:
    """Every recorded touch-tier interval: (account_id, tier, entered_on, left_on)."""
    statement = select(
        LifecyclePeriod.account_id,
        LifecyclePeriod.value,
        LifecyclePeriod.entered_on,
        LifecyclePeriod.left_on,
    ).where(LifecyclePeriod.dimension == "tier")
    return list(session.connection().execute(statement).all())


def segment_history(session: Session) -> list[Any]:
    """Every segment stay: (account_id, segment_id, entered_on, left_on)."""
    statement = select(
        SegmentMembership.account_id,
        SegmentMembership.segment_id,
        SegmentMembership.entered_on,
        SegmentMembership.left_on,
    )
    return list(session.connection().execute(statement).all())


def segment_names(session: Session) -> dict[int, str]:
    return dict(session.connection().execute(select(Segment.id, Segment.name)).all())


def user_names(session: Session) -> dict[int, str]:
    return dict(session.connection().execute(select(User.id, User.name)).all())


def external_ids(session: Session, account_ids: Collection[int]) -> dict[int, str]:
    if not account_ids:
        return {}
    statement = select(Account.id, Account.external_id).where(Account.id.in_(account_ids))
    return dict(session.connection().execute(statement).all())


def terms_of_accounts(session: Session, account_ids: Collection[int]) -> list[Any]:
    """The subscriptions of some accounts, in the columns of ``all_terms``."""
    if not account_ids:
        return []
    statement = terms_statement().where(Subscription.account_id.in_(account_ids))
    return list(session.connection().execute(statement).all())

"""State-store facts per account on an as-of date (only rows known by the end of that day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.coverage.models import Touchpoint
from hatake.support.models import Ticket
from hatake.voc.models import SurveyResponse


@dataclass
class AccountFacts:
    """What the state store knows about one account at the end of the as-of day."""

    account_id: int
    external_id: str
    custom: dict[str, Any]
    plan: str | None = None
    seats: int | None = None
    mrr_minor: int = 0
    mrr_minor_90d_ago: int = 0
    renewal_date: date | None = None
    active_contacts: int = 0
    champions: int = 0
    open_tickets: int = 0
    old_open_tickets: int = 0
    tickets_30d: int = 0
    tickets_previous_30d: int = 0
    latest_nps: float | None = None
    last_meaningful_touch: datetime | None = None


def _active_on(day: date) -> Any:
    """A contract term runs from its start date up to (not including) its end date."""
    return and_(
        Subscription.start_date <= day,
        or_(Subscription.end_date.is_(None), Subscription.end_date > day),
    )


def account_facts(
    session: Session, *, as_of: date, end: datetime, stale_ticket_days: int
) -> dict[str, AccountFacts]:
    """Facts for every account with a contract term running on ``as_of``, by external id."""
    rows = session.execute(
        select(
            Account.id,
            Account.external_id,
            Account.custom,
            Subscription.plan,
            Subscription.seats,
            Subscription.mrr_minor,
            Subscription.end_date,
        )
        .join(Subscription, Subscription.account_id == Account.id)
        .where(_active_on(as_of))
        .order_by(Account.id, Subscription.start_date)
    ).all()
    facts: dict[int, AccountFacts] = {}
    for account_id, external_id, custom, plan, seats, mrr, end_date in rows:
        item = facts.setdefault(
            account_id,
            AccountFacts(account_id=account_id, external_id=external_id, custom=dict(custom or {})),
        )
        item.plan = plan
        item.seats = (item.seats or 0) + seats if seats is not None else item.seats
        item.mrr_minor += mrr
        if end_date is not None and (item.renewal_date is None or end_date < item.renewal_date):
            item.renewal_date = end_date
    if not facts:
        return {}
    earlier = as_of - timedelta(days=90)
    for account_id, mrr in session.execute(
        select(Subscription.account_id, func.sum(Subscription.mrr_minor))
        .where(_active_on(earlier))
        .group_by(Subscription.account_id)
    ):
        if account_id in facts:
            facts[account_id].mrr_minor_90d_ago = int(mrr or 0)
    present = and_(
        or_(Contact.created_on.is_(None), Contact.created_on <= as_of),
        or_(Contact.deactivated_on.is_(None), Contact.deactivated_on > as_of),
    )
    for account_id, contacts, champions in session.execute(
        select(Contact.account_id, func.count(), func.count().filter(Contact.is_champion.is_(True)))
        .where(present)
        .group_by(Contact.account_id)
    ):
        if account_id in facts:
            facts[account_id].active_contacts = int(contacts)
            facts[account_id].champions = int(champions or 0)
    open_at_end = and_(
        Ticket.opened_at < end, or_(Ticket.resolved_at.is_(None), Ticket.resolved_at >= end)
    )
    stale = end - timedelta(days=stale_ticket_days)
    for account_id, open_count, stale_count in session.execute(
        select(Ticket.account_id, func.count(), func.count().filter(Ticket.opened_at < stale))
        .where(open_at_end)
        .group_by(Ticket.account_id)
    ):
        if account_id in facts:
            facts[account_id].open_tickets = int(open_count)
            facts[account_id].old_open_tickets = int(stale_count)
    month_ago, two_months_ago = end - timedelta(days=30), end - timedelta(days=60)
    for account_id, recent, previous in session.execute(
        select(
            Ticket.account_id,
            func.count().filter(Ticket.opened_at >= month_ago),
            func.count().filter(Ticket.opened_at < month_ago),
        )
        .where(Ticket.opened_at < end, Ticket.opened_at >= two_months_ago)
        .group_by(Ticket.account_id)
    ):
        if account_id in facts:
            facts[account_id].tickets_30d = int(recent)
            facts[account_id].tickets_previous_30d = int(previous)
    latest_day = (
        select(SurveyResponse.account_id, func.max(SurveyResponse.responded_on).label("day"))
        .where(SurveyResponse.responded_on <= as_of)
        .group_by(SurveyResponse.account_id)
        .subquery()
    )
    for account_id, nps in session.execute(
        select(SurveyResponse.account_id, func.avg(SurveyResponse.nps))
        .join(
            latest_day,
            and_(
                latest_day.c.account_id == SurveyResponse.account_id,
                latest_day.c.day == SurveyResponse.responded_on,
            ),
        )
        .group_by(SurveyResponse.account_id)
    ):
        if account_id in facts:
            facts[account_id].latest_nps = float(nps)
    for account_id, last_touch in session.execute(
        select(Touchpoint.account_id, func.max(Touchpoint.occurred_at))
        .where(Touchpoint.occurred_at < end, Touchpoint.is_meaningful.is_(True))
        .group_by(Touchpoint.account_id)
    ):
        if account_id in facts:
            facts[account_id].last_meaningful_touch = last_touch
    return {item.external_id: item for item in facts.values()}

"""Scores judged against what happened next: realised churn and the backtest of a definition."""

from __future__ import annotations

from datetime import date, timedelta

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Subscription
from hatake.core.errors import InvalidInput
from hatake.core.settings import Settings
from hatake.health.backtest import BacktestReport, Observation, backtest
from hatake.health.definition import Definition
from hatake.health.service import score_day


def churned_between(session: Session, *, after: date, until: date) -> set[str]:
    """Accounts whose contract ended without renewal in (after, until]: churned accounts whose
    last term ended in that window."""
    last_end = (
        select(Subscription.account_id, func.max(Subscription.end_date).label("ended"))
        .group_by(Subscription.account_id)
        .subquery()
    )
    return set(
        session.scalars(
            select(Account.external_id)
            .join(last_end, last_end.c.account_id == Account.id)
            .where(
                Account.status == "churned",
                last_end.c.ended > after,
                last_end.c.ended <= until,
            )
        )
    )


def backtest_day(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    horizon_days: int,
    definition: Definition,
    settings: Settings,
) -> BacktestReport:
    """How well the scores of ``as_of`` foretold the churn of the next ``horizon_days``."""
    results = score_day(session, analytics, as_of=as_of, definition=definition, settings=settings)
    churned = churned_between(session, after=as_of, until=as_of + timedelta(days=horizon_days))
    observations = [
        Observation(
            account_id=account_id,
            as_of=as_of,
            score=result.exact_score,
            grade=result.grade,
            churned=account_id in churned,
        )
        for account_id, result in results.items()
        if result.exact_score is not None and result.grade is not None
    ]
    if not observations:
        raise InvalidInput("No account has a score on {date}.", date=as_of.isoformat())
    return backtest(observations, [grade.key for grade in definition.grades])

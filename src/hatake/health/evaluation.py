"""Scores judged against what happened next: realised churn, backtests of one or several
definitions over one or several as-of dates, and fitted weights from the team's history.

Realised churn of an account in the window (as_of, as_of + horizon]:

* its contract ended without renewal in the window (status churned, last term ending in it);
* or, for an account whose running contract terms on ``as_of`` are all on a free plan
  (``[health] free_plans``), it went ``churn_inactivity_days`` consecutive days without a
  usage event, every one of those days inside the window. Only events after the as-of day
  decide this, so an account already dormant on ``as_of`` is labelled by what it does next.

Every score of a past day reads only data known by the end of that day (see service.py); the
labels read only what came after. Inputs are computed once per day and scored with as many
definitions as asked, so comparing two versions costs little more than backtesting one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Subscription
from hatake.core.errors import InvalidInput
from hatake.core.settings import HealthConfig, Settings
from hatake.health import fitting
from hatake.health.backtest import BacktestReport, Observation, backtest
from hatake.health.definition import Definition, validate_metrics
from hatake.health.factors import known_metrics
from hatake.health.scoring import ScoreResult
from hatake.health.service import DayInputs, day_inputs, scores_by_account
from hatake.usage import store

DEFAULT_HORIZON_DAYS = 90
DEFAULT_EVERY_DAYS = 30
DEFAULT_FIT_SPAN_DAYS = 365


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


def free_accounts_on(session: Session, day: date, free_plans: Sequence[str]) -> set[str]:
    """Accounts with a contract term running on ``day`` whose running terms are all on a free
    plan (an account paying for anything is not a free account)."""
    if not free_plans:
        return set()
    running = and_(
        Subscription.start_date <= day,
        or_(Subscription.end_date.is_(None), Subscription.end_date > day),
    )
    rows = session.execute(
        select(Account.external_id, Subscription.plan)
        .join(Subscription, Subscription.account_id == Account.id)
        .where(running)
    ).all()
    plans: dict[str, set[str | None]] = {}
    for external_id, plan in rows:
        plans.setdefault(external_id, set()).add(plan)
    wanted = set(free_plans)
    return {external_id for external_id, names in plans.items() if names <= wanted}


def longest_idle_run(active_days: Iterable[date], first: date, last: date) -> int:
    """The longest run of consecutive days in [first, last] without activity. Pure."""
    if last < first:
        return 0
    days = sorted({day for day in active_days if first <= day <= last})
    longest = 0
    previous = first - timedelta(days=1)
    for day in [*days, last + timedelta(days=1)]:
        longest = max(longest, (day - previous).days - 1)
        previous = day
    return longest


def inactive_free_accounts(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    horizon_days: int,
    free_plans: Sequence[str],
    inactivity_days: int,
) -> set[str]:
    """Free accounts (on ``as_of``) with ``inactivity_days`` consecutive event-free days within
    (as_of, as_of + horizon_days]. None when the horizon is shorter than the inactivity."""
    if inactivity_days > horizon_days:
        return set()
    free = free_accounts_on(session, as_of, free_plans)
    if not free:
        return set()
    first, last = as_of + timedelta(days=1), as_of + timedelta(days=horizon_days)
    events = store.events(analytics)
    window = events.filter(
        events.timestamp >= datetime.combine(first, time.min, tzinfo=UTC),
        events.timestamp < datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
        events.account_id.isin(sorted(free)),
    )
    rows = (
        window.select(account_id=window.account_id, day=window.timestamp.date())
        .distinct()
        .to_pyarrow()
        .to_pylist()
    )
    active: dict[str, list[date]] = {}
    for row in rows:
        active.setdefault(row["account_id"], []).append(row["day"])
    return {
        account
        for account in free
        if longest_idle_run(active.get(account, []), first, last) >= inactivity_days
    }


def realised_churn(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    horizon_days: int,
    config: HealthConfig,
) -> set[str]:
    """Every account that churned in (as_of, as_of + horizon_days], by either rule."""
    ended = churned_between(session, after=as_of, until=as_of + timedelta(days=horizon_days))
    return ended | inactive_free_accounts(
        session,
        analytics,
        as_of=as_of,
        horizon_days=horizon_days,
        free_plans=config.free_plans,
        inactivity_days=config.churn_inactivity_days,
    )


@dataclass(frozen=True)
class LabelledDay:
    """Everything known on one as-of day, and who churned in the horizon after it."""

    as_of: date
    inputs: DayInputs
    churned: frozenset[str]

    def score(self, definition: Definition) -> dict[str, ScoreResult]:
        return scores_by_account(self.inputs, definition)

    def observations(self, definition: Definition) -> list[Observation]:
        return [
            Observation(
                account_id=account_id,
                as_of=self.as_of,
                score=result.exact_score,
                grade=result.grade,
                churned=account_id in self.churned,
            )
            for account_id, result in self.score(definition).items()
            if result.exact_score is not None and result.grade is not None
        ]


def labelled_days(
    session: Session,
    analytics: DuckDBBackend,
    *,
    dates: Sequence[date],
    horizon_days: int,
    settings: Settings,
    definitions: Sequence[Definition] = (),
) -> list[LabelledDay]:
    """Inputs and realised churn for each as-of date (``definitions`` are checked to name
    only known metrics first)."""
    custom_keys = settings.file_config.custom_keys
    known = known_metrics(custom_keys)
    for definition in definitions:
        validate_metrics(definition, known)
    config = settings.file_config.health
    return [
        LabelledDay(
            as_of=day,
            inputs=day_inputs(
                session, analytics, start=day, end=day, config=config, custom_keys=custom_keys
            ),
            churned=frozenset(
                realised_churn(
                    session, analytics, as_of=day, horizon_days=horizon_days, config=config
                )
            ),
        )
        for day in dates
    ]


def as_of_dates(start: date, end: date, every_days: int) -> list[date]:
    """``start``, ``start + every``, … up to ``end`` inclusive."""
    if every_days < 1:
        raise InvalidInput("The interval must be at least one day.")
    if end < start:
        raise InvalidInput(
            "The period ends ({end}) before it starts ({start}).",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return [start + timedelta(days=step) for step in range(0, (end - start).days + 1, every_days)]


def backtest_days(
    session: Session,
    analytics: DuckDBBackend,
    *,
    dates: Sequence[date],
    horizon_days: int,
    definitions: Sequence[Definition],
    settings: Settings,
) -> list[BacktestReport]:
    """One report per definition, pooling the observations of every date in ``dates``."""
    days = labelled_days(
        session,
        analytics,
        dates=dates,
        horizon_days=horizon_days,
        settings=settings,
        definitions=definitions,
    )
    return [report_for(definition, days) for definition in definitions]


def report_for(definition: Definition, days: Sequence[LabelledDay]) -> BacktestReport:
    observations = [item for day in days for item in day.observations(definition)]
    if not observations:
        raise InvalidInput(
            "No account has a score on {date}.",
            date=", ".join(day.as_of.isoformat() for day in days),
        )
    return backtest(observations, [grade.key for grade in definition.grades])


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
    return backtest_days(
        session,
        analytics,
        dates=[as_of],
        horizon_days=horizon_days,
        definitions=[definition],
        settings=settings,
    )[0]


def account_page_ids(session: Session, external_ids: Iterable[str]) -> dict[str, int]:
    """Internal ids of accounts by external id, for links to their pages."""
    wanted = sorted(set(external_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Account.external_id, Account.id).where(Account.external_id.in_(wanted))
    ).all()
    return {str(external_id): int(account_id) for external_id, account_id in rows}


# --- fitted weights -------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightRow:
    metric: str
    hand_set: float | None  # nominal share of 100 in the default profile; None: not in it
    fitted: float
    coefficient: float
    evidence: bool


@dataclass(frozen=True)
class FitOutcome:
    base: Definition
    fitted: Definition
    document: str
    result: fitting.FitResult
    split: fitting.TimeSplit
    horizon_days: int
    rows: tuple[WeightRow, ...]
    test_base: BacktestReport
    test_fitted: BacktestReport


def fit_samples(definition: Definition, days: Sequence[LabelledDay]) -> list[fitting.Sample]:
    """Each scored account's factor points under ``definition``: a factor the account had no
    data for is None here, i.e. the neutral 50 in the fit whatever its missing policy."""
    samples = []
    for day in days:
        for account_id, result in day.score(definition).items():
            if result.exact_score is None:
                continue
            samples.append(
                fitting.Sample(
                    account_id=account_id,
                    as_of=day.as_of,
                    points={
                        factor.metric: None if factor.missing else factor.points
                        for factor in result.factors
                    },
                    churned=account_id in day.churned,
                )
            )
    return samples


def fit_period(
    today: date,
    *,
    start: date | None,
    end: date | None,
    horizon_days: int,
) -> tuple[date, date]:
    """Default period: the year of as-of dates whose horizon has fully passed by ``today``."""
    last_labelled = today - timedelta(days=horizon_days)
    end = end or last_labelled
    if end > last_labelled:
        raise InvalidInput(
            "The last as-of date must be {date} or earlier: churn in the {days} days after "
            "it has to be known.",
            date=last_labelled.isoformat(),
            days=horizon_days,
        )
    start = start or end - timedelta(days=DEFAULT_FIT_SPAN_DAYS)
    return start, end


def run_fit(
    session: Session,
    analytics: DuckDBBackend,
    *,
    definition: Definition,
    dates: Sequence[date],
    horizon_days: int,
    settings: Settings,
    version: str | None = None,
    today: date | None = None,
    test_share: float = 0.3,
) -> FitOutcome:
    """Fit weights on the earlier dates and backtest both definitions on the later ones."""
    today = today or datetime.now(UTC).date()
    try:
        split = fitting.time_split(dates, horizon_days, test_share)
    except fitting.FitError as error:
        raise InvalidInput("The fit cannot run: {reason}.", reason=str(error)) from error
    days = labelled_days(
        session,
        analytics,
        dates=[*split.train, *split.test],
        horizon_days=horizon_days,
        settings=settings,
        definitions=[definition],
    )
    train_days = [day for day in days if day.as_of in split.train]
    test_days = [day for day in days if day.as_of in split.test]
    metrics = fitting.definition_metrics(definition)
    try:
        result = fitting.fit_weights(fit_samples(definition, train_days), metrics)
    except fitting.FitError as error:
        raise InvalidInput("The fit cannot run: {reason}.", reason=str(error)) from error
    new_version = version or f"{definition.version}-fit-{today.strftime('%Y%m%d')}"
    fitted = fitting.fitted_definition(
        definition,
        result.weights(),
        version=new_version,
        name=f"{definition.name} (fit {today.isoformat()})",
    )
    hand = fitting.hand_set_weights(definition)
    rows = tuple(
        WeightRow(
            metric=factor.metric,
            hand_set=hand.get(factor.metric),
            fitted=factor.weight,
            coefficient=factor.coefficient,
            evidence=factor.evidence,
        )
        for factor in result.factors
    )
    return FitOutcome(
        base=definition,
        fitted=fitted,
        document=fitting.definition_document(fitted),
        result=result,
        split=split,
        horizon_days=horizon_days,
        rows=rows,
        test_base=report_for(definition, test_days),
        test_fitted=report_for(fitted, test_days),
    )

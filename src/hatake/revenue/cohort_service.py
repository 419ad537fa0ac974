"""Cohort triangles, survival curves per tier or plan, and the shifted-beta-geometric
projection with lifetime value, from the month-end MRR table (revenue_service.load_mrr).

The window is the ``months`` complete months up to the last one that ended by the as-of day;
only accounts whose first paid month falls in it are in the cohorts, so every age is measured
from a start that was seen. Survival groups: the plan that brought most of an account's MRR in
its start month, or the touch tier recorded on its last paying month-end (the as-of day for an
account still paying). Tiers are recorded only from when lifecycle tracking began and not for
accounts already gone, so where none was recorded on that day the tier is the one the
``[lifecycle]`` thresholds give its MRR then (lifecycle.tiers.tier_for, as the lifecycle refresh
would have)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

import numpy as np
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from hatake.core.errors import InvalidField
from hatake.core.settings import Settings
from hatake.lifecycle.lifecycle_config import (
    LifecycleConfigInvalid,
    TierThresholds,
    parse_lifecycle,
)
from hatake.lifecycle.tiers import tier_for
from hatake.reports.periods import Grain, month_start, parse_period_key
from hatake.revenue import revenue_repository, sbg
from hatake.revenue.clv_config import ClvConfig, parse_clv_config
from hatake.revenue.cohorts import Cohort, cohorts, first_churn_ages
from hatake.revenue.revenue_service import load_mrr
from hatake.revenue.survival import SurvivalCurve, kaplan_meier

GroupBy = Literal["tier", "plan"]
GROUPINGS: tuple[str, ...] = ("tier", "plan")
DEFAULT_WINDOW_MONTHS = 36
DEFAULT_PROJECTION_PERIODS = 24
PERIOD_MONTHS = (1, 3, 12)
NO_GROUP = "—"


def clv_config(settings: Settings) -> ClvConfig:
    return parse_clv_config(settings.file_config.clv)


@dataclass(frozen=True)
class CohortOptions:
    grain: Grain = Grain.MONTH
    group_by: GroupBy = "tier"
    window_months: int = DEFAULT_WINDOW_MONTHS
    projection_periods: int = DEFAULT_PROJECTION_PERIODS
    period_months: int = 1
    cohort: str | None = None  # fit the projection to this start cohort only

    def check(self) -> CohortOptions:
        """Raises ``InvalidField`` naming the parameter (as the page, API and CLI call it), the
        value and what is accepted."""
        if self.grain not in (Grain.MONTH, Grain.QUARTER):
            raise InvalidField(
                "{field}: {value} is not month or quarter.", field="grain", value=self.grain
            )
        if self.group_by not in GROUPINGS:
            raise InvalidField(
                "{field}: {value} is not tier or plan.", field="by", value=self.group_by
            )
        if not 2 <= self.window_months <= 120:
            raise InvalidField(
                "{field}: {value} is outside {low} to {high}.",
                field="months", value=self.window_months, low=2, high=120,
            )  # fmt: skip
        if not 1 <= self.projection_periods <= 120:
            raise InvalidField(
                "{field}: {value} is outside {low} to {high}.",
                field="periods", value=self.projection_periods, low=1, high=120,
            )  # fmt: skip
        if self.period_months not in PERIOD_MONTHS:
            raise InvalidField(
                "{field}: {value} is not 1, 3 or 12.",
                field="period_months",
                value=self.period_months,
            )
        return self


@dataclass(frozen=True)
class GroupSurvival:
    group: str
    curve: SurvivalCurve
    starting_mrr: float  # the average age-0 MRR of its customers (minor units)


@dataclass(frozen=True)
class Projection:
    """sBG fitted to one set of customers, in periods of ``period_months`` months."""

    group: str
    customers: int
    fit: sbg.SbgFit | None
    error: str | None
    observed: list[float]  # Kaplan-Meier survival at each observed period end
    fitted: list[float]  # sBG survival for the observed and projected periods
    expected_lifetime: float | None  # periods
    median_lifetime: int | None  # periods
    discounted_lifetime: float | None  # periods' payments
    payment: float  # average payment per period at the start (minor units)
    clv: float | None  # minor units


@dataclass(frozen=True)
class CohortReport:
    as_of: date
    currency: str
    fiscal_start_month: int
    months: list[date]
    options: CohortOptions
    clv: ClvConfig
    cohorts: list[Cohort]
    groups: list[GroupSurvival]  # "all customers" first
    projection: Projection  # of the whole window, or of the chosen cohort
    group_projections: list[Projection]
    excluded_terms: int


def last_complete_month(as_of: date) -> date:
    """The last month that has ended by ``as_of`` (its month-end snapshot is final)."""
    if (as_of + timedelta(days=1)).day == 1:
        return month_start(as_of)
    return month_start(as_of) - relativedelta(months=1)


def _periods(durations: np.ndarray, churned: np.ndarray, period_months: int) -> np.ndarray:
    """Month durations as sBG periods: a customer gone at age k months left in period
    ceil(k / p); one censored at age a survived floor(a / p) period ends."""
    return np.where(churned, -(-durations // period_months), durations // period_months)


def _project(
    group: str,
    durations: np.ndarray,
    churned: np.ndarray,
    payment_per_month: float,
    options: CohortOptions,
    config: ClvConfig,
    monthly_curve: SurvivalCurve | None = None,
) -> Projection:
    """``monthly_curve``: the Kaplan-Meier curve of the same customers in months, when already
    made; with one-month periods it is the curve of the periods too."""
    periods = _periods(durations, churned, options.period_months)
    if options.period_months == 1 and monthly_curve is not None:
        curve = monthly_curve
    else:
        curve = kaplan_meier(periods, churned)
    observed_periods = int(periods.max()) if len(periods) else 0
    observed = [curve.at(t) for t in range(observed_periods + 1)]
    payment = payment_per_month * options.period_months
    empty = Projection(
        group, len(periods), None, None, observed, [], None, None, None, payment, None
    )
    if not len(periods):
        return empty
    churns = np.bincount(periods[churned], minlength=observed_periods + 1)[1:].tolist()
    censored = np.bincount(periods[~churned], minlength=observed_periods + 1).tolist()
    try:
        fitted = sbg.fit_events(churns, censored)
    except sbg.FitError as error:
        return replace(empty, error=str(error))
    rate = sbg.periodic_rate(config.annual_discount_rate, 12 // options.period_months)
    lifetime = sbg.discounted_expected_lifetime(fitted.alpha, fitted.beta, rate)
    return Projection(
        group=group,
        customers=len(periods),
        fit=fitted,
        error=None,
        observed=observed,
        fitted=sbg.survival(
            fitted.alpha, fitted.beta, observed_periods + options.projection_periods
        ).tolist(),
        expected_lifetime=sbg.expected_lifetime(fitted.alpha, fitted.beta),
        median_lifetime=sbg.median_lifetime(fitted.alpha, fitted.beta),
        discounted_lifetime=lifetime,
        payment=payment,
        clv=config.gross_margin * payment * lifetime,
    )


def _thresholds(settings: Settings) -> Mapping[str, TierThresholds] | None:
    """The ``[lifecycle]`` tier thresholds; ``None`` while that section is not valid (the
    lifecycle pages show why)."""
    milestones = [item.key for item in settings.file_config.health.onboarding_milestones]
    try:
        return parse_lifecycle(settings.file_config.lifecycle, milestones).tiers
    except LifecycleConfigInvalid:
        return None


def _tiers(
    session: Session,
    settings: Settings,
    account_ids: Sequence[int],
    days: Sequence[date],
    mrr: Sequence[int],
    currency: str,
) -> list[str | None]:
    """The tier recorded for each account on its day, else the one its MRR then gives."""
    periods: dict[int, list[tuple[str, date, date | None]]] = {}
    for account_id, tier, entered, left in revenue_repository.tier_history(session):
        periods.setdefault(account_id, []).append((tier, entered, left))
    thresholds = _thresholds(settings)
    by_amount: dict[int, str] = {}  # far fewer distinct amounts than accounts
    found: list[str | None] = []
    for account_id, day, amount in zip(account_ids, days, mrr, strict=True):
        value = None
        for tier, entered, left in periods.get(account_id, ()):
            if entered <= day and (left is None or left > day):
                value = tier
        if value is None and thresholds is not None:
            if amount not in by_amount:
                by_amount[amount] = tier_for({currency: amount}, thresholds)
            value = by_amount[amount]
        found.append(value)
    return found


def build_cohort_report(
    session: Session, settings: Settings, *, as_of: date, options: CohortOptions
) -> CohortReport:
    options.check()
    config = clv_config(settings)
    last = last_complete_month(as_of)
    first = last - relativedelta(months=options.window_months - 1)
    table = load_mrr(session, settings, first, last)
    months = table.months
    index = {month: position for position, month in enumerate(months)}
    starts = np.array([index.get(day, -1) if day else -1 for day in table.first_paid])
    triangle = cohorts(
        months,
        table.mrr,
        starts,
        grain=options.grain,
        fiscal_start_month=table.fiscal_year_start_month,
    )
    rows, durations, churned = first_churn_ages(table.mrr, starts)
    row_starts = starts[rows]
    starting = table.mrr[rows, row_starts].astype(float)

    if options.group_by == "plan":
        plan_at_start = table.plan_index[rows, row_starts]
        labels = [table.plans[p] if p >= 0 else NO_GROUP for p in plan_at_start.tolist()]
    else:
        last_paying = row_starts + np.where(churned, durations - 1, durations)
        month_ends = [month + relativedelta(months=1) - timedelta(days=1) for month in months]
        days = [
            month_ends[m] if gone else as_of
            for m, gone in zip(last_paying.tolist(), churned.tolist(), strict=True)
        ]
        tiers = _tiers(
            session,
            settings,
            table.account_ids[rows].tolist(),
            days,
            table.mrr[rows, last_paying].tolist(),
            table.currency,
        )
        labels = [tier or NO_GROUP for tier in tiers]
    label_array = np.array(labels, dtype=object)

    everyone = GroupSurvival("all", kaplan_meier(durations, churned), _mean(starting))
    groups = [everyone] + [
        GroupSurvival(
            group,
            kaplan_meier(durations[label_array == group], churned[label_array == group]),
            _mean(starting[label_array == group]),
        )
        for group in sorted(set(labels), key=lambda value: (value == NO_GROUP, value))
    ]

    chosen = np.ones(len(rows), dtype=bool)
    if options.cohort:
        try:
            period = parse_period_key(options.cohort, table.fiscal_year_start_month)
        except ValueError:
            raise InvalidField(
                "{field}: {value} is not a period; write it like 2026-04, FY2026-Q1 or FY2026.",
                field="cohort", value=options.cohort,
            ) from None  # fmt: skip
        start_days = np.array([months[s].toordinal() for s in row_starts.tolist()])
        chosen = (start_days >= period.first.toordinal()) & (start_days <= period.end.toordinal())
    projection = _project(
        options.cohort or "all",
        durations[chosen],
        churned[chosen],
        _mean(starting[chosen]),
        options,
        config,
        None if options.cohort else everyone.curve,
    )
    group_projections = [
        _project(
            group.group,
            durations[label_array == group.group],
            churned[label_array == group.group],
            group.starting_mrr,
            options,
            config,
            group.curve,
        )
        for group in groups[1:]
    ]
    return CohortReport(
        as_of=as_of,
        currency=table.currency,
        fiscal_start_month=table.fiscal_year_start_month,
        months=months,
        options=options,
        clv=config,
        cohorts=triangle,
        groups=groups,
        projection=projection,
        group_projections=group_projections,
        excluded_terms=len(table.excluded),
    )


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else 0.0

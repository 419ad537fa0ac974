"""The renewal forecast of the coming months (see forecast.py for the weighting).

What counts, in words the page and docs/metrics.md repeat:

- An *upcoming renewal* is a contract term running on the as-of day whose end date falls in
  the horizon (the as-of month and the months after it); its ARR is 12 x its MRR in the
  organisation's currency. Terms the revenue reports exclude (bad rows, no exchange rate) are
  left out here too.
- A *past renewal* is a term billed for a fixed period (any billing period but monthly: the
  end of such a term is when the customer decides) whose end date fell in the look-back
  window before the as-of day. It *renewed* when the account had a term running on the end
  date or starting within the grace days after it; otherwise it churned.
- Its *grade* is the account's health grade (active score definition) ``lead_days`` before the
  end date: what a CSM could see when the renewal conversation starts. An upcoming renewal
  takes the account's latest grade on the as-of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from dateutil.relativedelta import relativedelta
from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.core.errors import InvalidField
from hatake.core.settings import Settings
from hatake.health.versions import active_definition
from hatake.lifecycle import segment_service
from hatake.lifecycle.segment_models import Segment
from hatake.reports.periods import month_start, month_starts_between
from hatake.revenue import forecast_repository as repository
from hatake.revenue.forecast import (
    GradeRate,
    PastRenewal,
    Scenario,
    UpcomingRenewal,
    by_grade_and_month,
    by_month,
    grade_rates,
    scenario,
    went_on,
)
from hatake.revenue.mrr import NO_END, Term, countable_mask, term_columns
from hatake.revenue.revenue_service import DEFAULT_CURRENCY, converted_amounts, revenue_config
from hatake.team.repository import get_org

DEFAULT_HORIZON_MONTHS = 12
DEFAULT_LEAD_DAYS = 90
DEFAULT_LOOKBACK_MONTHS = 24
DEFAULT_GRACE_DAYS = 30
DEFAULT_CONFIDENCE = 0.95
MONTHLY = "monthly"


@dataclass(frozen=True)
class ForecastOptions:
    horizon_months: int = DEFAULT_HORIZON_MONTHS
    lead_days: int = DEFAULT_LEAD_DAYS
    lookback_months: int = DEFAULT_LOOKBACK_MONTHS
    grace_days: int = DEFAULT_GRACE_DAYS
    confidence: float = DEFAULT_CONFIDENCE

    def check(self) -> ForecastOptions:
        """Raises ``InvalidField`` naming the field (as the page, API and CLI call it), the
        value and the accepted range."""
        limits: dict[str, tuple[str, Any, Any]] = {
            "horizon_months": ("horizon", 1, 36),
            "lead_days": ("lead_days", 0, 365),
            "lookback_months": ("lookback", 1, 120),
            "grace_days": ("grace_days", 0, 365),
            "confidence": ("confidence", 0.5, 0.999),
        }
        for name, (field, low, high) in limits.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise InvalidField(
                    "{field}: {value} is outside {low} to {high}.",
                    field=field,
                    value=value,
                    low=low,
                    high=high,
                )
        return self


@dataclass(frozen=True)
class RenewalLine:
    renewal: UpcomingRenewal
    external_id: str
    name: str
    plan: str
    subscription: str


@dataclass(frozen=True)
class ForecastReport:
    as_of: date
    currency: str
    options: ForecastOptions
    grades: list[str | None]  # healthiest first, None (no score) last
    grade_labels: dict[str | None, str]
    rates: dict[str | None, GradeRate]
    months: list[tuple[date, Scenario]]
    by_grade: dict[str | None, list[tuple[date, Scenario]]]
    total: Scenario
    renewals: list[RenewalLine]
    history_from: date
    segment: Segment | None  # the upcoming renewals are this segment's members' only


def build_forecast(
    session: Session,
    analytics: DuckDBBackend,
    settings: Settings,
    *,
    as_of: date,
    options: ForecastOptions,
    locale: str,
    segment: Segment | None = None,
) -> ForecastReport:
    """With ``segment``, the upcoming renewals are those of its members now; the renewal rate
    of each grade still comes from every past renewal, as a segment's own history is often
    too short to say much."""
    options.check()
    org = get_org(session)
    currency = org.currency if org else DEFAULT_CURRENCY
    config = revenue_config(settings)
    columns = list(zip(*repository.terms_with_billing(session), strict=True))
    if not columns:
        columns = [()] * (len(Term._fields) + 3)
    every = term_columns(columns)
    counted, _excluded = countable_mask(
        every, lambda code: config.minor_factor(code, currency) is not None
    )
    chosen = np.flatnonzero(counted)
    terms = every.take(chosen)
    billing, account_external_ids, account_names = (
        np.array(column, dtype=object)[chosen] for column in columns[len(Term._fields) :]
    )
    definition = active_definition(session)

    # Past renewals and whether each account went on. A term whose grace days have not all
    # passed yet may still renew: it waits, unless it already did.
    history_from = as_of - relativedelta(months=options.lookback_months)
    ended_before = (
        (terms.end != NO_END)
        & (terms.end >= np.datetime64(history_from, "D"))
        & (terms.end < np.datetime64(as_of, "D"))
        & (billing != MONTHLY)
    )
    past = np.flatnonzero(ended_before)
    renewed = went_on(terms.account, terms.start, terms.end, past, options.grace_days)
    decided = terms.end[past] + np.timedelta64(options.grace_days, "D") < np.datetime64(as_of)
    past, renewed = past[decided | renewed], renewed[decided | renewed]
    past_grades = repository.grades_on(
        analytics,
        definition.version,
        account_external_ids[past],
        terms.end[past] - np.timedelta64(options.lead_days, "D"),
    )
    history = [
        PastRenewal(grade, went) for grade, went in zip(past_grades, renewed.tolist(), strict=True)
    ]

    # Upcoming renewals in the horizon.
    first_month = month_start(as_of)
    months = month_starts_between(
        first_month, first_month + relativedelta(months=options.horizon_months) - timedelta(days=1)
    )
    horizon_end = months[-1] + relativedelta(months=1)
    day = np.datetime64(as_of, "D")
    due = (terms.start <= day) & (terms.end > day) & (terms.end < np.datetime64(horizon_end, "D"))
    if segment is not None:
        members = list(segment_service.current_member_ids(session, segment.id))
        due &= np.isin(terms.account, np.array(members, dtype=np.int64))
    upcoming = np.flatnonzero(due)
    current = repository.grades_on(
        analytics,
        definition.version,
        account_external_ids[upcoming],
        np.full(len(upcoming), day),
    )
    arr = 12 * converted_amounts(terms, config, currency)[upcoming]
    lines = [
        RenewalLine(
            renewal=UpcomingRenewal(account_id, end_date, arr_minor, grade),
            external_id=external_id,
            name=name,
            plan=terms.plans[plan],
            subscription=subscription,
        )
        for account_id, end_date, arr_minor, grade, external_id, name, plan, subscription in zip(
            terms.account[upcoming].tolist(),
            terms.end[upcoming].tolist(),
            arr.tolist(),
            current,
            account_external_ids[upcoming].tolist(),
            account_names[upcoming].tolist(),
            terms.plan[upcoming].tolist(),
            terms.external_id[upcoming].tolist(),
            strict=True,
        )
    ]
    lines.sort(key=lambda line: (line.renewal.end_date, -line.renewal.arr_minor, line.subscription))
    grade_keys: list[str | None] = [grade.key for grade in definition.grades]
    known = set(grade_keys)
    # Grades the definition does not list (an older version's, in the history, or a stored
    # grade it no longer has) keep their own rows rather than fail the report.
    seen = {item.grade for item in history} | {line.renewal.grade for line in lines}
    extras = sorted(grade for grade in seen if grade and grade not in known)
    grades: list[str | None] = [*grade_keys, *extras, None]
    labels: dict[str | None, str] = {grade.key: grade.label(locale) for grade in definition.grades}
    rates = grade_rates(history, grades, confidence=options.confidence)
    renewals = [line.renewal for line in lines]
    return ForecastReport(
        as_of=as_of,
        currency=currency,
        options=options,
        grades=grades,
        grade_labels=labels,
        rates=rates,
        months=by_month(renewals, months, rates),
        by_grade=by_grade_and_month(renewals, grades, months, rates),
        total=scenario(renewals, rates),
        renewals=lines,
        history_from=history_from,
        segment=segment,
    )

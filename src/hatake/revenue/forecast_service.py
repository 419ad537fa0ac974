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
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.core.errors import InvalidField
from hatake.core.settings import Settings
from hatake.health.versions import active_definition
from hatake.reports.periods import month_start, month_starts_between
from hatake.revenue import forecast_repository as repository
from hatake.revenue.forecast import (
    GradeRate,
    PastRenewal,
    Scenario,
    UpcomingRenewal,
    by_month,
    grade_rates,
    scenario,
)
from hatake.revenue.mrr import Term, convert_minor, countable_terms
from hatake.revenue.revenue_service import DEFAULT_CURRENCY, revenue_config
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


def build_forecast(
    session: Session,
    analytics: DuckDBBackend,
    settings: Settings,
    *,
    as_of: date,
    options: ForecastOptions,
    locale: str,
) -> ForecastReport:
    options.check()
    org = get_org(session)
    currency = org.currency if org else DEFAULT_CURRENCY
    config = revenue_config(settings)
    factors: dict[str, Decimal | None] = {}

    def factor(code: str) -> Decimal | None:
        if code not in factors:
            factors[code] = config.minor_factor(code, currency)
        return factors[code]

    rows = repository.terms_with_billing(session)
    terms = [Term(*row[:8]) for row in rows]
    counted, _excluded = countable_terms(terms, lambda code: factor(code) is not None)
    extra = {row.external_id: row for row in rows}
    definition = active_definition(session)

    # Past renewals and whether each account went on.
    history_from = as_of - relativedelta(months=options.lookback_months)
    by_account: dict[int, list[Term]] = {}
    for term in counted:
        by_account.setdefault(term.account_id, []).append(term)

    def went_on(term: Term) -> bool:
        until = term.end_date + timedelta(days=options.grace_days)  # type: ignore[operator]
        return any(
            other.start_date <= until and (other.end_date is None or other.end_date > term.end_date)
            for other in by_account[term.account_id]
            if other is not term
        )

    past = [
        term
        for term in counted
        if term.end_date is not None
        and history_from <= term.end_date < as_of
        and extra[term.external_id].billing_period != MONTHLY
    ]
    # A term whose grace days have not all passed yet may still renew: wait for it.
    past = [
        t for t in past if t.end_date + timedelta(days=options.grace_days) < as_of or went_on(t)
    ]  # type: ignore[operator]
    past_grades = repository.grades_on(
        analytics,
        definition.version,
        [
            (
                extra[t.external_id].account_external_id,
                t.end_date - timedelta(days=options.lead_days),
            )  # type: ignore[operator]
            for t in past
        ],
    )
    history = [
        PastRenewal(grade, went_on(term)) for term, grade in zip(past, past_grades, strict=True)
    ]

    # Upcoming renewals in the horizon.
    first_month = month_start(as_of)
    months = month_starts_between(
        first_month, first_month + relativedelta(months=options.horizon_months) - timedelta(days=1)
    )
    horizon_end = months[-1] + relativedelta(months=1)
    upcoming = [
        term
        for term in counted
        if term.start_date <= as_of
        and term.end_date is not None
        and as_of < term.end_date < horizon_end
    ]
    current = repository.grades_on(
        analytics,
        definition.version,
        [(extra[t.external_id].account_external_id, as_of) for t in upcoming],
    )
    lines = [
        RenewalLine(
            renewal=UpcomingRenewal(
                account_id=term.account_id,
                end_date=term.end_date,  # type: ignore[arg-type]
                arr_minor=12 * convert_minor(term.mrr_minor, factor(term.currency)),  # type: ignore[arg-type]
                grade=grade,
            ),
            external_id=extra[term.external_id].account_external_id,
            name=extra[term.external_id].account_name,
            plan=term.plan,
            subscription=term.external_id,
        )
        for term, grade in zip(upcoming, current, strict=True)
    ]
    lines.sort(key=lambda line: (line.renewal.end_date, -line.renewal.arr_minor))
    grade_keys: list[str | None] = [grade.key for grade in definition.grades]
    known = set(grade_keys)
    # Grades of an older definition version seen in the history keep their own rows.
    extras = sorted({item.grade for item in history if item.grade and item.grade not in known})
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
        by_grade={
            grade: by_month([r for r in renewals if r.grade == grade], months, rates)
            for grade in grades
        },
        total=scenario(renewals, rates),
        renewals=lines,
        history_from=history_from,
    )

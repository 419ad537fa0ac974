"""REST API of the cohort, survival and renewal-forecast reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from hatake.reports.query import parse_segment
from hatake.reports.schemas import SegmentRef
from hatake.revenue import cohort_service, forecast_service
from hatake.revenue.cohort_service import Projection
from hatake.revenue.cohort_views import cohort_options
from hatake.revenue.forecast import Scenario
from hatake.team.service import org_today
from hatake.web.api import problems
from hatake.web.deps import DbSession, ReadToken

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
AsOf = Annotated[date | None, Query(description="The day; today in the org's zone")]
BAD_INPUT = problems(
    **{
        "400": "config.toml [clv] is not valid",
        "422": "A parameter is out of range or not one of its values (errors[0].field names it)",
    }
)


class CohortRead(BaseModel):
    cohort: str = Field(examples=["2026-04", "FY2026-Q1"])
    accounts: int
    starting_mrr: int = Field(description="Minor units of the organisation's currency")
    logos: list[int] = Field(description="Accounts paying at age 0, 1, ... months")
    revenue: list[int] = Field(description="The cohort's MRR at each age")
    logo_retention: list[float]
    revenue_retention: list[float | None]


class CohortsRead(BaseModel):
    as_of: date
    currency: str
    grain: str
    first_month: date
    last_month: date
    cohorts: list[CohortRead]


class CurveRead(BaseModel):
    group: str = Field(description='"all", a tier or plan, or "—" for none')
    customers: int
    churned: int
    median_months: int | None
    months: list[int] = Field(description="0 and each month with a churn")
    survival: list[float]
    at_risk: list[int]
    lower: list[float]
    upper: list[float]


class ProjectionRead(BaseModel):
    group: str
    customers: int
    alpha: float | None
    beta: float | None
    log_likelihood: float | None
    at_bound: bool | None
    error: str | None
    period_months: int
    observed: list[float]
    projected: list[float]
    median_lifetime_periods: int | None
    expected_lifetime_periods: float | None
    discounted_lifetime: float | None
    payment_per_period: float
    clv: float | None


class SurvivalRead(BaseModel):
    as_of: date
    currency: str
    group_by: str
    gross_margin: float
    annual_discount_rate: float
    curves: list[CurveRead]
    projection: ProjectionRead
    projections: list[ProjectionRead]


class ScenarioRead(BaseModel):
    month: date | None = None
    renewals: int
    best: int
    expected: int
    worst: int


class GradeRateRead(BaseModel):
    grade: str | None
    renewals: int
    renewed: int
    observed_rate: float | None
    rate_used: float
    lower_bound: float
    pooled: bool


class RenewalRead(BaseModel):
    end_date: date
    account_external_id: str
    name: str
    plan: str
    subscription_external_id: str
    grade: str | None
    arr: int


class ForecastRead(BaseModel):
    as_of: date
    currency: str
    horizon_months: int
    lead_days: int
    history_from: date
    segment: SegmentRef | None = Field(description="The renewals are this segment's only")
    total: ScenarioRead
    months: list[ScenarioRead]
    grades: list[GradeRateRead]
    by_grade: dict[str, list[ScenarioRead]] = Field(description='"none" for no score')
    renewals: list[RenewalRead]


def _scenario(value: Scenario, month: date | None = None) -> ScenarioRead:
    return ScenarioRead(
        month=month,
        renewals=value.renewals,
        best=value.best,
        expected=value.expected,
        worst=value.worst,
    )


def _cohort_report(
    request: Request,
    session: DbSession,
    as_of: date | None,
    options: cohort_service.CohortOptions,
) -> cohort_service.CohortReport:
    return cohort_service.build_cohort_report(
        session, request.app.state.runtime.settings, as_of=as_of or org_today(session),
        options=options,
    )  # fmt: skip


@router.get("/cohorts", summary="Retention by start cohort", responses=BAD_INPUT)
def get_cohorts(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    as_of: AsOf = None,
    grain: Annotated[str, Query(description="month or quarter")] = "month",
    months: Annotated[int, Query(description="Months in the window")] = 36,
) -> CohortsRead:
    """Logo and revenue retention of each start cohort at every age (months since its first
    paid month) that all its accounts have reached."""
    options = cohort_options(grain, "tier", months, 1, 1, None)
    report = _cohort_report(request, session, as_of, options)
    return CohortsRead(
        as_of=report.as_of,
        currency=report.currency,
        grain=options.grain.value,
        first_month=report.months[0],
        last_month=report.months[-1],
        cohorts=[
            CohortRead(
                cohort=c.period.key,
                accounts=c.accounts,
                starting_mrr=c.starting_mrr,
                logos=c.logos,
                revenue=c.revenue,
                logo_retention=c.logo_retention,
                revenue_retention=c.revenue_retention,
            )
            for c in report.cohorts
        ],
    )


def _projection(line: Projection, period_months: int) -> ProjectionRead:
    fit = line.fit
    return ProjectionRead(
        group=line.group,
        customers=line.customers,
        alpha=fit.alpha if fit else None,
        beta=fit.beta if fit else None,
        log_likelihood=fit.log_likelihood if fit else None,
        at_bound=fit.at_bound if fit else None,
        error=line.error,
        period_months=period_months,
        observed=line.observed,
        projected=line.fitted,
        median_lifetime_periods=line.median_lifetime,
        expected_lifetime_periods=line.expected_lifetime,
        discounted_lifetime=line.discounted_lifetime,
        payment_per_period=line.payment,
        clv=line.clv,
    )


@router.get("/survival", summary="Survival curves, projection and CLV", responses=BAD_INPUT)
def get_survival(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    as_of: AsOf = None,
    by: Annotated[str, Query(description="tier or plan")] = "tier",
    months: Annotated[int, Query(description="Months in the window")] = 36,
    periods: Annotated[int, Query(description="Periods projected beyond those seen")] = 24,
    period_months: Annotated[int, Query(description="Months in a period: 1, 3 or 12")] = 1,
    cohort: Annotated[str | None, Query(description="Fit one start cohort (2026-04)")] = None,
) -> SurvivalRead:
    """Kaplan-Meier survival for all customers and per tier or plan (customers still paying
    are censored), and the shifted-beta-geometric fit with lifetimes and CLV."""
    options = cohort_options("month", by, months, periods, period_months, cohort)
    report = _cohort_report(request, session, as_of, options)
    return SurvivalRead(
        as_of=report.as_of,
        currency=report.currency,
        group_by=options.group_by,
        gross_margin=report.clv.gross_margin,
        annual_discount_rate=report.clv.annual_discount_rate,
        curves=[
            CurveRead(
                group=g.group,
                customers=g.curve.customers,
                churned=g.curve.churns,
                median_months=g.curve.median,
                months=g.curve.months.tolist(),
                survival=g.curve.survival.tolist(),
                at_risk=g.curve.at_risk.tolist(),
                lower=g.curve.lower.tolist(),
                upper=g.curve.upper.tolist(),
            )
            for g in report.groups
        ],
        projection=_projection(report.projection, period_months),
        projections=[_projection(line, period_months) for line in report.group_projections],
    )


@router.get("/forecast", summary="Renewal forecast", responses=BAD_INPUT)
def get_forecast(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    as_of: AsOf = None,
    horizon: Annotated[int, Query(description="Months ahead, from the as-of month")] = 12,
    lead_days: Annotated[int, Query(description="Grade taken this long before")] = 90,
    lookback: Annotated[int, Query(description="Months of past renewals")] = 24,
    segment: Annotated[
        str | None, Query(description="Only the renewals of this segment's members now (id)")
    ] = None,
) -> ForecastRead:
    """Renewals due each month with their ARR: best (all renew), expected (weighted by the
    renewal rate of each health grade) and worst (the lower 95% Wilson bound of that rate)."""
    runtime = request.app.state.runtime
    options = forecast_service.ForecastOptions(
        horizon_months=horizon, lead_days=lead_days, lookback_months=lookback
    )
    chosen = parse_segment(session, segment)
    with runtime.analytics_lock:
        report = forecast_service.build_forecast(
            session, runtime.analytics(), runtime.settings, as_of=as_of or org_today(session),
            options=options, locale="en", segment=chosen,
        )  # fmt: skip
    return ForecastRead(
        as_of=report.as_of,
        currency=report.currency,
        horizon_months=horizon,
        lead_days=lead_days,
        history_from=report.history_from,
        segment=SegmentRef(id=chosen.id, name=chosen.name) if chosen else None,
        total=_scenario(report.total),
        months=[_scenario(value, month) for month, value in report.months],
        grades=[
            GradeRateRead(
                grade=grade,
                renewals=rate.renewals,
                renewed=rate.renewed,
                observed_rate=rate.observed_rate,
                rate_used=rate.rate,
                lower_bound=rate.lower,
                pooled=rate.pooled,
            )
            for grade, rate in report.rates.items()
        ],
        by_grade={
            grade or "none": [_scenario(value, month) for month, value in lines]
            for grade, lines in report.by_grade.items()
        },
        renewals=[
            RenewalRead(
                end_date=line.renewal.end_date,
                account_external_id=line.external_id,
                name=line.name,
                plan=line.plan,
                subscription_external_id=line.subscription,
                grade=line.renewal.grade,
                arr=line.renewal.arr_minor,
            )
            for line in report.renewals
        ],
    )

"""REST API of the revenue reports: month-end MRR with its movements, and the retention KPIs
per period for the whole base or a breakdown."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from hatake.revenue import retention_service as service
from hatake.revenue.mrr import Exclusion
from hatake.revenue.retention import PeriodFigures
from hatake.team.service import org_today
from hatake.web.api import problems
from hatake.web.deps import DbSession, ReadToken, gettext_of

router = APIRouter(prefix="/api/v1", tags=["reports"])
AMOUNTS = "Minor units of the organisation's currency (yen for JPY)"


class MovementsRead(BaseModel):
    new: int = Field(description=AMOUNTS + "; accounts paying for the first time")
    expansion: int = Field(description=AMOUNTS + "; increases of paying accounts")
    reactivation: int = Field(description=AMOUNTS + "; accounts paying again after a gap")
    contraction: int = Field(description=AMOUNTS + "; decreases that leave the account paying")
    churn: int = Field(description=AMOUNTS + "; MRR of accounts that stopped paying")
    net: int = Field(description="new + expansion + reactivation - contraction - churn")


class MonthRead(BaseModel):
    month: str = Field(examples=["2026-04"])
    mrr: int = Field(description=AMOUNTS + "; the sum of the terms running on the last day")
    movements: MovementsRead = Field(description="Changes from the month before")


class ExcludedRead(BaseModel):
    subscription: str = Field(description="External ID of the subscription left out")
    account_id: int
    field: str
    value: str | None
    reason: str = Field(description="In the language of the request (Accept-Language)")


class MrrRead(BaseModel):
    currency: str = Field(examples=["JPY"])
    months: list[MonthRead]
    excluded: list[ExcludedRead] = Field(description="Subscriptions no figure counts, and why")


class KpisRead(BaseModel):
    grr: float | None = Field(description="Gross revenue retention, 0-1; null without customers")
    nrr: float | None = Field(description="Net revenue retention = grr + expansion_share")
    expansion_share: float | None
    logo_churn_rate: float | None
    revenue_churn_rate: float | None
    quick_ratio: float | None = Field(description="Null when nothing was lost")


class PeriodRead(BaseModel):
    period: str = Field(examples=["2026-04", "FY2026-Q1", "FY2026"])
    first_month: str
    closing_month: str = Field(description="The last month counted (sooner when partial)")
    partial: bool
    opening_mrr: int = Field(description=AMOUNTS + "; at the month-end before the period")
    closing_mrr: int
    opening_customers: int
    closing_customers: int
    churned_customers: int
    retained_mrr: int = Field(description="Sum over opening customers of min(opening, closing)")
    expanded_mrr: int = Field(description="Sum over opening customers of max(closing - opening, 0)")
    churned_mrr: int = Field(description="Opening MRR of the opening customers that left")
    movements: MovementsRead = Field(description="The monthly movements inside the period")
    kpis: KpisRead


class GroupRead(BaseModel):
    key: str = Field(description="Tier, plan, owner user id or segment id; empty for none")
    label: str | None
    periods: list[PeriodRead]


class RetentionRead(BaseModel):
    grain: str = Field(examples=["month"])
    fiscal_year_start_month: int
    currency: str
    by: str | None
    periods: list[PeriodRead]
    groups: list[GroupRead]
    excluded: list[ExcludedRead]


def _movements(amounts: dict[str, int]) -> MovementsRead:
    net = (
        amounts["new"] + amounts["expansion"] + amounts["reactivation"]
        - amounts["contraction"] - amounts["churn"]
    )  # fmt: skip
    return MovementsRead(**amounts, net=net)


def _excluded(report: service.RetentionReport, request: Request) -> list[ExcludedRead]:
    gettext = gettext_of(request)

    def one(exclusion: Exclusion) -> ExcludedRead:
        return ExcludedRead(
            subscription=exclusion.external_id,
            account_id=exclusion.account_id,
            field=exclusion.field,
            value=None if exclusion.value is None else str(exclusion.value),
            reason=exclusion.message(gettext),
        )

    return [one(exclusion) for exclusion in report.excluded]


def _period(row: service.PeriodRow) -> PeriodRead:
    figures: PeriodFigures = row.figures
    return PeriodRead(
        period=row.period.key,
        first_month=row.period.first.strftime("%Y-%m"),
        closing_month=row.closing_month.strftime("%Y-%m"),
        partial=row.partial,
        opening_mrr=figures.opening_mrr,
        closing_mrr=figures.closing_mrr,
        opening_customers=figures.opening_customers,
        closing_customers=figures.closing_customers,
        churned_customers=figures.churned_customers,
        retained_mrr=figures.retained_mrr,
        expanded_mrr=figures.expanded_mrr,
        churned_mrr=figures.churned_mrr,
        movements=_movements(figures.movements),
        kpis=KpisRead(
            grr=figures.grr,
            nrr=figures.nrr,
            expansion_share=figures.expansion_share,
            logo_churn_rate=figures.logo_churn_rate,
            revenue_churn_rate=figures.revenue_churn_rate,
            quick_ratio=figures.quick_ratio,
        ),
    )


def _report(
    request: Request, session: DbSession, grain: str | None, first: str | None,
    last: str | None, by: str | None,
) -> service.RetentionReport:  # fmt: skip
    query = service.parse_query(
        session, grain=grain, first=first, last=last, by=by, today=org_today(session)
    )
    return service.retention_report(session, request.app.state.runtime.settings, query)


@router.get(
    "/reports/mrr",
    summary="Month-end MRR and its movements",
    responses=problems(**{"422": "An unknown period, or a range that ends before it starts"}),
)
def get_mrr(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    first: Annotated[str | None, Query(alias="from", examples=["2025-04"])] = None,
    last: Annotated[str | None, Query(alias="to", examples=["2026-03"])] = None,
) -> MrrRead:
    """Total MRR at each month-end from ``from`` to ``to`` (period keys: 2026-04, FY2026-Q1,
    FY2026; by default the twelve months up to the last complete one) and the movements from
    the month before. Subscriptions that cannot be counted are listed with the reason."""
    report = _report(request, session, "month", first, last, None)
    months = [
        MonthRead(
            month=month.strftime("%Y-%m"),
            mrr=report.mrr[index],
            movements=_movements(
                {kind: report.movements[kind][index] for kind in report.movements}
            ),
        )
        for index, month in enumerate(report.months)
    ]
    return MrrRead(currency=report.currency, months=months, excluded=_excluded(report, request))


@router.get(
    "/reports/retention",
    summary="Retention KPIs per period",
    responses=problems(**{"422": "An unknown grain, breakdown or period"}),
)
def get_retention(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    grain: Annotated[str | None, Query(examples=["quarter"])] = None,
    first: Annotated[str | None, Query(alias="from", examples=["FY2025"])] = None,
    last: Annotated[str | None, Query(alias="to", examples=["FY2026-Q2"])] = None,
    by: Annotated[str | None, Query(description="tier, plan, segment or owner")] = None,
) -> RetentionRead:
    """GRR, NRR, expansion share, logo and revenue churn rates and the quick ratio per month,
    fiscal quarter or fiscal year (``grain``), with the MRR and movements behind them; with
    ``by``, the same per group. Formulas: docs/metrics.md."""
    report = _report(request, session, grain, first, last, by)
    return RetentionRead(
        grain=report.grain.value,
        fiscal_year_start_month=report.fiscal_year_start_month,
        currency=report.currency,
        by=report.by.value if report.by else None,
        periods=[_period(row) for row in report.whole],
        groups=[
            GroupRead(key=group.key, label=group.label, periods=[_period(r) for r in group.rows])
            for group in report.groups
        ],
        excluded=_excluded(report, request),
    )

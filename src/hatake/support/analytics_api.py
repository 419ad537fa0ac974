"""REST API of the support report: the figures per period, in total and per issue type,
priority and category."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from hatake.reports.schemas import SegmentRef
from hatake.support import analytics_service as service
from hatake.support.analytics import Figures, Spread
from hatake.team.service import org_today
from hatake.web.api import problems
from hatake.web.deps import DbSession, ReadToken

router = APIRouter(prefix="/api/v1", tags=["reports"])


class SpreadRead(BaseModel):
    count: int = Field(description="Tickets with this time")
    median: float | None = Field(description="Hours; linear interpolation (PERCENTILE.INC)")
    p90: float | None = Field(description="Hours, 90th percentile; same method")


class CsatRead(BaseModel):
    responses: int
    average: float | None = Field(description="Mean rating, 1-5")
    satisfied: float | None = Field(description="Share of ratings 4 or 5")


class FiguresRead(BaseModel):
    opened: int = Field(description="Tickets opened in the window")
    unanswered: int = Field(description="Opened in the window, no first response yet")
    first_response_hours: SpreadRead
    unresolved: int = Field(description="Opened in the window, not resolved yet")
    resolution_hours: SpreadRead
    resolved_by_end: int = Field(description="Opened in the window, resolved before its end")
    resolution_rate: float | None = Field(description="resolved_by_end / opened")
    resolved: int = Field(description="Resolved in the window, whenever opened")
    backlog_start: int = Field(description="Open when the window starts")
    backlog_end: int = Field(description="Open when the window ends")
    csat: CsatRead

    @classmethod
    def of(cls, figures: Figures) -> FiguresRead:
        def spread(value: Spread) -> SpreadRead:
            return SpreadRead(count=value.count, median=value.median, p90=value.p90)

        return cls(
            opened=figures.opened,
            unanswered=figures.unanswered,
            first_response_hours=spread(figures.first_response),
            unresolved=figures.unresolved,
            resolution_hours=spread(figures.resolution),
            resolved_by_end=figures.resolved_by_end,
            resolution_rate=figures.resolution_rate,
            resolved=figures.resolved,
            backlog_start=figures.backlog_start,
            backlog_end=figures.backlog_end,
            csat=CsatRead(
                responses=figures.csat_responses,
                average=figures.csat_average,
                satisfied=figures.csat_satisfied,
            ),
        )


class PeriodRead(BaseModel):
    period: str = Field(examples=["2026-04", "FY2026-Q1", "FY2026"])
    first_day: date
    last_day: date
    figures: FiguresRead


class GroupRead(BaseModel):
    key: str | None = Field(description="functional / operational, a priority or a category")
    total: FiguresRead
    periods: list[FiguresRead] = Field(description="In the order of the report's periods")


class SupportReportRead(BaseModel):
    grain: str = Field(examples=["month"])
    time_zone: str = Field(description="Day boundaries are local days of this zone")
    segment: SegmentRef | None
    periods: list[PeriodRead]
    total: FiguresRead = Field(description="The whole range as one window")
    by_issue_type: list[GroupRead]
    by_priority: list[GroupRead]
    by_category: list[GroupRead]
    done_without_time: int = Field(
        description="Tickets marked resolved or closed without resolved_at; they count as open"
    )


def _groups(groups: list[service.GroupFigures]) -> list[GroupRead]:
    return [
        GroupRead(
            key=group.key,
            total=FiguresRead.of(group.total),
            periods=[FiguresRead.of(figures) for figures in group.periods],
        )
        for group in groups
    ]


@router.get(
    "/reports/support",
    summary="Support figures per period",
    responses=problems(**{"422": "An unknown grain, period or segment"}),
)
def get_support_report(
    session: DbSession,
    _token: ReadToken,
    grain: Annotated[
        str | None, Query(description="month (default), quarter or fiscal_year")
    ] = None,
    first: Annotated[
        str | None,
        Query(alias="from", description="First period: 2025-12, FY2025-Q3 or FY2025"),
    ] = None,
    last: Annotated[
        str | None, Query(alias="to", description="Last period; the current one when left out")
    ] = None,
    segment: Annotated[str | None, Query(description="Only accounts in this segment (id)")] = None,
) -> SupportReportRead:
    """Ticket volume, first-response time and time to resolution (median and 90th
    percentile, clock hours), resolution rate, backlog and CSAT per month, fiscal quarter or
    fiscal year, in total and per issue type (functional for technical support, operational
    for CS), priority and category. Each ticket belongs to the period it was opened in;
    ``resolved`` and the backlog are flows. Definitions: docs/metrics.md."""
    query = service.parse_query(
        session, grain=grain, first=first, last=last, segment=segment, today=org_today(session)
    )
    report = service.build_report(session, query)
    return SupportReportRead(
        grain=report.grain.value,
        time_zone=report.time_zone,
        segment=(
            SegmentRef(id=report.segment.id, name=report.segment.name) if report.segment else None
        ),
        periods=[
            PeriodRead(
                period=period.key,
                first_day=period.first,
                last_day=period.end,
                figures=FiguresRead.of(figures),
            )
            for period, figures in zip(report.periods, report.overall, strict=True)
        ],
        total=FiguresRead.of(report.total),
        by_issue_type=_groups(report.by_issue_type),
        by_priority=_groups(report.by_priority),
        by_category=_groups(report.by_category),
        done_without_time=report.done_without_time,
    )

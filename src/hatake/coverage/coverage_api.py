"""REST API of contact coverage: the figures of one day."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from hatake.coverage import coverage_service as service
from hatake.coverage.coverage import Share
from hatake.lifecycle import matrix_service
from hatake.team.service import org_today
from hatake.web.api import problems
from hatake.web.deps import DbSession, ReadToken

router = APIRouter(prefix="/api/v1", tags=["coverage"])


class ShareRead(BaseModel):
    key: str | None = Field(default=None, examples=["high_touch"])
    covered: int
    accounts: int
    coverage: float | None = Field(description="covered / accounts; null with no accounts")


class TrendPoint(BaseModel):
    week_ending: date
    covered: int
    accounts: int
    coverage: float | None


class UncoveredRead(BaseModel):
    external_id: str
    name: str
    owner: str | None
    tier: str | None
    cadence_days: int
    last_touch: date | None
    days_since: int | None
    days_overdue: int | None = Field(description="null for an account never touched")


class CoverageRead(BaseModel):
    as_of: date
    target: float = Field(examples=[1.0])
    covered: int
    accounts: int
    coverage: float | None
    cadence_days: dict[str, int]
    default_cadence_days: int
    by_owner: list[ShareRead]
    by_tier: list[ShareRead]
    by_cell: list[ShareRead]
    by_stage: list[ShareRead]
    trend: list[TrendPoint]
    uncovered: list[UncoveredRead]


def _shares(shares: dict[str | None, Share]) -> list[ShareRead]:
    return [
        ShareRead(key=key, covered=value.covered, accounts=value.total, coverage=value.ratio)
        for key, value in sorted(shares.items(), key=lambda item: item[0] or "")
    ]


@router.get(
    "/coverage",
    summary="Contact coverage of a day",
    responses=problems(**{"400": "config.toml [coverage] is not valid"}),
)
def get_coverage(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    as_of: Annotated[date | None, Query(description="The day; today in the org's zone")] = None,
) -> CoverageRead:
    """Share of accounts under contract whose last meaningful touch is within their tier's
    cadence, per CSM, tier, matrix cell and stage, the 12-week trend and every account not
    covered (most overdue first)."""
    settings = request.app.state.runtime.settings
    report = service.build_report(
        session, day=as_of or org_today(session), cadences=service.cadence_config(settings)
    )
    matrix_config = matrix_service.current_state(session, settings).config
    groups = service.cells_and_stages(session, report, matrix_config)
    return CoverageRead(
        as_of=report.as_of,
        target=report.target,
        covered=report.overall.covered,
        accounts=report.overall.total,
        coverage=report.overall.ratio,
        cadence_days=report.cadences.cadences,
        default_cadence_days=report.cadences.default_days,
        by_owner=_shares(report.by_owner),
        by_tier=_shares(report.by_tier),
        by_cell=_shares(groups.by_cell),
        by_stage=_shares(groups.by_stage),
        trend=[
            TrendPoint(week_ending=day, covered=s.covered, accounts=s.total, coverage=s.ratio)
            for day, s in report.trend
        ],
        uncovered=[
            UncoveredRead(**{k: getattr(line, k) for k in UncoveredRead.model_fields})
            for line in report.uncovered
        ],
    )

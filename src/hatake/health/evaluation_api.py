"""REST: backtest one or two definition versions; suggest (and optionally save) fitted weights."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from hatake.core.errors import Forbidden
from hatake.health import evaluation, versions
from hatake.health.backtest import METRIC_LABELS, BacktestReport, compare
from hatake.web.deps import DbSession, ReadToken

router = APIRouter(prefix="/api/v1", tags=["health"])

PROBLEM = {"content": {"application/problem+json": {}}}


class FlaggedRead(BaseModel):
    flagged: int
    true_positives: int
    precision: float | None
    recall: float | None
    lift: float | None


class WorstRead(FlaggedRead):
    percent: int


class DecileRead(BaseModel):
    decile: int = Field(description="1 holds the lowest scores")
    accounts: int
    churned: int
    churn_rate: float | None
    lift: float | None


class GradeRateRead(BaseModel):
    grade: str
    accounts: int
    churned: int
    churn_rate: float | None


class FalseNegativeRead(BaseModel):
    account_id: str = Field(description="External id of an account that churned while healthy")
    as_of: date
    score: float
    grade: str


class RocPoint(BaseModel):
    fpr: float
    tpr: float


class BacktestReportRead(BaseModel):
    version: str
    n: int
    churned: int
    base_rate: float
    roc_auc: float | None
    at_risk_grades: list[str]
    at_risk: FlaggedRead
    worst: list[WorstRead]
    deciles: list[DecileRead]
    calibration: list[GradeRateRead]
    false_negatives: list[FalseNegativeRead]
    roc_curve: list[RocPoint]


class ComparisonRead(BaseModel):
    metric: str = Field(description=f"One of: {', '.join(METRIC_LABELS)}")
    a: float | None
    b: float | None
    difference: float | None = Field(description="b − a")


class BacktestRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "as_of": "2026-08-25",
                "horizon_days": 90,
                "reports": [{"version": "2026-11-23.2", "n": 412, "roc_auc": 0.78, "...": "…"}],
                "comparison": [],
            }
        }
    )

    as_of: date
    horizon_days: int
    reports: list[BacktestReportRead] = Field(description="Version A, then B when compared")
    comparison: list[ComparisonRead] = Field(description="Side by side; empty without B")


def _report(version: str, report: BacktestReport) -> BacktestReportRead:
    return BacktestReportRead.model_validate({"version": version, **report.to_dict()})


@router.get(
    "/health/backtest",
    responses={400: PROBLEM, 404: {"description": "Unknown version", **PROBLEM}},
)
def backtest(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    version: Annotated[str | None, Query(description="Version A (default: active)")] = None,
    compare_with: Annotated[
        str | None, Query(alias="compare", description="Version B, compared with A")
    ] = None,
    as_of: Annotated[date | None, Query(description="Default: today − horizon")] = None,
    horizon: Annotated[int, Query(ge=1, le=730)] = evaluation.DEFAULT_HORIZON_DAYS,
) -> BacktestRead:
    """How well the scores of ``as_of`` foretold the churn of the next ``horizon`` days: ROC
    AUC, precision/recall/lift of the at-risk grade and the worst 10 % / 20 %, lift by decile,
    churn rate per grade, accounts that churned while healthy; two versions side by side."""
    definitions = [
        versions.get_definition(session, version)
        if version
        else versions.active_definition(session)
    ]
    if compare_with:
        definitions.append(versions.get_definition(session, compare_with))
    day = as_of or datetime.now(UTC).date() - timedelta(days=horizon)
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        reports = evaluation.backtest_days(
            session,
            runtime.analytics(),
            dates=[day],
            horizon_days=horizon,
            definitions=definitions,
            settings=runtime.settings,
        )
    return BacktestRead(
        as_of=day,
        horizon_days=horizon,
        reports=[
            _report(definition.version, report)
            for definition, report in zip(definitions, reports, strict=True)
        ],
        comparison=[
            ComparisonRead(metric=row.metric, a=row.a, b=row.b, difference=row.difference)
            for row in (compare(reports[0], reports[1]) if len(reports) == 2 else ())
        ],
    )


class FitRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"from": "2025-08-25", "to": "2026-08-25", "every": 30, "horizon": 90}
        },
    )

    version: str | None = Field(None, description="Definition to fit (default: active)")
    start: date | None = Field(None, alias="from", description="First as-of date")
    end: date | None = Field(None, alias="to", description="Last as-of date")
    every: int = Field(evaluation.DEFAULT_EVERY_DAYS, ge=1, le=365)
    horizon: int = Field(evaluation.DEFAULT_HORIZON_DAYS, ge=1, le=730)
    name: str | None = Field(None, description="Version of the suggestion")
    save: bool = Field(False, description="Store it as a new, inactive version (write scope)")


class WeightRead(BaseModel):
    metric: str
    hand_set: float | None = Field(description="Share of 100 in the default profile")
    fitted: float = Field(description="Suggested share of 100")
    coefficient: float = Field(description="Log-odds of churn per point")
    evidence: bool = Field(description="False: more points did not go with less churn")


class FitRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "base_version": "2026-11-23.2",
                "version": "2026-11-23.2-fit-20261123",
                "saved": False,
                "train_dates": ["2025-08-25"],
                "test_dates": ["2026-06-21"],
                "c": 0.01,
                "weights": [
                    {
                        "metric": "usage_rate",
                        "hand_set": 8.0,
                        "fitted": 21.4,
                        "coefficient": -0.012,
                        "evidence": True,
                    }
                ],
            }
        }
    )

    base_version: str
    version: str
    saved: bool
    train_dates: list[date]
    gap_dates: list[date]
    test_dates: list[date]
    horizon_days: int
    samples: int
    churned: int
    c: float
    weights: list[WeightRead]
    test_base: BacktestReportRead
    test_fitted: BacktestReportRead
    comparison: list[ComparisonRead]
    document: str = Field(description="The suggested definition as YAML")


@router.post(
    "/health/fit",
    responses={
        400: PROBLEM,
        403: {"description": "Saving needs the write scope", **PROBLEM},
        409: {"description": "The version already exists", **PROBLEM},
    },
)
def fit(request: Request, session: DbSession, token: ReadToken, body: FitRequest) -> FitRead:
    """Suggest factor weights from the churn history (regularised logistic regression, earlier
    as-of dates train, later ones test) with both backtests on the test period. With
    ``save: true`` (write scope) it is stored as a new version; it is never activated."""
    if body.save and "write" not in token.scopes:
        raise Forbidden("This token lacks the {scope} scope.", scope="write")
    runtime = request.app.state.runtime
    base = (
        versions.get_definition(session, body.version)
        if body.version
        else versions.active_definition(session)
    )
    today = datetime.now(UTC).date()
    first, last = evaluation.fit_period(
        today, start=body.start, end=body.end, horizon_days=body.horizon
    )
    with runtime.analytics_lock:
        outcome = evaluation.run_fit(
            session,
            runtime.analytics(),
            definition=base,
            dates=evaluation.as_of_dates(first, last, body.every),
            horizon_days=body.horizon,
            settings=runtime.settings,
            version=body.name,
            today=today,
        )
    if body.save:
        versions.save_definition(
            session,
            outcome.document,
            known_metrics=versions.metric_names(runtime.settings),
            origin="fitted",
            note=f"API fit {first.isoformat()}…{last.isoformat()}, horizon {body.horizon} d",
        )
    return FitRead(**_fit_fields(outcome), saved=body.save)


def _fit_fields(outcome: evaluation.FitOutcome) -> dict[str, Any]:
    return {
        "base_version": outcome.base.version,
        "version": outcome.fitted.version,
        "train_dates": list(outcome.split.train),
        "gap_dates": list(outcome.split.gap),
        "test_dates": list(outcome.split.test),
        "horizon_days": outcome.horizon_days,
        "samples": outcome.result.samples,
        "churned": outcome.result.churned,
        "c": outcome.result.c,
        "weights": [
            WeightRead(
                metric=row.metric,
                hand_set=row.hand_set,
                fitted=row.fitted,
                coefficient=row.coefficient,
                evidence=row.evidence,
            )
            for row in outcome.rows
        ],
        "test_base": _report(outcome.base.version, outcome.test_base),
        "test_fitted": _report(outcome.fitted.version, outcome.test_fitted),
        "comparison": [
            ComparisonRead(metric=row.metric, a=row.a, b=row.b, difference=row.difference)
            for row in compare(outcome.test_base, outcome.test_fitted)
        ],
        "document": outcome.document,
    }

"""The health section of the account page: latest score, its explanation, history, change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.health import snapshots
from hatake.health.definition import Definition, Grade
from hatake.health.factors import FACTORS_BY_SLUG
from hatake.health.scoring import ScoreResult, metric_label, trend, why_changed

CHANGE_WINDOW_DAYS = 30
TREND_WINDOWS = (7, 30, 90)


@dataclass(frozen=True)
class FactorLine:
    label: str
    unit: str  # "ratio" values are shown as percentages
    raw_value: float | str | None
    points: float | None
    weight: float
    contribution: float
    missing: bool


@dataclass(frozen=True)
class HealthPanel:
    as_of: date
    result: ScoreResult
    grade: Grade | None
    factors: list[FactorLine]
    change_summary: str | None
    change_since: date | None
    trends: dict[int, float | None]
    history: dict[str, list[object]]


def account_panel(
    con: DuckDBBackend, account_id: str, definition: Definition, locale: str
) -> HealthPanel | None:
    """None until `hatake refresh` has scored the account."""
    history = [
        row
        for row in snapshots.account_history(con, account_id)
        if row["definition_version"] == definition.version
    ]
    if not history:
        return None
    latest = history[-1]
    as_of: date = latest["as_of"]  # type: ignore[assignment]
    result = snapshots.stored_result(con, account_id, as_of, definition.version)
    if result is None:
        return None
    baseline_day = as_of - timedelta(days=CHANGE_WINDOW_DAYS)
    earlier = [row for row in history if row["as_of"] <= baseline_day]  # type: ignore[operator]
    change_summary = change_since = None
    if earlier:
        change_since = earlier[-1]["as_of"]
        before = snapshots.stored_result(con, account_id, change_since, definition.version)  # type: ignore[arg-type]
        if before is not None:
            change_summary = why_changed(before, result).summary(locale)
    grades = {grade.key: grade for grade in definition.grades}
    points = [(row["as_of"], row["score"]) for row in history]
    return HealthPanel(
        as_of=as_of,
        result=result,
        grade=grades.get(result.grade) if result.grade else None,
        factors=[
            FactorLine(
                label=metric_label(factor.metric, locale),
                unit=FACTORS_BY_SLUG[factor.metric].unit
                if factor.metric in FACTORS_BY_SLUG
                else "",
                raw_value=factor.raw_value,
                points=factor.points,
                weight=factor.weight_effective,
                contribution=factor.contribution,
                missing=factor.missing,
            )
            for factor in result.factors
        ],
        change_summary=change_summary,
        change_since=change_since,  # type: ignore[arg-type]
        trends={days: trend(points, days, as_of) for days in TREND_WINDOWS},  # type: ignore[arg-type]
        history={
            "labels": [row["as_of"].isoformat() for row in history],  # type: ignore[union-attr]
            "scores": [row["score"] for row in history],
        },
    )

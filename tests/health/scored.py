"""Stored snapshot rows for tests: {account external id: (score, grade)} per day and version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.health import snapshots
from hatake.health.scoring import ScoreResult


def store_day(
    con: DuckDBBackend,
    day: date,
    version: str,
    scores: Mapping[str, tuple[float | None, str | None]],
) -> None:
    snapshots.replace_day(
        con,
        as_of=day,
        version=version,
        results={
            account_id: ScoreResult(
                definition_version=version,
                profile="default",
                exact_score=score,
                grade=grade,
                factors=(),
            )
            for account_id, (score, grade) in scores.items()
        },
    )

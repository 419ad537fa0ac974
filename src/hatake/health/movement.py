"""Grade movement over time, read from the stored daily snapshots (Ibis expressions only):
how many accounts sat in each grade per day, and which accounts moved to a better or a worse
grade since a day N days back. Grade order is the definition's `grades` list, first is best."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.health import snapshots
from hatake.health.definition import Grade

MOVEMENT_DAYS = (7, 30)
SERIES_DAYS = 90


@dataclass(frozen=True)
class Movement:
    """Accounts scored on both days, compared: ``since`` is the day compared with (the latest
    scored day on or before ``days`` before ``as_of``), None when nothing was scored then."""

    days: int
    as_of: date
    since: date | None
    improved: int
    worsened: int


@dataclass(frozen=True)
class MovedAccount:
    account_id: str  # external id, as the snapshots store it
    grade_before: str
    grade_after: str
    score_before: float | None
    score_after: float | None


def latest_day(
    con: DuckDBBackend, version: str, *, on_or_before: date | None = None
) -> date | None:
    """The latest day with stored scores of ``version`` (no later than ``on_or_before``)."""
    table = snapshots.scores(con)
    mine = table.filter(table.definition_version == version)
    if on_or_before is not None:
        mine = mine.filter(mine.as_of <= on_or_before)
    value = mine.as_of.max().to_pyarrow().as_py()
    return value if isinstance(value, date) else None


def daily_grade_counts(con: DuckDBBackend, version: str, start: date, end: date) -> ir.Table:
    """One row per (day, grade) with the number of accounts, for days ``start``..``end``."""
    table = snapshots.scores(con)
    mine = table.filter(
        table.definition_version == version,
        table.as_of >= start,
        table.as_of <= end,
        table.grade.notnull(),
    )
    return mine.group_by(["as_of", "grade"]).aggregate(accounts=mine.count()).order_by("as_of")


def grade_series(
    rows: Iterable[Mapping[str, Any]], grades: Sequence[Grade], start: date, end: date, locale: str
) -> dict[str, Any]:
    """Chart.js-ready stacked series: one dataset per grade (best first), one point per day.
    A day with no stored score at all is null (a gap), not zero accounts."""
    counts: dict[date, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["as_of"], {})[row["grade"]] = int(row["accounts"])
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    return {
        "labels": [day.isoformat() for day in days],
        "datasets": [
            {
                "key": grade.key,
                "label": grade.label(locale),
                "colour": grade.colour,
                "data": [counts[day].get(grade.key, 0) if day in counts else None for day in days],
            }
            for grade in grades
        ],
    }


def _ranked(table: ir.Table, version: str, day: date, ranks: Mapping[str, int]) -> ir.Table:
    mine = table.filter(table.definition_version == version, table.as_of == day)
    return mine.select(
        account_id=mine.account_id,
        grade=mine.grade,
        score=mine.score,
        rank=mine.grade.substitute(dict(ranks), else_=ibis.null("int64")),
    )


def grade_changes(
    con: DuckDBBackend, version: str, grade_keys: Sequence[str], *, since: date, as_of: date
) -> ir.Table:
    """Accounts graded on both days with their grade and score then and now; ``steps`` is how
    many grades better the account is now (negative: worse). Unknown grades are left out."""
    ranks = {key: index for index, key in enumerate(grade_keys)}
    table = snapshots.scores(con)
    then = _ranked(table, version, since, ranks)
    now = _ranked(table, version, as_of, ranks)
    then = then.select(
        account_id=then.account_id,
        grade_before=then.grade,
        score_before=then.score,
        rank_before=then.rank,
    )
    joined = now.join(then, now.account_id == then.account_id)
    joined = joined.select(
        account_id=now.account_id,
        grade_before=then.grade_before,
        grade_after=now.grade,
        score_before=then.score_before,
        score_after=now.score,
        steps=then.rank_before - now.rank,
    )
    return joined.filter(joined.steps.notnull())


def movement(
    con: DuckDBBackend, version: str, grade_keys: Sequence[str], *, days: int, as_of: date
) -> Movement:
    """How many accounts moved to a better / worse grade between ``days`` ago and ``as_of``."""
    since = latest_day(con, version, on_or_before=as_of - timedelta(days=days))
    if since is None:
        return Movement(days=days, as_of=as_of, since=None, improved=0, worsened=0)
    changes = grade_changes(con, version, grade_keys, since=since, as_of=as_of)
    row = (
        changes.aggregate(
            improved=(changes.steps > 0).sum(),
            worsened=(changes.steps < 0).sum(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    return Movement(
        days=days,
        as_of=as_of,
        since=since,
        improved=int(row["improved"] or 0),
        worsened=int(row["worsened"] or 0),
    )


def moved_accounts(
    con: DuckDBBackend,
    version: str,
    grade_keys: Sequence[str],
    *,
    since: date,
    as_of: date,
    worse: bool = True,
) -> list[MovedAccount]:
    """The accounts that moved to a worse (or better) grade, biggest moves first."""
    changes = grade_changes(con, version, grade_keys, since=since, as_of=as_of)
    if worse:
        moved = changes.filter(changes.steps < 0).order_by([changes.steps, changes.account_id])
    else:
        moved = changes.filter(changes.steps > 0).order_by(
            [changes.steps.desc(), changes.account_id]
        )
    return [
        MovedAccount(
            account_id=row["account_id"],
            grade_before=row["grade_before"],
            grade_after=row["grade_after"],
            score_before=row["score_before"],
            score_after=row["score_after"],
        )
        for row in moved.to_pyarrow().to_pylist()
    ]


def series_window(as_of: date, days: int = SERIES_DAYS) -> tuple[date, date]:
    return as_of - timedelta(days=days - 1), as_of

"""Preview an edited score definition: score the whole portfolio with it on the latest day
the active version has stored scores for, and compare grade by grade. Nothing is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.core.errors import Conflict
from hatake.core.settings import Settings
from hatake.health import movement, snapshots, versions
from hatake.health.definition import Definition
from hatake.health.service import score_day

NO_GRADE = "-"  # an account without a score (nothing known), or not scored on one side
BIGGEST_CHANGES = 10

Scored = tuple[float | None, str | None]  # (score, grade)


@dataclass(frozen=True)
class AccountChange:
    account_id: str  # external id
    grade_before: str
    grade_after: str
    score_before: float | None
    score_after: float | None

    @property
    def delta(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return round(self.score_after - self.score_before, 1)


@dataclass(frozen=True)
class PreviewReport:
    as_of: date
    from_version: str
    to_version: str
    from_grades: list[str]  # matrix rows, best first; NO_GRADE last when present
    to_grades: list[str]  # matrix columns
    matrix: list[list[int]]  # matrix[row][column] = accounts
    accounts: int
    changed: int  # accounts whose grade differs
    mean_change: float | None  # mean score change over accounts scored by both
    biggest: list[AccountChange]

    def transitions(self) -> dict[tuple[str, str], int]:
        return {
            (before, after): self.matrix[row][column]
            for row, before in enumerate(self.from_grades)
            for column, after in enumerate(self.to_grades)
        }


def _order(keys: set[str], preferred: Sequence[str]) -> list[str]:
    """The definition's grades in their order, then any other stored grade, then NO_GRADE."""
    ordered = [key for key in preferred if key != NO_GRADE]
    ordered += sorted(keys - set(ordered) - {NO_GRADE})
    if NO_GRADE in keys:
        ordered.append(NO_GRADE)
    return ordered


def compare(
    before: Mapping[str, Scored],
    after: Mapping[str, Scored],
    *,
    from_grades: Sequence[str],
    to_grades: Sequence[str],
    as_of: date,
    from_version: str,
    to_version: str,
    limit: int = BIGGEST_CHANGES,
) -> PreviewReport:
    """Pure comparison of two sets of scores of the same accounts on the same day."""
    changes = [
        AccountChange(
            account_id=account_id,
            grade_before=before.get(account_id, (None, None))[1] or NO_GRADE,
            grade_after=after.get(account_id, (None, None))[1] or NO_GRADE,
            score_before=before.get(account_id, (None, None))[0],
            score_after=after.get(account_id, (None, None))[0],
        )
        for account_id in sorted(set(before) | set(after))
    ]
    rows = _order({change.grade_before for change in changes}, from_grades)
    columns = _order({change.grade_after for change in changes}, to_grades)
    matrix = [[0] * len(columns) for _ in rows]
    for change in changes:
        matrix[rows.index(change.grade_before)][columns.index(change.grade_after)] += 1
    deltas = [
        change.score_after - change.score_before
        for change in changes
        if change.score_before is not None and change.score_after is not None
    ]
    moved = [change for change in changes if change.delta is not None and change.delta != 0]
    moved.sort(key=lambda change: (-abs(change.delta or 0.0), change.account_id))
    return PreviewReport(
        as_of=as_of,
        from_version=from_version,
        to_version=to_version,
        from_grades=rows,
        to_grades=columns,
        matrix=matrix,
        accounts=len(changes),
        changed=sum(1 for change in changes if change.grade_before != change.grade_after),
        mean_change=round(sum(deltas) / len(deltas), 2) if deltas else None,
        biggest=moved[:limit],
    )


def stored_scores(con: DuckDBBackend, version: str, as_of: date) -> dict[str, Scored]:
    table = snapshots.scores(con)
    day = table.filter(table.definition_version == version, table.as_of == as_of).select(
        "account_id", "score", "grade"
    )
    return {row["account_id"]: (row["score"], row["grade"]) for row in day.to_pyarrow().to_pylist()}


def preview_definition(
    session: Session,
    analytics: DuckDBBackend,
    definition: Definition,
    *,
    settings: Settings,
    as_of: date | None = None,
    limit: int = BIGGEST_CHANGES,
) -> PreviewReport:
    """Score every account with ``definition`` (in memory only) on ``as_of``, by default the
    latest day with stored scores of the active version, and compare with those scores."""
    active = versions.active_definition(session)
    day = as_of or movement.latest_day(analytics, active.version)
    before = stored_scores(analytics, active.version, day) if day is not None else {}
    if day is None or not before:
        raise Conflict(
            "No stored scores of the active version {version} to compare with; "
            "run `hatake refresh` first.",
            version=active.version,
        )
    results = score_day(session, analytics, as_of=day, definition=definition, settings=settings)
    after = {account_id: (result.score, result.grade) for account_id, result in results.items()}
    return compare(
        before,
        after,
        from_grades=[grade.key for grade in active.grades],
        to_grades=[grade.key for grade in definition.grades],
        as_of=day,
        from_version=active.version,
        to_version=definition.version,
        limit=limit,
    )

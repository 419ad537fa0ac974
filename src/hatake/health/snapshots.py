"""Daily health-score snapshots in the analytics store: one row per account per day per
definition version, and one per factor, so any past date can be shown, explained and
backtested."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from datetime import date

import duckdb
import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.health.scoring import FactorColumn, FactorResult, ScoreColumns, ScoreResult

SCORES_TABLE = "health_scores"
FACTORS_TABLE = "health_factor_scores"

SCORES_SCHEMA = ibis.schema({
    "account_id": "!string", "as_of": "!date", "definition_version": "!string",
    "profile": "string", "score": "float64", "grade": "string",
})  # fmt: skip
FACTORS_SCHEMA = ibis.schema({
    "account_id": "!string", "as_of": "!date", "definition_version": "!string",
    "metric": "!string", "factor_group": "string", "raw_number": "float64",
    "raw_text": "string", "points": "float64", "weight": "float64",
    "contribution": "float64", "missing": "boolean", "policy": "string",
})  # fmt: skip
FACTORS_ARROW = FACTORS_SCHEMA.to_pyarrow()


def ensure_tables(con: DuckDBBackend) -> None:
    existing = set(con.list_tables())
    for name, schema in ((SCORES_TABLE, SCORES_SCHEMA), (FACTORS_TABLE, FACTORS_SCHEMA)):
        if name in existing:
            continue
        # Another connection of this process (the server's refresher) may create it first.
        with contextlib.suppress(duckdb.CatalogException):
            con.create_table(name, schema=schema)


def _arrow(as_of: date, results: Mapping[str, ScoreResult]) -> tuple[pa.Table, pa.Table]:
    scores: dict[str, list[object]] = {name: [] for name in SCORES_SCHEMA.names}
    factors: dict[str, list[object]] = {name: [] for name in FACTORS_SCHEMA.names}
    for account_id, result in results.items():
        for name, value in (
            ("account_id", account_id),
            ("as_of", as_of),
            ("definition_version", result.definition_version),
            ("profile", result.profile),
            ("score", result.score),
            ("grade", result.grade),
        ):
            scores[name].append(value)
        for factor in result.factors:
            raw = factor.raw_value
            row = {
                "account_id": account_id, "as_of": as_of,
                "definition_version": result.definition_version, "metric": factor.metric,
                "factor_group": factor.group,
                "raw_number": raw if isinstance(raw, int | float) else None,
                "raw_text": raw if isinstance(raw, str) else None, "points": factor.points,
                "weight": factor.weight_effective, "contribution": factor.contribution,
                "missing": factor.missing, "policy": factor.policy,
            }  # fmt: skip
            for name, value in row.items():
                factors[name].append(value)
    return (
        pa.table(scores, schema=SCORES_SCHEMA.to_pyarrow()),
        pa.table(factors, schema=FACTORS_SCHEMA.to_pyarrow()),
    )


def _factor_table(
    accounts: pa.ChunkedArray,
    days: pa.ChunkedArray,
    version: str,
    column: FactorColumn,
) -> pa.Table:
    rows = pa.array(column.rows)
    n = len(column.rows)
    raw = column.raw
    if raw.dtype.kind == "f":
        raw_number, raw_text = (
            pa.array(raw, pa.float64(), from_pandas=True),
            pa.nulls(n, pa.string()),
        )
    else:
        raw_number = pa.nulls(n, pa.float64())
        raw_text = pa.array([None if value is None else str(value) for value in raw], pa.string())
    return pa.table(
        [
            accounts.take(rows), days.take(rows), pa.repeat(version, n),
            pa.repeat(column.metric, n), pa.repeat(column.group, n), raw_number, raw_text,
            pa.array(column.points, pa.float64(), from_pandas=True),
            pa.array(column.weight, pa.float64()), pa.array(column.contribution, pa.float64()),
            pa.array(column.missing, pa.bool_()), pa.repeat(column.policy, n),
        ],
        schema=FACTORS_ARROW,
    )  # fmt: skip


def replace_days(
    con: DuckDBBackend,
    *,
    start: date,
    end: date,
    version: str,
    accounts: pa.ChunkedArray,
    days: pa.ChunkedArray,
    scored: ScoreColumns,
) -> int:
    """Store the scores of the days [start, end] for a definition version in one transaction,
    replacing any earlier run of those days and version (a refresh is idempotent)."""
    ensure_tables(con)
    score = np.round(scored.score, 1)
    scores = pa.table(
        [
            accounts, days, pa.repeat(version, len(score)),
            pa.array(scored.profile, pa.string()), pa.array(score, pa.float64(), from_pandas=True),
            pa.array(scored.grade, pa.string()),
        ],
        schema=SCORES_SCHEMA.to_pyarrow(),
    )  # fmt: skip
    # One factor at a time: a year of factor rows at once would not fit the memory budget.
    factors = (_factor_table(accounts, days, version, column) for column in scored.factors)
    _replace(con, start, end, version, scores, factors)
    return scores.num_rows


def replace_day(
    con: DuckDBBackend, *, as_of: date, version: str, results: Mapping[str, ScoreResult]
) -> int:
    """Store one day's scores given as results (one account explained at a time)."""
    ensure_tables(con)
    scores, factors = _arrow(as_of, results)
    _replace(con, as_of, as_of, version, scores, iter([factors]))
    return scores.num_rows


def _replace(
    con: DuckDBBackend,
    start: date,
    end: date,
    version: str,
    scores: pa.Table,
    factor_tables: Iterator[pa.Table],
) -> None:
    raw = con.con
    raw.execute("BEGIN TRANSACTION")
    try:
        for table in (SCORES_TABLE, FACTORS_TABLE):
            raw.execute(
                f"DELETE FROM {table} WHERE as_of BETWEEN ? AND ? AND definition_version = ?",
                [start, end, version],
            )
        raw.register("hatake_scores", scores)
        raw.execute(f"INSERT INTO {SCORES_TABLE} SELECT * FROM hatake_scores")
        raw.unregister("hatake_scores")
        for factors in factor_tables:
            raw.register("hatake_factors", factors)
            raw.execute(f"INSERT INTO {FACTORS_TABLE} SELECT * FROM hatake_factors")
            raw.unregister("hatake_factors")
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise


def scores(con: DuckDBBackend) -> ir.Table:
    ensure_tables(con)
    return con.table(SCORES_TABLE)


def factor_scores(con: DuckDBBackend) -> ir.Table:
    ensure_tables(con)
    return con.table(FACTORS_TABLE)


def account_history(con: DuckDBBackend, account_id: str) -> list[dict[str, object]]:
    """Every stored score of one account, oldest first."""
    table = scores(con)
    return (
        table.filter(table.account_id == account_id)
        .order_by([table.as_of, table.definition_version])
        .to_pyarrow()
        .to_pylist()
    )


def stored_result(
    con: DuckDBBackend, account_id: str, as_of: date, version: str
) -> ScoreResult | None:
    """A stored score rebuilt with its factors, to explain it or compare it with another day."""
    table = scores(con)
    found = (
        table.filter(
            table.account_id == account_id,
            table.as_of == as_of,
            table.definition_version == version,
        )
        .to_pyarrow()
        .to_pylist()
    )
    if not found:
        return None
    factors = factor_scores(con)
    rows = (
        factors.filter(
            factors.account_id == account_id,
            factors.as_of == as_of,
            factors.definition_version == version,
        )
        .order_by(factors.contribution.desc())
        .to_pyarrow()
        .to_pylist()
    )
    head = found[0]
    return ScoreResult(
        definition_version=version,
        profile=head["profile"],
        exact_score=head["score"],
        grade=head["grade"],
        factors=tuple(
            FactorResult(
                metric=row["metric"],
                group=row["factor_group"],
                raw_value=row["raw_text"] if row["raw_text"] is not None else row["raw_number"],
                points=row["points"],
                weight_effective=row["weight"],
                contribution=row["contribution"],
                missing=row["missing"],
                policy=row["policy"],
            )
            for row in rows
        ),
    )


def latest_grade_counts(con: DuckDBBackend, version: str) -> tuple[date | None, dict[str, int]]:
    """How many accounts sit in each grade on the latest scored day of ``version``."""
    table = scores(con)
    mine = table.filter(table.definition_version == version)
    latest = mine.as_of.max().to_pyarrow().as_py()
    if latest is None:
        return None, {}
    day = mine.filter(mine.as_of == latest)
    rows = day.group_by("grade").aggregate(accounts=day.count()).to_pyarrow().to_pylist()
    return latest, {row["grade"]: int(row["accounts"]) for row in rows if row["grade"]}


def clear(con: DuckDBBackend) -> None:
    """Forget every stored score (the data they were computed from was replaced)."""
    ensure_tables(con)
    for table in (SCORES_TABLE, FACTORS_TABLE):
        con.con.execute(f"DELETE FROM {table}")

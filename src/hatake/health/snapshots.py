"""Daily health-score snapshots in the analytics store: one row per account per day per
definition version, and each factor's raw value, points, weight and contribution, so any past
date can be shown, explained and backtested.

Factors are stored packed, one row per score: its raw values and points as lists, and a
pattern key. A pattern (one per profile and set of missing factors, so a few dozen in all)
holds what every score sharing it has in common: each position's metric, group, policy,
effective weight and whether it was missing. The contribution is points x weight / 100, as
scoring computes it. A year of daily scores for 10,000 accounts is then 3.6 million short rows
rather than 60 million, which is what keeps a backfill within its time and memory. The view
``health_factor_scores`` unpacks them into one row per factor, the way they were once stored,
for every reader.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.health.scoring import FactorColumn, FactorResult, ScoreColumns, ScoreResult

SCORES_TABLE = "health_scores"
FACTORS_TABLE = "health_factor_scores"  # a view over the two tables below
VALUES_TABLE = "health_factor_values"
PATTERNS_TABLE = "health_factor_patterns"

SCORES_SCHEMA = ibis.schema({
    "account_id": "!string", "as_of": "!date", "definition_version": "!string",
    "profile": "string", "score": "float64", "grade": "string",
})  # fmt: skip
VALUES_SCHEMA = pa.schema([
    pa.field("account_id", pa.string(), nullable=False),
    pa.field("as_of", pa.date32(), nullable=False),
    pa.field("definition_version", pa.string(), nullable=False),
    pa.field("pattern", pa.string(), nullable=False),
    ("raw_number", pa.list_(pa.float64())), ("raw_text", pa.list_(pa.string())),
    ("points", pa.list_(pa.float64())),
])  # fmt: skip
PATTERNS_SCHEMA = pa.schema([
    pa.field("pattern", pa.string(), nullable=False),
    pa.field("position", pa.int32(), nullable=False),
    pa.field("metric", pa.string(), nullable=False),
    ("factor_group", pa.string()), ("policy", pa.string()), ("weight", pa.float64()),
    ("missing", pa.bool_()), ("text_position", pa.int32()),
])  # fmt: skip
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {VALUES_TABLE} (account_id VARCHAR NOT NULL, "
    "as_of DATE NOT NULL, definition_version VARCHAR NOT NULL, pattern VARCHAR NOT NULL, "
    "raw_number DOUBLE[], raw_text VARCHAR[], points DOUBLE[])",
    f"CREATE TABLE IF NOT EXISTS {PATTERNS_TABLE} (pattern VARCHAR NOT NULL, "
    "position INTEGER NOT NULL, metric VARCHAR NOT NULL, factor_group VARCHAR, policy VARCHAR, "
    "weight DOUBLE, missing BOOLEAN, text_position INTEGER)",
    # DuckDB lists count from 1, like the positions; raw texts are listed for the positions
    # whose values are text only.
    f"CREATE VIEW IF NOT EXISTS {FACTORS_TABLE} AS SELECT v.account_id, v.as_of, "
    "v.definition_version, p.metric, p.factor_group, v.raw_number[p.position] AS raw_number, "
    "v.raw_text[p.text_position] AS raw_text, v.points[p.position] AS points, p.weight, "
    "coalesce(v.points[p.position], 0) * p.weight / 100.0 AS contribution, p.missing, "
    f"p.policy FROM {VALUES_TABLE} v JOIN {PATTERNS_TABLE} p ON p.pattern = v.pattern",
)


@dataclass(frozen=True)
class _Position:
    metric: str
    group: str | None
    policy: str | None
    text: bool  # raw values are text (a category), not numbers

    def key(self, weight: float, missing: bool) -> str:
        parts = (self.metric, self.group or "", self.policy or "", repr(float(weight)))
        return "\x1f".join((*parts, str(bool(missing)), str(self.text)))


def _pattern_table(
    positions: Sequence[_Position], weights: Sequence[float], missing: Sequence[bool]
) -> tuple[str, pa.Table]:
    """The key of one pattern, the same for the same positions, weights and missing flags,
    and its rows."""
    text = "\x1e".join(
        position.key(weight, flag)
        for position, weight, flag in zip(positions, weights, missing, strict=True)
    )
    key = hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
    texts = np.cumsum([position.text for position in positions])
    table = pa.table(
        [
            pa.repeat(key, len(positions)),
            pa.array(range(1, len(positions) + 1), pa.int32()),
            pa.array([position.metric for position in positions], pa.string()),
            pa.array([position.group for position in positions], pa.string()),
            pa.array([position.policy for position in positions], pa.string()),
            pa.array([float(weight) for weight in weights], pa.float64()),
            pa.array([bool(flag) for flag in missing], pa.bool_()),
            pa.array(
                [
                    int(texts[at]) if position.text else None
                    for at, position in enumerate(positions)
                ],
                pa.int32(),
            ),
        ],
        schema=PATTERNS_SCHEMA,
    )
    return key, table


def ensure_tables(con: DuckDBBackend) -> None:
    raw = con.con
    kinds = dict(
        raw.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_name IN (?, ?)",
            [SCORES_TABLE, FACTORS_TABLE],
        ).fetchall()
    )
    if SCORES_TABLE not in kinds:
        # Another connection of this process (the server's refresher) may create it first.
        with contextlib.suppress(duckdb.CatalogException):
            con.create_table(SCORES_TABLE, schema=SCORES_SCHEMA)
    if kinds.get(FACTORS_TABLE) == "BASE TABLE":
        _pack_factor_rows(con)
    elif kinds.get(FACTORS_TABLE) is None:
        for statement in _CREATE:
            raw.execute(statement)


def _pack_factor_rows(con: DuckDBBackend) -> None:
    """Convert a store written with one row per factor to the packed tables, in one
    transaction; the positions of a score's factors follow their metric names."""
    raw = con.con
    entry = (
        "metric || chr(31) || coalesce(factor_group, '') || chr(31) || coalesce(policy, '') || "
        "chr(31) || CAST(weight AS VARCHAR) || chr(31) || CAST(missing AS VARCHAR) || chr(31) || "
        "CAST(raw_text IS NOT NULL AS VARCHAR)"
    )
    score = "PARTITION BY account_id, as_of, definition_version"
    raw.execute("BEGIN TRANSACTION")
    try:
        raw.execute(f"ALTER TABLE {FACTORS_TABLE} RENAME TO hatake_factor_rows")
        for statement in _CREATE:
            raw.execute(statement)
        raw.execute(
            "CREATE TEMP TABLE hatake_packing AS SELECT f.*, k.pattern, "
            f"CAST(row_number() OVER ({score} ORDER BY metric, factor_group) AS INTEGER) "
            "AS position, CASE WHEN raw_text IS NOT NULL THEN CAST(row_number() OVER ("
            f"{score}, raw_text IS NOT NULL ORDER BY metric, factor_group) AS INTEGER) END "
            "AS text_position FROM hatake_factor_rows f JOIN ("
            f"SELECT account_id, as_of, definition_version, md5(string_agg({entry}, chr(30) "
            "ORDER BY metric, factor_group)) AS pattern FROM hatake_factor_rows GROUP BY ALL"
            ") k USING (account_id, as_of, definition_version)"
        )
        raw.execute(
            f"INSERT INTO {PATTERNS_TABLE} SELECT DISTINCT pattern, position, metric, "
            "factor_group, policy, weight, missing, text_position FROM hatake_packing"
        )
        raw.execute(
            f"INSERT INTO {VALUES_TABLE} SELECT account_id, as_of, definition_version, pattern, "
            "list(raw_number ORDER BY position), "
            "list(raw_text ORDER BY position) FILTER (WHERE raw_text IS NOT NULL), "
            "list(points ORDER BY position) FROM hatake_packing GROUP BY ALL"
        )
        raw.execute("DROP TABLE hatake_packing")
        raw.execute("DROP TABLE hatake_factor_rows")
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise


def _list_array(values: pa.Array, width: int) -> pa.ListArray:
    """``values`` cut into lists of ``width``, one per score."""
    offsets = pa.array(np.arange(0, len(values) + 1, max(width, 1), dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, values)


def _same_rows(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a boolean matrix: the first row of each distinct row, and each row's distinct row.
    Rows are packed into 64-bit words and sorted by them, much faster than ``np.unique`` over
    rows."""
    packed = np.packbits(flags, axis=1)
    words = np.zeros((len(packed), -(-packed.shape[1] // 8) * 8), dtype=np.uint8)
    words[:, : packed.shape[1]] = packed
    words = words.view(np.uint64)
    order = np.lexsort(words.T[::-1])  # stable: equal rows keep their order
    ordered = words[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    return order[starts], inverse


def _profile_values(
    accounts: pa.ChunkedArray,
    days: pa.ChunkedArray,
    version: str,
    columns: Sequence[FactorColumn],
) -> tuple[pa.Table, pa.Table]:
    """One profile's factor columns as one packed row per score, and their patterns."""
    rows = pa.array(columns[0].rows)
    positions = [
        _Position(column.metric, column.group, column.policy, column.raw.dtype.kind != "f")
        for column in columns
    ]
    missing = np.column_stack([column.missing for column in columns])
    weights = np.column_stack([column.weight for column in columns])
    first, inverse = _same_rows(missing)
    # The weights follow from the profile and what is missing; a pattern must hold for all.
    if not np.array_equal(weights, weights[first[inverse]]):
        raise ValueError("scores with the same missing factors have different weights")
    patterns = [_pattern_table(positions, weights[row], missing[row]) for row in first]
    keys = np.array([key for key, _ in patterns], dtype=object)

    def packed(values: list[np.ndarray], kind: pa.DataType) -> pa.ListArray:
        # Row-major: the first score's factors, then the next score's.
        matrix = np.column_stack(values).ravel() if values else np.array([])
        return _list_array(pa.array(matrix, kind, from_pandas=True), len(values))

    texts = [
        np.array([None if value is None else str(value) for value in column.raw], dtype=object)
        for column in columns
        if column.raw.dtype.kind != "f"
    ]
    numbers = [
        np.full(len(column.rows), np.nan) if position.text else column.raw
        for column, position in zip(columns, positions, strict=True)
    ]
    values = pa.table(
        [
            accounts.take(rows), days.take(rows), pa.repeat(version, len(rows)),
            pa.array(keys[inverse], pa.string()), packed(numbers, pa.float64()),
            packed(texts, pa.string()) if texts else pa.nulls(len(rows), pa.list_(pa.string())),
            packed([column.points for column in columns], pa.float64()),
        ],
        schema=VALUES_SCHEMA,
    )  # fmt: skip
    return values, pa.concat_tables([table for _, table in patterns])


def _result_values(as_of: date, results: Mapping[str, ScoreResult]) -> tuple[pa.Table, pa.Table]:
    """Scores given one account at a time, packed the same way."""
    columns: dict[str, list[object]] = {name: [] for name in VALUES_SCHEMA.names}
    patterns = [PATTERNS_SCHEMA.empty_table()]
    for account_id, result in results.items():
        raws = [factor.raw_value for factor in result.factors]
        positions = [
            _Position(factor.metric, factor.group, factor.policy, isinstance(raw, str))
            for factor, raw in zip(result.factors, raws, strict=True)
        ]
        key, table = _pattern_table(
            positions,
            [factor.weight_effective for factor in result.factors],
            [factor.missing for factor in result.factors],
        )
        patterns.append(table)
        texts = [raw for raw in raws if isinstance(raw, str)]
        row = {
            "account_id": account_id, "as_of": as_of,
            "definition_version": result.definition_version, "pattern": key,
            "raw_number": [raw if isinstance(raw, int | float) else None for raw in raws],
            "raw_text": texts or None, "points": [factor.points for factor in result.factors],
        }  # fmt: skip
        for name, value in row.items():
            columns[name].append(value)
    return pa.table(columns, schema=VALUES_SCHEMA), pa.concat_tables(patterns)


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
    # A profile's factor columns share one array of its rows.
    packed = [
        _profile_values(accounts, days, version, list(columns))
        for _, columns in itertools.groupby(scored.factors, key=lambda column: id(column.rows))
    ]
    _replace(con, start, end, version, scores, packed)
    return scores.num_rows


def replace_day(
    con: DuckDBBackend, *, as_of: date, version: str, results: Mapping[str, ScoreResult]
) -> int:
    """Store one day's scores given as results (one account explained at a time)."""
    ensure_tables(con)
    scores = pa.table(
        {
            "account_id": list(results),
            "as_of": [as_of] * len(results),
            "definition_version": [result.definition_version for result in results.values()],
            "profile": [result.profile for result in results.values()],
            "score": [result.score for result in results.values()],
            "grade": [result.grade for result in results.values()],
        },
        schema=SCORES_SCHEMA.to_pyarrow(),
    )
    _replace(con, as_of, as_of, version, scores, [_result_values(as_of, results)])
    return scores.num_rows


def _replace(
    con: DuckDBBackend,
    start: date,
    end: date,
    version: str,
    scores: pa.Table,
    packed: Sequence[tuple[pa.Table, pa.Table]],
) -> None:
    raw = con.con
    raw.execute("BEGIN TRANSACTION")
    try:
        for table in (SCORES_TABLE, VALUES_TABLE):
            raw.execute(
                f"DELETE FROM {table} WHERE as_of BETWEEN ? AND ? AND definition_version = ?",
                [start, end, version],
            )
        raw.register("hatake_scores", scores)
        raw.execute(f"INSERT INTO {SCORES_TABLE} SELECT * FROM hatake_scores")
        raw.unregister("hatake_scores")
        for values, patterns in packed:
            raw.register("hatake_patterns", patterns)
            raw.execute(
                f"INSERT INTO {PATTERNS_TABLE} SELECT DISTINCT * FROM hatake_patterns n "
                f"WHERE NOT EXISTS (SELECT 1 FROM {PATTERNS_TABLE} p WHERE p.pattern = n.pattern)"
            )
            raw.unregister("hatake_patterns")
            raw.register("hatake_values", values)
            raw.execute(f"INSERT INTO {VALUES_TABLE} SELECT * FROM hatake_values")
            raw.unregister("hatake_values")
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
    for table in (SCORES_TABLE, VALUES_TABLE, PATTERNS_TABLE):
        con.con.execute(f"DELETE FROM {table}")

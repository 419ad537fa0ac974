"""Daily health-score snapshots in the analytics store: one row per account per day per
definition version, and each factor's raw value, points, weight and contribution, so any past
date can be shown, explained and backtested.

The factors are stored packed: one row per score with a list per quantity (raw value, points,
weight, contribution, missing), and the metric, group and policy of each list position once in
a layout shared by every score of the same profile. A year of daily scores for 10,000 accounts
is then 3.6 million rows rather than 60 million. The view ``health_factor_scores`` unpacks them
into one row per factor, as they were stored before, for every reader.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections.abc import Iterable, Mapping, Sequence
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
LAYOUTS_TABLE = "health_factor_layouts"

SCORES_SCHEMA = ibis.schema({
    "account_id": "!string", "as_of": "!date", "definition_version": "!string",
    "profile": "string", "score": "float64", "grade": "string",
})  # fmt: skip
VALUES_SCHEMA = pa.schema([
    pa.field("account_id", pa.string(), nullable=False),
    pa.field("as_of", pa.date32(), nullable=False),
    pa.field("definition_version", pa.string(), nullable=False),
    pa.field("layout", pa.string(), nullable=False),
    ("raw_number", pa.list_(pa.float64())), ("raw_text", pa.list_(pa.string())),
    ("points", pa.list_(pa.float64())), ("weight", pa.list_(pa.float64())),
    ("contribution", pa.list_(pa.float64())), ("missing", pa.list_(pa.bool_())),
])  # fmt: skip
LAYOUTS_SCHEMA = pa.schema([
    pa.field("layout", pa.string(), nullable=False),
    pa.field("position", pa.int32(), nullable=False),
    pa.field("metric", pa.string(), nullable=False),
    ("factor_group", pa.string()), ("policy", pa.string()),
])  # fmt: skip
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {VALUES_TABLE} (account_id VARCHAR NOT NULL, "
    "as_of DATE NOT NULL, definition_version VARCHAR NOT NULL, layout VARCHAR NOT NULL, "
    "raw_number DOUBLE[], raw_text VARCHAR[], points DOUBLE[], weight DOUBLE[], "
    "contribution DOUBLE[], missing BOOLEAN[])",
    f"CREATE TABLE IF NOT EXISTS {LAYOUTS_TABLE} (layout VARCHAR NOT NULL, "
    "position INTEGER NOT NULL, metric VARCHAR NOT NULL, factor_group VARCHAR, policy VARCHAR)",
    # DuckDB lists count from 1, like the positions.
    f"CREATE VIEW IF NOT EXISTS {FACTORS_TABLE} AS SELECT v.account_id, v.as_of, "
    "v.definition_version, l.metric, l.factor_group, v.raw_number[l.position] AS raw_number, "
    "v.raw_text[l.position] AS raw_text, v.points[l.position] AS points, "
    "v.weight[l.position] AS weight, v.contribution[l.position] AS contribution, "
    f"v.missing[l.position] AS missing, l.policy FROM {VALUES_TABLE} v "
    f"JOIN {LAYOUTS_TABLE} l ON l.layout = v.layout",
)
_FIELD, _POSITION = chr(31), chr(30)


def _layout_key(factors: Iterable[tuple[str, str | None, str | None]]) -> str:
    """The same key for the same (metric, group, policy) positions, here and in the SQL that
    packs rows stored one per factor."""
    text = _POSITION.join(_FIELD.join(part or "" for part in factor) for factor in factors)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


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
    entry = "metric || chr(31) || coalesce(factor_group, '') || chr(31) || coalesce(policy, '')"
    raw.execute("BEGIN TRANSACTION")
    try:
        raw.execute(f"ALTER TABLE {FACTORS_TABLE} RENAME TO hatake_factor_rows")
        for statement in _CREATE:
            raw.execute(statement)
        raw.execute(
            "CREATE TEMP TABLE hatake_packing AS SELECT f.*, k.layout, CAST(row_number() OVER ("
            "PARTITION BY f.account_id, f.as_of, f.definition_version "
            "ORDER BY f.metric, f.factor_group) AS INTEGER) AS position "
            "FROM hatake_factor_rows f JOIN ("
            f"SELECT account_id, as_of, definition_version, md5(string_agg({entry}, chr(30) "
            "ORDER BY metric, factor_group)) AS layout FROM hatake_factor_rows GROUP BY ALL"
            ") k USING (account_id, as_of, definition_version)"
        )
        raw.execute(
            f"INSERT INTO {LAYOUTS_TABLE} SELECT DISTINCT layout, position, metric, "
            "factor_group, policy FROM hatake_packing"
        )
        lists = ", ".join(
            f"list({name} ORDER BY position)"
            for name in ("raw_number", "raw_text", "points", "weight", "contribution", "missing")
        )
        raw.execute(
            f"INSERT INTO {VALUES_TABLE} SELECT account_id, as_of, definition_version, layout, "
            f"{lists} FROM hatake_packing GROUP BY ALL"
        )
        raw.execute("DROP TABLE hatake_packing")
        raw.execute("DROP TABLE hatake_factor_rows")
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise


def _list_array(values: pa.Array, width: int) -> pa.ListArray:
    """``values`` cut into lists of ``width``, one per score."""
    offsets = pa.array(np.arange(0, len(values) + 1, width or 1, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, values)


def _profile_values(
    accounts: pa.ChunkedArray,
    days: pa.ChunkedArray,
    version: str,
    columns: Sequence[FactorColumn],
) -> tuple[pa.Table, pa.Table]:
    """One profile's factor columns as one packed row per score, and their layout."""
    rows = pa.array(columns[0].rows)
    width = len(columns)
    positions = [(column.metric, column.group, column.policy) for column in columns]
    layout = _layout_key(positions)

    def packed(values: list[np.ndarray], kind: pa.DataType) -> pa.ListArray:
        # Row-major: the first score's factors, then the next score's.
        matrix = np.column_stack(values).ravel()
        return _list_array(pa.array(matrix, kind, from_pandas=True), width)

    numbers = [
        column.raw if column.raw.dtype.kind == "f" else np.full(len(column.rows), np.nan)
        for column in columns
    ]
    texts = np.full((len(rows), width), None, dtype=object)
    for position, column in enumerate(columns):
        if column.raw.dtype.kind != "f":
            texts[:, position] = [None if value is None else str(value) for value in column.raw]
    values = pa.table(
        [
            accounts.take(rows), days.take(rows), pa.repeat(version, len(rows)),
            pa.repeat(layout, len(rows)), packed(numbers, pa.float64()),
            _list_array(pa.array(texts.ravel(), pa.string()), width),
            packed([column.points for column in columns], pa.float64()),
            packed([column.weight for column in columns], pa.float64()),
            packed([column.contribution for column in columns], pa.float64()),
            packed([column.missing for column in columns], pa.bool_()),
        ],
        schema=VALUES_SCHEMA,
    )  # fmt: skip
    return values, _layout_table(layout, positions)


def _layout_table(layout: str, positions: Sequence[tuple[str, str | None, str | None]]) -> pa.Table:
    return pa.table(
        [
            pa.repeat(layout, len(positions)),
            pa.array(range(1, len(positions) + 1), pa.int32()),
            *(pa.array([factor[part] for factor in positions], pa.string()) for part in range(3)),
        ],
        schema=LAYOUTS_SCHEMA,
    )


def _result_values(as_of: date, results: Mapping[str, ScoreResult]) -> tuple[pa.Table, pa.Table]:
    """Scores given one account at a time, packed the same way."""
    columns: dict[str, list[object]] = {name: [] for name in VALUES_SCHEMA.names}
    layouts = []
    for account_id, result in results.items():
        positions = [(factor.metric, factor.group, factor.policy) for factor in result.factors]
        layout = _layout_key(positions)
        layouts.append(_layout_table(layout, positions))
        raws = [factor.raw_value for factor in result.factors]
        row = {
            "account_id": account_id, "as_of": as_of,
            "definition_version": result.definition_version,
            "layout": layout,
            "raw_number": [raw if isinstance(raw, int | float) else None for raw in raws],
            "raw_text": [raw if isinstance(raw, str) else None for raw in raws],
            "points": [factor.points for factor in result.factors],
            "weight": [factor.weight_effective for factor in result.factors],
            "contribution": [factor.contribution for factor in result.factors],
            "missing": [factor.missing for factor in result.factors],
        }  # fmt: skip
        for name, value in row.items():
            columns[name].append(value)
    empty = LAYOUTS_SCHEMA.empty_table()
    return pa.table(columns, schema=VALUES_SCHEMA), pa.concat_tables([empty, *layouts])


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
        for values, layout in packed:
            raw.register("hatake_layout", layout)
            raw.execute(
                f"INSERT INTO {LAYOUTS_TABLE} SELECT DISTINCT * FROM hatake_layout n "
                f"WHERE NOT EXISTS (SELECT 1 FROM {LAYOUTS_TABLE} l WHERE l.layout = n.layout)"
            )
            raw.unregister("hatake_layout")
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
    for table in (SCORES_TABLE, VALUES_TABLE, LAYOUTS_TABLE):
        con.con.execute(f"DELETE FROM {table}")

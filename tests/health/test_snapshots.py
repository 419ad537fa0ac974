"""Stored snapshots: factors packed one row per score read back exactly as one row per factor,
and a store written one row per factor converted on first use."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.health import snapshots
from hatake.health.definition import default_definition
from hatake.health.factors import FACTORS
from hatake.health.scoring import ScoreColumns, score_columns
from hatake.usage import store

DAYS = [date(2026, 11, 1), date(2026, 11, 2)]
ACCOUNTS = ["A-1", "A-2", "A-3"]
LONG_COLUMNS = [
    "account_id", "as_of", "definition_version", "metric", "factor_group", "raw_number",
    "raw_text", "points", "weight", "contribution", "missing", "policy",
]  # fmt: skip


def _scored() -> tuple[pa.ChunkedArray, pa.ChunkedArray, ScoreColumns]:
    """Six scores (three accounts, two days) over both profiles, with missing values and a
    text factor."""
    rows = len(ACCOUNTS) * len(DAYS)
    generator = np.random.default_rng(4)
    metrics: dict[str, np.ndarray] = {}
    for factor in FACTORS:
        values = generator.uniform(-0.5, 40, rows)
        values[generator.random(rows) < 0.3] = np.nan
        metrics[factor.slug] = values
    metrics["nps_category"] = np.array(
        ["promoter", None, "detractor", "passive", None, "promoter"], dtype=object
    )
    attributes = {
        "plan": np.array(["standard"] * rows, dtype=object),
        "tier": np.array(["tech", None, None, "tech", None, None], dtype=object),
        "stage": np.full(rows, None, dtype=object),
    }
    scored = score_columns(default_definition(), attributes, metrics, rows)
    accounts = pa.chunked_array([pa.array(ACCOUNTS * len(DAYS))])
    days = pa.chunked_array([pa.array([day for day in DAYS for _ in ACCOUNTS], pa.date32())])
    return accounts, days, scored


def _long_rows(
    accounts: pa.ChunkedArray, days: pa.ChunkedArray, scored: ScoreColumns
) -> list[dict[str, object]]:
    """What the store held when it kept one row per factor."""
    rows: list[dict[str, object]] = []
    for column in scored.factors:
        for at, row in enumerate(column.rows):
            raw = column.raw[at]
            numeric = column.raw.dtype.kind == "f"
            rows.append({
                "account_id": accounts[int(row)].as_py(), "as_of": days[int(row)].as_py(),
                "definition_version": scored.definition_version, "metric": column.metric,
                "factor_group": column.group,
                "raw_number": None if not numeric or np.isnan(raw) else float(raw),
                "raw_text": None if numeric or raw is None else str(raw),
                "points": None if np.isnan(column.points[at]) else float(column.points[at]),
                "weight": float(column.weight[at]),
                "contribution": float(column.contribution[at]),
                "missing": bool(column.missing[at]), "policy": column.policy,
            })  # fmt: skip
    return rows


def _key(row: dict[str, object]) -> tuple[str, str, str]:
    return (str(row["account_id"]), str(row["as_of"]), str(row["metric"]))


@pytest.fixture
def analytics(tmp_path: Path) -> Iterator[DuckDBBackend]:
    con = store.connect(tmp_path / "analytics.duckdb")
    yield con
    con.disconnect()


def test_packed_factors_read_back_as_one_row_per_factor(analytics: DuckDBBackend) -> None:
    accounts, days, scored = _scored()
    stored = snapshots.replace_days(
        analytics, start=DAYS[0], end=DAYS[-1], version=scored.definition_version,
        accounts=accounts, days=days, scored=scored,
    )  # fmt: skip
    assert stored == 6
    read = snapshots.factor_scores(analytics).to_pyarrow().to_pylist()
    expected = _long_rows(accounts, days, scored)
    assert sorted(read, key=_key) == sorted(expected, key=_key)
    for row, (account, day) in enumerate(zip(accounts.to_pylist(), days.to_pylist(), strict=True)):
        result = snapshots.stored_result(analytics, account, day, scored.definition_version)
        assert result is not None
        wanted = scored.result(row)
        assert result.profile == wanted.profile
        assert sorted(result.factors, key=lambda f: f.metric) == sorted(
            wanted.factors, key=lambda f: f.metric
        )
    # Storing the days again replaces them.
    snapshots.replace_days(
        analytics, start=DAYS[0], end=DAYS[-1], version=scored.definition_version,
        accounts=accounts, days=days, scored=scored,
    )  # fmt: skip
    assert len(snapshots.factor_scores(analytics).to_pyarrow()) == len(expected)


def test_a_store_with_one_row_per_factor_is_packed_on_first_use(analytics: DuckDBBackend) -> None:
    accounts, days, scored = _scored()
    expected = _long_rows(accounts, days, scored)
    raw = analytics.con
    raw.execute(
        "CREATE TABLE health_factor_scores (account_id VARCHAR NOT NULL, as_of DATE NOT NULL, "
        "definition_version VARCHAR NOT NULL, metric VARCHAR NOT NULL, factor_group VARCHAR, "
        "raw_number DOUBLE, raw_text VARCHAR, points DOUBLE, weight DOUBLE, "
        "contribution DOUBLE, missing BOOLEAN, policy VARCHAR)"
    )
    raw.register("old_rows", pa.Table.from_pylist(expected).select(LONG_COLUMNS))
    raw.execute("INSERT INTO health_factor_scores SELECT * FROM old_rows")
    raw.unregister("old_rows")
    read = snapshots.factor_scores(analytics).to_pyarrow().to_pylist()
    assert sorted(read, key=_key) == sorted(expected, key=_key)
    kinds = raw.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = 'health_factor_scores'"
    ).fetchall()
    assert kinds == [("VIEW",)]
    # Scores written again over the converted ones replace them.
    snapshots.replace_days(
        analytics, start=DAYS[0], end=DAYS[-1], version=scored.definition_version,
        accounts=accounts, days=days, scored=scored,
    )  # fmt: skip
    after = snapshots.factor_scores(analytics).to_pyarrow().to_pylist()
    assert sorted(after, key=_key) == sorted(expected, key=_key)


@pytest.mark.parametrize("factors", [1, 18, 64, 70])
def test_scores_with_the_same_missing_factors_share_a_pattern(factors: int) -> None:
    generator = np.random.default_rng(factors)
    missing = generator.random((2000, factors)) < 3 / factors
    first, inverse = snapshots._same_rows(missing)
    distinct, first_seen = np.unique(missing, axis=0, return_index=True)
    assert len(first) == len(distinct)
    assert sorted(first) == sorted(first_seen)
    assert (missing == missing[first[inverse]]).all()

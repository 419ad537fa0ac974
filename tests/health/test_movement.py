"""Grade movement from stored snapshots, checked against hand-counted examples."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import ibis
import pytest
from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.health import movement
from hatake.health.definition import Grade
from tests.health.scored import store_day

V = "v1"
KEYS = ["healthy", "neutral", "at_risk"]
GRADES = [
    Grade(key="healthy", label_ja="良好", label_en="Healthy", colour="#2e7d32", min=70),
    Grade(key="neutral", label_ja="注意", label_en="Neutral", colour="#f9a825", min=40),
    Grade(key="at_risk", label_ja="危険", label_en="At risk", colour="#c62828", min=0),
]
NOW, WEEK_AGO, MONTH_AGO = date(2026, 11, 1), date(2026, 10, 25), date(2026, 10, 2)
H, N, R = (80.0, "healthy"), (55.0, "neutral"), (20.0, "at_risk")


@pytest.fixture
def con() -> Iterator[DuckDBBackend]:
    con = ibis.duckdb.connect()
    #            A   B  C  D  E      F (no score)
    store_day(con, MONTH_AGO, V, {"A": H, "B": N, "C": H, "D": H, "F": (None, None)})
    store_day(con, WEEK_AGO, V, {"A": N, "B": N, "C": N, "D": H, "E": R, "F": (None, None)})
    store_day(con, NOW, V, {"A": R, "B": H, "C": N, "D": N, "E": N, "F": (None, None)})
    # Another version's scores on the same days never count.
    store_day(con, NOW, "v0", {"A": H, "B": R, "C": R, "D": R, "E": R})
    store_day(con, MONTH_AGO, "v0", {"A": R, "B": H, "C": H, "D": H, "E": H})
    yield con
    con.disconnect()


def test_latest_day(con: DuckDBBackend) -> None:
    assert movement.latest_day(con, V) == NOW
    assert movement.latest_day(con, V, on_or_before=date(2026, 10, 31)) == WEEK_AGO
    assert movement.latest_day(con, V, on_or_before=date(2026, 10, 1)) is None
    assert movement.latest_day(con, "nope") is None


def test_since_a_week_ago(con: DuckDBBackend) -> None:
    # A neutral→at_risk worse, B neutral→healthy better, C same, D healthy→neutral worse,
    # E at_risk→neutral better, F has no grade.
    moved = movement.movement(con, V, KEYS, days=7, as_of=NOW)
    assert (moved.since, moved.improved, moved.worsened) == (WEEK_AGO, 2, 2)


def test_since_a_month_ago(con: DuckDBBackend) -> None:
    # Oct 2 is 30 days before Nov 1. A healthy→at_risk, C healthy→neutral, D healthy→neutral
    # worse; B neutral→healthy better; E was not scored then.
    moved = movement.movement(con, V, KEYS, days=30, as_of=NOW)
    assert (moved.since, moved.improved, moved.worsened) == (MONTH_AGO, 1, 3)


def test_a_day_without_scores_compares_with_the_latest_one_before(con: DuckDBBackend) -> None:
    moved = movement.movement(con, V, KEYS, days=8, as_of=NOW)
    assert moved.since == MONTH_AGO
    assert movement.movement(con, V, KEYS, days=31, as_of=NOW).since is None


def test_worsened_accounts_biggest_move_first(con: DuckDBBackend) -> None:
    rows = movement.moved_accounts(con, V, KEYS, since=MONTH_AGO, as_of=NOW)
    assert [(row.account_id, row.grade_before, row.grade_after) for row in rows] == [
        ("A", "healthy", "at_risk"),
        ("C", "healthy", "neutral"),
        ("D", "healthy", "neutral"),
    ]
    assert rows[0].score_before == 80.0
    assert rows[0].score_after == 20.0
    better = movement.moved_accounts(con, V, KEYS, since=WEEK_AGO, as_of=NOW, worse=False)
    assert [row.account_id for row in better] == ["B", "E"]


def test_accounts_per_grade_per_day(con: DuckDBBackend) -> None:
    start, end = date(2026, 10, 24), NOW
    rows = movement.daily_grade_counts(con, V, start, end).to_pyarrow().to_pylist()
    series = movement.grade_series(rows, GRADES, start, end, "en")
    assert series["labels"][0] == "2026-10-24"
    assert series["labels"][-1] == "2026-11-01"
    assert len(series["labels"]) == 9
    by_grade = {item["key"]: item["data"] for item in series["datasets"]}
    assert [item["label"] for item in series["datasets"]] == ["Healthy", "Neutral", "At risk"]
    # Oct 24: nothing stored (a gap); Oct 25: D healthy, A B C neutral, E at risk;
    # Nov 1: B healthy, C D E neutral, A at risk.
    assert [by_grade[key][0] for key in KEYS] == [None, None, None]
    assert [by_grade[key][1] for key in KEYS] == [1, 3, 1]
    assert [by_grade[key][2] for key in KEYS] == [None, None, None]
    assert [by_grade[key][-1] for key in KEYS] == [1, 3, 1]
    assert movement.grade_series(rows, GRADES, start, end, "ja")["datasets"][0]["label"] == "良好"

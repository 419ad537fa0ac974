"""Previewing an edited definition: the comparison arithmetic by hand, then the whole
portfolio scored in memory on both state backends without writing anything."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from hatake.core.errors import Conflict
from hatake.core.runtime import Runtime
from hatake.health import snapshots, versions
from hatake.health.definition import default_definition
from hatake.health.preview import NO_GRADE, compare, preview_definition
from tests.health.definition_data import CHAMPION_ONLY, DAY, seed_portfolio

KEYS = ["healthy", "neutral", "at_risk"]


def test_compare_counts_every_transition() -> None:
    before = {"a": (80.0, "healthy"), "b": (50.0, "neutral"), "c": (45.0, "neutral"),
              "d": (10.0, "at_risk"), "e": (None, None)}  # fmt: skip
    after = {"a": (75.0, "good"), "b": (20.0, "bad"), "c": (50.0, "good"), "d": (12.5, "bad"),
             "f": (90.0, "good")}  # fmt: skip
    report = compare(
        before, after, from_grades=KEYS, to_grades=["good", "bad"], as_of=DAY,
        from_version="v1", to_version="v2",
    )  # fmt: skip
    assert report.from_grades == ["healthy", "neutral", "at_risk", NO_GRADE]
    assert report.to_grades == ["good", "bad", NO_GRADE]
    assert report.matrix == [
        [1, 0, 0],  # a healthy → good
        [1, 1, 0],  # c neutral → good, b neutral → bad
        [0, 1, 0],  # d at_risk → bad
        [1, 0, 1],  # f (not stored) → good, e (no score) → -
    ]
    assert report.accounts == 6
    assert report.changed == 5  # every grade key differs, except e: no score either way
    # a -5, b -30, c +5, d +2.5 → mean -27.5 / 4 = -6.875
    assert report.mean_change == -6.88
    assert [(c.account_id, c.delta) for c in report.biggest] == [
        ("b", -30.0), ("a", -5.0), ("c", 5.0), ("d", 2.5),
    ]  # fmt: skip
    assert report.transitions()[("neutral", "bad")] == 1


def test_compare_with_nothing_changed() -> None:
    same = {"a": (80.0, "healthy"), "b": (30.0, "at_risk")}
    report = compare(
        same, same, from_grades=KEYS, to_grades=KEYS, as_of=DAY, from_version="v1",
        to_version="v1",
    )  # fmt: skip
    assert report.matrix == [[1, 0, 0], [0, 0, 0], [0, 0, 1]]
    assert (report.changed, report.mean_change, report.biggest) == (0, 0.0, [])


def test_preview_scores_the_portfolio_and_writes_nothing(
    session: Session, runtime: Runtime
) -> None:
    seed_portfolio(session, runtime)
    con = runtime.analytics()
    stored_before = snapshots.scores(con).count().to_pyarrow().as_py()
    edited = versions.validate_document(CHAMPION_ONLY, runtime.settings)
    with runtime.sessions() as state:
        report = preview_definition(state, con, edited, settings=runtime.settings)
    assert report.as_of == DAY
    assert report.from_version == default_definition().version
    assert report.to_version == "test-champion.1"
    assert report.from_grades == ["healthy", "neutral", "at_risk", NO_GRADE]
    assert report.to_grades == ["healthy", "neutral", "at_risk", NO_GRADE]
    assert report.matrix == [
        [1, 0, 0, 1],  # A healthy → healthy, E healthy → - (no contract)
        [1, 0, 0, 0],  # B neutral → healthy
        [0, 0, 1, 0],  # C at risk → at risk
        [1, 0, 0, 0],  # D not stored → healthy
    ]
    assert (report.accounts, report.changed, report.mean_change) == (5, 3, 20.0)
    assert [(c.account_id, c.delta) for c in report.biggest] == [
        ("P-B", 50.0), ("P-A", 20.0), ("P-C", -10.0),
    ]  # fmt: skip
    assert snapshots.scores(con).count().to_pyarrow().as_py() == stored_before
    assert snapshots.factor_scores(con).count().to_pyarrow().as_py() == 0


def test_preview_needs_stored_scores(session: Session, runtime: Runtime) -> None:
    edited = versions.validate_document(CHAMPION_ONLY, runtime.settings)
    with runtime.sessions() as state, pytest.raises(Conflict):
        preview_definition(state, runtime.analytics(), edited, settings=runtime.settings)
    seed_portfolio(session, runtime)
    with runtime.sessions() as state, pytest.raises(Conflict):
        preview_definition(
            state, runtime.analytics(), edited, settings=runtime.settings, as_of=date(2026, 1, 5)
        )

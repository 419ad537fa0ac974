"""Pure matrix arithmetic and [matrix] config checks, with hand-computed expectations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from hatake.core.i18n import gettext_for
from hatake.core.settings import FileConfig
from hatake.lifecycle.matrix import (
    counts_per_cell,
    heat,
    id_band_of,
    matrix_cells,
    months_completed,
    tenure_cutoff,
)
from hatake.lifecycle.matrix_config import MatrixConfig, RejectedMatrixConfig, check_matrix

DEFAULT = MatrixConfig()


@pytest.mark.parametrize(
    ("ids", "band"),
    [
        (0, "0"),
        (1, "D"),
        (5, "D"),
        (6, "C"),
        (10, "C"),
        (11, "B"),
        (20, "B"),
        (21, "A"),
        (500, "A"),
    ],
)
def test_id_band_edges(ids: int, band: str) -> None:
    assert id_band_of(ids, DEFAULT.id_band_list()) == band


@pytest.mark.parametrize(
    ("start", "day", "months"),
    [
        (date(2025, 1, 15), date(2025, 4, 14), 2),
        (date(2025, 1, 15), date(2025, 4, 15), 3),
        (date(2025, 1, 31), date(2025, 2, 27), 0),
        (date(2025, 1, 31), date(2025, 2, 28), 1),  # month-end: the short month's last day
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2025, 1, 31), date(2025, 4, 30), 3),
        (date(2025, 2, 28), date(2025, 3, 28), 1),
        (date(2025, 5, 1), date(2025, 4, 1), 0),  # not started yet
    ],
)
def test_months_completed(start: date, day: date, months: int) -> None:
    assert months_completed(start, day) == months


def test_months_agree_with_relativedelta_and_cutoffs_over_two_years() -> None:
    day = date(2026, 2, 28)
    for offset in range(0, 800):
        start = day - timedelta(days=offset)
        delta = relativedelta(day, start)
        assert months_completed(start, day) == delta.years * 12 + delta.months, start
    for day in (date(2026, 2, 28), date(2026, 3, 30), date(2026, 3, 31), date(2026, 7, 15)):
        for months in (4, 8, 12):
            cutoff = tenure_cutoff(day, months)
            assert months_completed(cutoff, day) >= months
            assert months_completed(cutoff + timedelta(days=1), day) < months


@pytest.mark.parametrize(
    ("months", "band"), [(0, "a"), (3, "a"), (4, "b"), (7, "b"), (8, "c"), (11, "c"), (12, "d")]
)
def test_tenure_band_edges(months: int, band: str) -> None:
    from hatake.lifecycle.matrix import band_of

    assert band_of(months, DEFAULT.tenure_band_list()) == band


def test_cells_and_deltas() -> None:
    now = counts_per_cell([("A", "d", 3), ("A", "d", 2), ("D", "a", 1), (None, None, 9)])
    grid = matrix_cells(
        DEFAULT.id_band_list(),
        DEFAULT.tenure_band_list(),
        now=now,
        before_7={"A-d": 4},
        before_30={"A-d": 7, "D-a": 1},
        must_not_lose=["A-d"],
    )
    first = grid[0][3]
    assert (first.key, first.count, first.delta_7, first.delta_30, first.must_not_lose) == (
        "A-d", 5, 1, -2, True
    )  # fmt: skip
    assert [row[0].id_label for row in grid] == ["A", "B", "C", "D", "0"]
    assert heat(0, 10) == ("F6F5F1", False)
    assert heat(10, 10) == ("2B5E33", True)


def _messages(raw: object, locale: str = "en") -> list[str]:
    result = check_matrix(raw)
    assert isinstance(result, RejectedMatrixConfig)
    return [issue.render(gettext_for(locale)) for issue in result.issues]


def test_overlap_gap_unknown_field_and_bad_labels_are_named() -> None:
    overlapping = {
        "id_bands": [
            {"label": "A", "min": 21},
            {"label": "B", "min": 10, "max": 20},
            {"label": "C", "min": 1, "max": 10},
        ]
    }
    assert _messages(overlapping) == ["matrix.id_bands: bands C and B overlap on 10 to 10."]
    assert _messages(overlapping, "ja") == [
        "matrix.id_bands：バンド C と B が 10〜10 で重なっています。"
    ]
    gapped = {"tenure_bands": [{"label": "a", "min": 0, "max": 3}, {"label": "d", "min": 6}]}
    assert _messages(gapped) == ["matrix.tenure_bands: no band holds 4 to 5."]
    assert _messages({"colour": "red"}) == [
        "matrix.colour: unknown key; [matrix] has id_source, id_bands, tenure_bands, must_not_lose."
    ]
    bad_label = {"id_bands": [{"label": "A-1", "min": 1}]}
    assert _messages(bad_label) == [
        'matrix.id_bands[0].label: the label "A-1" is not valid; use 1 to 8 letters or digits.'
    ]
    assert _messages({"id_source": "users"}) == [
        'matrix.id_source: "users" is not one of contacts, seats.'
    ]
    assert _messages({"must_not_lose": ["E-a"]})[0].startswith(
        'matrix.must_not_lose[0]: "E-a" is not a cell of the matrix'
    )
    closed_top = {"id_bands": [{"label": "A", "min": 1, "max": 9}]}
    assert "no band holds values above 9" in _messages(closed_top)[0]


def test_a_bad_section_does_not_break_the_config_file() -> None:
    config = FileConfig.model_validate({"matrix": {"id_bands": "nope"}})
    assert isinstance(config.matrix, RejectedMatrixConfig)
    seats = FileConfig.model_validate({"matrix": {"id_source": "seats", "must_not_lose": []}})
    assert isinstance(seats.matrix, MatrixConfig)
    assert seats.matrix.id_source == "seats"
    assert seats.matrix.must_not_lose == ()

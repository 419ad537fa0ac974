"""The support figures on a small set computed by hand, and the invariants that hold for any
set of tickets (hypothesis)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.support.analytics import (
    MICROS_PER_HOUR,
    NEVER,
    grouped_rows,
    percentile,
    ticket_columns,
    window_figures,
    windows_figures,
)

H = MICROS_PER_HOUR


def _hours(value: int | None) -> int | None:
    return None if value is None else value * H


# (opened, first response, resolved, csat) in hours from the start of window A.
TICKETS = [
    (0, 2, 10, 5),  # 1
    (5, 6, 800, 3),  # 2: resolved in window B
    (10, None, None, None),  # 3: never answered
    (100, 104, 130, 4),  # 4
    (700, 701, None, None),  # 5: answered, still open
    (-50, -49, 20, 2),  # 6: opened before A, resolved in A
    (750, 760, 770, 1),  # 7: window B
    (-10, None, None, None),  # 8: open since before A
]
A = (0, 720 * H)
B = (720 * H, 1464 * H)


def _columns():  # type: ignore[no-untyped-def]
    opened, responded, resolved, csat = zip(*TICKETS, strict=True)
    return ticket_columns(
        [o * H for o in opened],
        [_hours(r) for r in responded],
        [_hours(r) for r in resolved],
        list(csat),
    )


def test_window_a_by_hand() -> None:
    figures = window_figures(_columns(), *A)
    assert figures.opened == 5  # tickets 1-5
    assert figures.unanswered == 1  # ticket 3
    # First responses 2, 1, 4, 1 h -> sorted 1, 1, 2, 4; median h = 1.5 -> 1 + 0.5 * (2 - 1);
    # p90 h = 3 * 0.9 = 2.7 -> 2 + 0.7 * (4 - 2) = 3.4.
    assert figures.first_response.count == 4
    assert figures.first_response.median == 1.5
    assert figures.first_response.p90 == pytest.approx(3.4)
    # Resolution 10, 795, 30 h (tickets 1, 2, 4); 3 and 5 unresolved. Sorted 10, 30, 795:
    # median 30; p90 h = 2 * 0.9 = 1.8 -> 30 + 0.8 * (795 - 30) = 642.
    assert figures.unresolved == 2
    assert figures.resolution.count == 3
    assert figures.resolution.median == 30
    assert figures.resolution.p90 == pytest.approx(642)
    # Resolved before the window ended: 1 and 4 (2 only at 800 h): 2 / 5.
    assert figures.resolved_by_end == 2
    assert figures.resolution_rate == pytest.approx(0.4)
    # Resolved in the window, whenever opened: 1, 4 and 6.
    assert figures.resolved == 3
    # Open at 0 h: 6 and 8; at 720 h: 2, 3, 5 and 8 (= 2 + 5 - 3).
    assert figures.backlog_start == 2
    assert figures.backlog_end == 4
    # Ratings of tickets opened in A: 5, 3, 4 -> average 4, satisfied 2 of 3.
    assert figures.csat_responses == 3
    assert figures.csat_average == 4.0
    assert figures.csat_satisfied == pytest.approx(2 / 3)


def test_window_b_by_hand() -> None:
    figures = window_figures(_columns(), *B)
    assert figures.opened == 1
    assert (figures.first_response.median, figures.first_response.p90) == (10.0, 10.0)
    assert (figures.resolution.median, figures.resolution.p90) == (20.0, 20.0)
    assert figures.resolution_rate == 1.0
    assert figures.resolved == 2  # 2 (800 h) and 7 (770 h)
    assert (figures.backlog_start, figures.backlog_end) == (4, 3)  # 3, 5, 8 remain
    assert (figures.csat_responses, figures.csat_average, figures.csat_satisfied) == (1, 1.0, 0.0)


def test_an_empty_window_has_counts_and_no_ratios() -> None:
    figures = window_figures(_columns(), 2000 * H, 2100 * H)
    assert figures.opened == 0
    assert figures.first_response.median is None
    assert figures.resolution_rate is None
    assert figures.csat_average is None
    assert figures.csat_satisfied is None
    assert figures.backlog_start == figures.backlog_end == 3


def test_a_time_before_the_opening_counts_as_at_the_opening() -> None:
    tickets = ticket_columns([10 * H], [5 * H], [8 * H], [None])
    figures = window_figures(tickets, 0, 20 * H)
    assert figures.first_response.median == 0.0
    assert figures.resolution.median == 0.0
    assert (figures.backlog_start, figures.backlog_end, figures.resolved) == (0, 0, 1)


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        ([15, 20, 35, 40, 50], 40, 29.0),  # h = 1.6: 20 + 0.6 * 15
        ([15, 20, 35, 40, 50], 50, 35.0),
        ([15, 20, 35, 40, 50], 100, 50.0),
        ([15, 20, 35, 40, 50], 0, 15.0),
        (list(range(1, 11)), 90, 9.1),  # h = 8.1: 9 + 0.1 * 1
        ([4, 1, 3, 2], 50, 2.5),  # unsorted input; even count: mean of the middle two
        ([7], 90, 7.0),
    ],
)
def test_percentile_by_hand(values: list[int], percent: int, expected: float) -> None:
    assert percentile(np.array(values, dtype=float), percent) == pytest.approx(expected)


def test_percentile_of_nothing_is_none_and_out_of_range_is_refused() -> None:
    assert percentile(np.array([]), 50) is None
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile(np.array([1.0]), 101)


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        window_figures(_columns(), 10, 5)


values_lists = st.lists(st.integers(0, 10_000), min_size=1, max_size=40)


@given(values_lists, st.integers(0, 100))
def test_percentile_agrees_with_numpy_linear(values: list[int], percent: int) -> None:
    expected = np.percentile(np.array(values, dtype=float), percent, method="linear")
    assert percentile(np.array(values, dtype=float), percent) == pytest.approx(expected)


@given(values_lists)
def test_median_is_at_most_p90_and_within_the_values(values: list[int]) -> None:
    array = np.array(values, dtype=float)
    median, p90 = percentile(array, 50), percentile(array, 90)
    assert median is not None
    assert p90 is not None
    assert min(values) <= median <= p90 <= max(values)


ticket = st.tuples(
    st.integers(-200, 1000),
    st.one_of(st.none(), st.integers(0, 300)),
    st.one_of(st.none(), st.integers(0, 600)),
    st.one_of(st.none(), st.integers(1, 5)),
    st.sampled_from(["functional", "operational"]),
)


def _from(rows: list[tuple[int, int | None, int | None, int | None, str]]):  # type: ignore[no-untyped-def]
    return ticket_columns(
        [r[0] * H for r in rows],
        [None if r[1] is None else (r[0] + r[1]) * H for r in rows],
        [None if r[2] is None else (r[0] + r[2]) * H for r in rows],
        [r[3] for r in rows],
    )


@given(st.lists(ticket, max_size=60), st.lists(st.integers(-100, 1100), min_size=2, max_size=8))
def test_backlog_moves_by_opened_minus_resolved(
    rows: list[tuple[int, int | None, int | None, int | None, str]], bounds: list[int]
) -> None:
    tickets = _from(rows)
    edges = sorted(set(bounds))
    windows = [(a * H, b * H) for a, b in itertools.pairwise(edges)]
    figures = windows_figures(tickets, windows)
    # The one-sort computation agrees with the definitions window by window.
    assert figures == [window_figures(tickets, start, end) for start, end in windows]
    for index, current in enumerate(figures):
        assert current.backlog_end == current.backlog_start + current.opened - current.resolved
        if index:
            assert current.backlog_start == figures[index - 1].backlog_end
        assert current.unanswered + current.first_response.count == current.opened
        assert current.unresolved + current.resolution.count == current.opened
        assert current.resolved_by_end <= current.resolution.count
        if current.resolution_rate is not None:
            assert 0 <= current.resolution_rate <= 1
        if current.csat_average is not None:
            assert 1 <= current.csat_average <= 5
    if windows:
        whole = window_figures(tickets, windows[0][0], windows[-1][1])
        assert whole.opened == sum(f.opened for f in figures)
        assert whole.resolved == sum(f.resolved for f in figures)
        assert whole.csat_responses == sum(f.csat_responses for f in figures)


@given(st.lists(ticket, max_size=60))
def test_groups_add_up_to_the_whole(
    rows: list[tuple[int, int | None, int | None, int | None, str]],
) -> None:
    tickets = _from(rows)
    whole = window_figures(tickets, 0, 500 * H)
    parts = [
        window_figures(tickets.take(indices), 0, 500 * H)
        for indices in grouped_rows([r[4] for r in rows]).values()
    ]
    for name in ("opened", "resolved", "backlog_end", "unanswered", "csat_responses"):
        assert getattr(whole, name) == sum(getattr(part, name) for part in parts)


def test_never_is_later_than_any_moment() -> None:
    assert NEVER > 10_000 * 365 * 24 * H

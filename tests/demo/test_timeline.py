from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from hatake.demo.timeline import (
    PRE_WINDOW_MONTHS,
    Timeline,
    activity_factor,
    add_months,
    day_number,
    jst_to_utc_micros,
    to_date,
    utc_datetime,
    weekday,
)


def test_add_months_clamps_to_the_last_day_of_the_month() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 3, 15), -14) == date(2024, 1, 15)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
def test_day_numbers_round_trip_and_know_the_weekday(value: date) -> None:
    number = day_number(value)
    assert to_date(number) == value
    assert weekday(np.array([number]))[0] == value.weekday()


def test_weekends_and_holidays_are_quiet() -> None:
    days = np.array(
        [
            day_number(date(2026, 11, 18)),  # Wednesday
            day_number(date(2026, 11, 21)),  # Saturday
            day_number(date(2026, 11, 22)),  # Sunday
            day_number(date(2026, 5, 4)),  # Golden Week, a Monday
            day_number(date(2027, 1, 1)),  # New Year's Day, a Friday
        ]
    )
    assert activity_factor(days).tolist() == [1.0, 0.15, 0.06, 0.15, 0.15]


def test_jst_clock_times_become_utc() -> None:
    micros = jst_to_utc_micros(np.array([day_number(date(2026, 4, 1))]), np.array([9 * 3600]))
    assert utc_datetime(int(micros[0])) == datetime(2026, 4, 1, 0, 0, tzinfo=UTC)


def test_timeline_spans_the_pre_window_history_and_the_window() -> None:
    timeline = Timeline.build(date(2026, 11, 23), 18)
    assert timeline.window_start == date(2025, 5, 23)
    assert timeline.first_month == date(2023, 5, 1)
    assert timeline.n_months == PRE_WINDOW_MONTHS + 18 + 1
    assert to_date(timeline.month_starts[-1]) == date(2026, 12, 1)
    assert timeline.month_of(np.array([timeline.today_day]))[0] == timeline.n_months - 1
    assert timeline.calendar_month()[0] == 5
    assert timeline.busy(np.array([day_number(date(2026, 11, 21))]))[0] == 0.15

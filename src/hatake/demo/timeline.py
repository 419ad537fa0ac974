"""The simulated time line. Dates are day numbers (days since 1970-01-01) so numpy can work on
whole months and years at once; clock times are seconds after midnight in Japan (JST, UTC+9,
no daylight saving)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

EPOCH = date(1970, 1, 1)
JST_OFFSET_SECONDS = 9 * 3600
# Accounts may have started this long before the window, so tenure bands 12+ are populated.
PRE_WINDOW_MONTHS = 24
# Fixed-date Japanese holidays and company closures (year end, Golden Week, Obon), as MMDD.
# Movable holidays (Happy Monday) are left out: the aim is realistic dips, not a calendar.
HOLIDAYS_MMDD = np.array(
    [101, 102, 103, 211, 223, 429, 503, 504, 505, 811, 813, 814, 815, 1103, 1123, 1229, 1230, 1231]
)
# Share of a weekday's activity on Saturday and Sunday (field staff do work some weekends).
WEEKEND_FACTOR = (0.15, 0.06)
HOLIDAY_FACTOR = 0.15


def japan_today() -> date:
    return datetime.now(ZoneInfo("Asia/Tokyo")).date()


def day_number(value: date) -> int:
    return (value - EPOCH).days


def to_date(number: int) -> date:
    return EPOCH + timedelta(days=int(number))


def add_months(value: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (Jan 31 + 1 → Feb 28)."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(value.day, last))


def anniversaries(start_day: int, count: int) -> np.ndarray:
    """Day numbers of the first `count` yearly anniversaries of a day (annual renewals)."""
    start = to_date(start_day)
    return np.array([day_number(add_months(start, 12 * year)) for year in range(1, count + 1)])


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0; 1970-01-01 was a Thursday."""
    return (days + 3) % 7


def next_business_day(day: int) -> int:
    """The day, or the Monday after it when it falls on a weekend."""
    day_of_week = (day + 3) % 7
    return day + (7 - day_of_week if day_of_week >= 5 else 0)


def activity_factor(days: np.ndarray) -> np.ndarray:
    """How busy an average business user is on each day, relative to a normal weekday."""
    as_dates = days.astype("datetime64[D]")
    months = as_dates.astype("datetime64[M]")
    mmdd = (months.astype(np.int64) % 12 + 1) * 100 + (as_dates - months).astype(np.int64) + 1
    factor = np.ones(days.shape)
    day_of_week = weekday(days)
    factor[day_of_week == 5] = WEEKEND_FACTOR[0]
    factor[day_of_week == 6] = WEEKEND_FACTOR[1]
    holiday = np.isin(mmdd, HOLIDAYS_MMDD)
    factor[holiday] = np.minimum(factor[holiday], HOLIDAY_FACTOR)
    return factor


def jst_to_utc_micros(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Microseconds since the epoch (UTC) of a JST day number and clock time."""
    total = days.astype(np.int64) * 86_400 - JST_OFFSET_SECONDS + seconds.astype(np.int64)
    return total * 1_000_000


def utc_datetime(micros: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))


@dataclass(frozen=True)
class Timeline:
    """Calendar months from PRE_WINDOW_MONTHS before the window to the month of `today`.

    `today` is the first day that is not simulated: every activity is dated before it.
    """

    today: date
    window_start: date
    first_month: date
    month_starts: np.ndarray  # day number of each month's first day, plus the month after the last
    day_activity: np.ndarray  # activity_factor of every day from the first month on

    @classmethod
    def build(cls, today: date, months: int) -> Timeline:
        window_start = add_months(today, -months)
        first = add_months(window_start.replace(day=1), -PRE_WINDOW_MONTHS)
        count = (today.year - first.year) * 12 + today.month - first.month + 1
        starts = np.array([day_number(add_months(first, m)) for m in range(count + 1)])
        return cls(
            today=today,
            window_start=window_start,
            first_month=first,
            month_starts=starts,
            day_activity=activity_factor(np.arange(starts[0], starts[-1])),
        )

    @property
    def n_months(self) -> int:
        return len(self.month_starts) - 1

    @property
    def today_day(self) -> int:
        return day_number(self.today)

    @property
    def window_day(self) -> int:
        return day_number(self.window_start)

    def month_of(self, days: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.month_starts, days, side="right") - 1

    def busy(self, days: np.ndarray) -> np.ndarray:
        """activity_factor of days in the timeline, looked up rather than recomputed."""
        return self.day_activity[days - self.month_starts[0]]

    def month_middles(self) -> np.ndarray:
        return (self.month_starts[:-1] + self.month_starts[1:]) / 2

    def calendar_month(self) -> np.ndarray:
        """1-12 for each simulated month."""
        return (np.arange(self.n_months) + self.first_month.month - 1) % 12 + 1

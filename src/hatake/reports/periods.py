"""Reporting periods: calendar months, fiscal quarters and fiscal years.

A fiscal year is named by the calendar year it starts in, as Japanese companies name 年度:
with an April start, FY2026 (2026年度) runs from 1 April 2026 to 31 March 2027 and its first
quarter is April to June. With a January start fiscal and calendar years coincide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta


class Grain(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FISCAL_YEAR = "fiscal_year"


GRAIN_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.FISCAL_YEAR: 12}


@dataclass(frozen=True, order=True)
class Period:
    """A run of whole months, ``first`` (the first of a month) to ``end`` (inclusive)."""

    first: date
    grain: Grain
    fiscal_year: int
    quarter: int  # the fiscal quarter the period starts in, 1 to 4

    @property
    def months(self) -> int:
        return GRAIN_MONTHS[self.grain]

    @property
    def end(self) -> date:
        return self.first + relativedelta(months=self.months) - timedelta(days=1)

    @property
    def month_starts(self) -> list[date]:
        return [self.first + relativedelta(months=offset) for offset in range(self.months)]

    @property
    def key(self) -> str:
        """A stable identifier for URLs, exports and the API: 2026-04, FY2026-Q1, FY2026."""
        if self.grain is Grain.MONTH:
            return self.first.strftime("%Y-%m")
        if self.grain is Grain.QUARTER:
            return f"FY{self.fiscal_year}-Q{self.quarter}"
        return f"FY{self.fiscal_year}"

    def label(self, locale: str) -> str:
        if self.grain is Grain.MONTH:
            return f"{self.first.year}年{self.first.month}月" if locale == "ja" else self.key
        if self.grain is Grain.QUARTER:
            if locale == "ja":
                return f"{self.fiscal_year}年度 第{self.quarter}四半期"
            return f"FY{self.fiscal_year} Q{self.quarter}"
        return f"{self.fiscal_year}年度" if locale == "ja" else f"FY{self.fiscal_year}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def fiscal_year_of(day: date, start_month: int) -> int:
    return day.year if day.month >= start_month else day.year - 1


def fiscal_quarter_of(day: date, start_month: int) -> int:
    return (day.month - start_month) % 12 // 3 + 1


def period_containing(day: date, grain: Grain, start_month: int) -> Period:
    fiscal_year = fiscal_year_of(day, start_month)
    quarter = fiscal_quarter_of(day, start_month)
    if grain is Grain.MONTH:
        first = month_start(day)
    else:
        year_first = date(fiscal_year, start_month, 1)
        offset = (quarter - 1) * 3 if grain is Grain.QUARTER else 0
        first = year_first + relativedelta(months=offset)
    return Period(first, grain, fiscal_year, fiscal_quarter_of(first, start_month))


def periods_between(first: date, last: date, grain: Grain, start_month: int) -> list[Period]:
    """Every period of ``grain`` that overlaps ``first``..``last``, oldest first."""
    if last < first:
        return []
    result = [period_containing(first, grain, start_month)]
    while result[-1].end < last:
        result.append(period_containing(result[-1].end + timedelta(days=1), grain, start_month))
    return result


def month_starts_between(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s month to ``last``'s month."""
    months: list[date] = []
    cursor = month_start(first)
    while cursor <= last:
        months.append(cursor)
        cursor += relativedelta(months=1)
    return months


def parse_period_key(value: str, start_month: int) -> Period:
    """The inverse of ``Period.key``; raises ValueError naming the accepted forms."""
    text = value.strip().upper()
    try:
        if text.startswith("FY"):
            year_text, _, quarter_text = text[2:].partition("-Q")
            fiscal_year = int(year_text)
            year_first = date(fiscal_year, start_month, 1)
            if not quarter_text:
                return period_containing(year_first, Grain.FISCAL_YEAR, start_month)
            quarter = int(quarter_text)
            if not 1 <= quarter <= 4:
                raise ValueError(quarter)
            quarter_first = year_first + relativedelta(months=(quarter - 1) * 3)
            return period_containing(quarter_first, Grain.QUARTER, start_month)
        year_text, month_text = text.split("-")
        return period_containing(date(int(year_text), int(month_text), 1), Grain.MONTH, start_month)
    except ValueError:
        raise ValueError(
            f"{value!r} is not a period: use YYYY-MM, FYYYYY-Qn or FYYYYY (e.g. 2026-04, "
            "FY2026-Q1, FY2026)"
        ) from None


def trailing_periods(
    today: date, grain: Grain, start_month: int, count: int, *, complete_only: bool = False
) -> list[Period]:
    """The ``count`` most recent periods up to the one containing ``today`` (or the last one
    that has ended, with ``complete_only``)."""
    current = period_containing(today, grain, start_month)

    def step(period: Period) -> Period:
        return period_containing(period.first - timedelta(days=1), grain, start_month)

    if complete_only and current.end >= today:
        current = step(current)
    result = [current]
    while len(result) < count:
        result.append(step(result[-1]))
    return result[::-1]

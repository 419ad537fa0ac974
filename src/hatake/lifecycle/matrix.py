"""The priority matrix's arithmetic, without I/O: whole months of tenure, the band a number falls
in, cell keys, counts and deltas per cell, and the heat colour shared by the page and the
workbook.

Seed 004 sorts customers by ID count (A 21+, B 11-20, C 6-10, D 1-5) and by tenure in months
(a 0-3, b 4-7, c 8-11, d 12+). A cell is ``<ID band>-<tenure band>``, e.g. ``A-d``. Accounts
under contract with no active ID at all sit in a row of their own, ``0``, so that a customer
who never set anyone up is visible rather than dropped.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

ZERO_ROW = "0"
CELL_SEPARATOR = "-"


@dataclass(frozen=True)
class Band:
    """Values from ``low`` to ``high`` inclusive; ``high`` None means no upper end."""

    label: str
    low: int
    high: int | None = None

    def holds(self, value: int) -> bool:
        return value >= self.low and (self.high is None or value <= self.high)

    def text(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def months_completed(start: date, day: date) -> int:
    """Whole months from ``start`` to ``day``, counted as dateutil's relativedelta does: a month
    is complete on the same day of a later month, or on that month's last day when it is too
    short (31 Jan -> 28 Feb 2025 is one month, 31 Jan -> 27 Feb is none). A start after
    ``day`` counts as 0 months."""
    if start >= day:
        return 0
    months = (day.year - start.year) * 12 + day.month - start.month
    if day.day < start.day and not _is_month_end(day):
        months -= 1
    return months


def tenure_cutoff(day: date, months: int) -> date:
    """The latest start date that has completed ``months`` whole months by ``day``: an account
    has at least ``months`` months of tenure exactly when it started on or before this date.
    Lets SQL band tenure with plain date comparisons on both databases."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if _is_month_end(day):
        return date(year, month, last)
    return date(year, month, min(day.day, last))


def band_of(value: int, bands: Sequence[Band]) -> str | None:
    """The label of the band holding ``value``, else None."""
    for band in bands:
        if band.holds(value):
            return band.label
    return None


def id_band_of(ids: int, bands: Sequence[Band]) -> str | None:
    """The ID row of an account with ``ids`` active IDs: ``0`` when it has none."""
    return ZERO_ROW if ids <= 0 else band_of(ids, bands)


def cell_key(id_label: str, tenure_label: str) -> str:
    return f"{id_label}{CELL_SEPARATOR}{tenure_label}"


def split_cell(key: str) -> tuple[str, str] | None:
    """``("A", "d")`` for ``"A-d"``; None when the text is not two non-empty labels."""
    id_label, separator, tenure_label = key.partition(CELL_SEPARATOR)
    if not separator or not id_label or not tenure_label or CELL_SEPARATOR in tenure_label:
        return None
    return id_label, tenure_label


def id_rows(id_bands: Sequence[Band]) -> list[str]:
    """Row labels top to bottom: most IDs first (as seed 004 draws it), then the 0 row."""
    ordered = sorted(id_bands, key=lambda band: band.low, reverse=True)
    return [band.label for band in ordered] + [ZERO_ROW]


def tenure_columns(tenure_bands: Sequence[Band]) -> list[str]:
    """Column labels left to right: newest customers first."""
    return [band.label for band in sorted(tenure_bands, key=lambda band: band.low)]


def all_cells(id_bands: Sequence[Band], tenure_bands: Sequence[Band]) -> list[str]:
    return [
        cell_key(row, column)
        for row in id_rows(id_bands)
        for column in tenure_columns(tenure_bands)
    ]


def counts_per_cell(rows: Iterable[tuple[str | None, str | None, int]]) -> dict[str, int]:
    """Sum ``(id label, tenure label, accounts)`` rows per cell; rows with a missing label
    (an account not under contract that day) are skipped."""
    counts: dict[str, int] = {}
    for id_label, tenure_label, accounts in rows:
        if id_label is None or tenure_label is None:
            continue
        key = cell_key(id_label, tenure_label)
        counts[key] = counts.get(key, 0) + accounts
    return counts


@dataclass(frozen=True)
class CellCount:
    key: str
    id_label: str
    tenure_label: str
    count: int
    before_7: int
    before_30: int
    must_not_lose: bool

    @property
    def delta_7(self) -> int:
        return self.count - self.before_7

    @property
    def delta_30(self) -> int:
        return self.count - self.before_30


def matrix_cells(
    id_bands: Sequence[Band],
    tenure_bands: Sequence[Band],
    *,
    now: Mapping[str, int],
    before_7: Mapping[str, int],
    before_30: Mapping[str, int],
    must_not_lose: Iterable[str],
) -> list[list[CellCount]]:
    """The grid, row by row (see id_rows / tenure_columns), with counts and deltas."""
    marked = set(must_not_lose)
    return [
        [
            CellCount(
                key=(key := cell_key(row, column)),
                id_label=row,
                tenure_label=column,
                count=now.get(key, 0),
                before_7=before_7.get(key, 0),
                before_30=before_30.get(key, 0),
                must_not_lose=key in marked,
            )
            for column in tenure_columns(tenure_bands)
        ]
        for row in id_rows(id_bands)
    ]


# Heat runs from the page background to hatake's dark green, so the busiest cell stands out
# and an empty one reads as empty; the page and the workbook use the same colours.
_COOL = (0xF6, 0xF5, 0xF1)
_HOT = (0x2B, 0x5E, 0x33)


def heat(count: int, maximum: int) -> tuple[str, bool]:
    """The fill colour (``RRGGBB``) of a cell holding ``count`` of the busiest cell's
    ``maximum``, and whether its text should be light to stay readable."""
    share = 0.0 if maximum <= 0 or count <= 0 else min(1.0, count / maximum)
    # Even one account gets a visible tint: the first step is 15 % of the way.
    strength = 0.0 if share == 0 else 0.15 + 0.85 * share
    channels = [
        round(cool + (hot - cool) * strength) for cool, hot in zip(_COOL, _HOT, strict=True)
    ]
    return "".join(f"{channel:02X}" for channel in channels), strength > 0.55


def signed(change: int) -> str:
    """A change as people read it: +3, -2, ±0."""
    return f"{change:+d}" if change else "±0"

"""Support figures of a window of time, from tickets held as arrays. Pure: no I/O.

Definitions (docs/metrics.md, "Support"):

- A window is [start, end) in UTC microseconds; the service turns a period's local days (the
  organisation's time zone) into these bounds. Each ticket belongs to the window it was
  **opened** in: volume, response and resolution times, the resolution rate and CSAT describe
  the tickets opened in the window. Two figures describe the flow instead: the tickets
  **resolved** in the window (whenever opened) and the **backlog**, the tickets open at a
  moment.
- **First-response time**: clock hours from ``opened_at`` to ``first_response_at``; tickets
  without a response are left out and counted as ``unanswered``.
- **Time to resolution**: clock hours from ``opened_at`` to ``resolved_at``; tickets not
  resolved (yet) are left out and counted as ``unresolved``.
- **Percentiles** interpolate linearly between the closest ranks (Hyndman and Fan's type 7,
  as Excel's PERCENTILE.INC and MEDIAN): for n sorted values x[0..n-1] and a percentile p,
  h = (n - 1) * p / 100 and the value is x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] -
  x[floor(h)]). The median is p = 50.
- **Resolution rate**: the share of the tickets opened in the window that were resolved
  before the window ended (0 to 1; none when nothing was opened).
- **Backlog** at a moment b: tickets opened before b and not resolved before b. Hence
  backlog(end) = backlog(start) + opened - resolved for every window.
- **CSAT**: the 1-5 ratings of the tickets opened in the window: their count, their average,
  and the share satisfied (rated 4 or 5).

Only ``resolved_at`` decides whether a ticket is resolved; the status is not read, so a
ticket marked resolved without a resolution time stays in the backlog (the service counts
them so the page can say so). A response or resolution before the opening is refused on
import and by the API; should one reach the database anyway it counts as at the opening."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NEVER = np.iinfo(np.int64).max  # a response or resolution that has not happened
MICROS_PER_HOUR = 3_600_000_000
SATISFIED_FROM = 4  # CSAT ratings of 4 and 5 count as satisfied
MEDIAN, P90 = 50, 90


@dataclass(frozen=True)
class TicketColumns:
    """Tickets as aligned arrays: ``opened``, ``responded`` and ``resolved`` in UTC epoch
    microseconds (``NEVER`` when missing), ``csat`` 1-5 (0 when not rated)."""

    opened: np.ndarray
    responded: np.ndarray
    resolved: np.ndarray
    csat: np.ndarray

    def __len__(self) -> int:
        return len(self.opened)

    def take(self, rows: np.ndarray) -> TicketColumns:
        return TicketColumns(
            self.opened[rows], self.responded[rows], self.resolved[rows], self.csat[rows]
        )


def ticket_columns(
    opened: Sequence[int] | np.ndarray,
    responded: Sequence[int | None] | np.ndarray,
    resolved: Sequence[int | None] | np.ndarray,
    csat: Sequence[int | None] | np.ndarray,
) -> TicketColumns:
    """Columns from plain values (None for a missing time or rating); a time before the
    opening is moved to the opening (see the module's definitions)."""
    opened_at = np.asarray(opened, dtype=np.int64)

    def moments(values: Sequence[int | None] | np.ndarray) -> np.ndarray:
        if isinstance(values, np.ndarray):
            array = values.astype(np.int64)
        else:
            array = np.array([NEVER if v is None else v for v in values], dtype=np.int64)
        return np.maximum(array, opened_at)

    ratings = csat if isinstance(csat, np.ndarray) else [0 if v is None else v for v in csat]
    return TicketColumns(
        opened_at, moments(responded), moments(resolved), np.asarray(ratings, dtype=np.int64)
    )


def percentile(values: np.ndarray, percent: int) -> float | None:
    """The ``percent``-th percentile (0-100) by linear interpolation between the closest ranks
    (type 7, see the module docstring); None for no values."""
    return _percentile_of_sorted(np.sort(values), percent)


def _percentile_of_sorted(ordered: np.ndarray, percent: int) -> float | None:
    """``percentile`` of values already in ascending order. The rank arithmetic is in
    integers, so 90% of 10 gaps is exactly 9."""
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, not {percent}")
    if len(ordered) == 0:
        return None
    scaled = (len(ordered) - 1) * percent
    low, remainder = divmod(scaled, 100)
    if remainder == 0:
        return float(ordered[low])
    return float(ordered[low] + (ordered[low + 1] - ordered[low]) * remainder / 100)


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile of durations in hours, and how many durations there are."""

    count: int
    median: float | None
    p90: float | None


def spread(hours: np.ndarray) -> Spread:
    return _spread_of_sorted(np.sort(hours))


def _spread_of_sorted(ordered: np.ndarray) -> Spread:
    return Spread(
        len(ordered), _percentile_of_sorted(ordered, MEDIAN), _percentile_of_sorted(ordered, P90)
    )


@dataclass(frozen=True)
class Figures:
    opened: int
    unanswered: int  # opened in the window, no first response yet
    first_response: Spread
    unresolved: int  # opened in the window, not resolved yet
    resolution: Spread
    resolved_by_end: int  # opened in the window and resolved before it ended
    resolution_rate: float | None
    resolved: int  # resolved in the window, whenever opened
    backlog_start: int
    backlog_end: int
    csat_responses: int
    csat_average: float | None
    csat_satisfied: float | None  # share of ratings >= SATISFIED_FROM


def backlog_at(tickets: TicketColumns, moment: int) -> int:
    """Tickets opened before ``moment`` and not resolved before it."""
    return int(np.count_nonzero((tickets.opened < moment) & (tickets.resolved >= moment)))


@dataclass(frozen=True)
class _Counted:
    """What the figures of a window are made of, counted by either way of computing them."""

    opened: int
    first_response: Spread
    resolution: Spread
    resolved_by_end: int
    resolved: int
    backlog_start: int
    backlog_end: int
    csat_responses: int
    csat_total: int  # sum of the ratings
    satisfied: int

    def figures(self) -> Figures:
        opened, ratings = self.opened, self.csat_responses
        return Figures(
            opened=opened,
            unanswered=opened - self.first_response.count,
            first_response=self.first_response,
            unresolved=opened - self.resolution.count,
            resolution=self.resolution,
            resolved_by_end=self.resolved_by_end,
            resolution_rate=self.resolved_by_end / opened if opened else None,
            resolved=self.resolved,
            backlog_start=self.backlog_start,
            backlog_end=self.backlog_end,
            csat_responses=ratings,
            csat_average=self.csat_total / ratings if ratings else None,
            csat_satisfied=self.satisfied / ratings if ratings else None,
        )


def _check(start: int, end: int) -> None:
    if end < start:
        raise ValueError(f"the window ends ({end}) before it starts ({start})")


def window_figures(tickets: TicketColumns, start: int, end: int) -> Figures:
    """The figures of the window [start, end), straight from the definitions (see the module
    docstring): the reference ``windows_figures`` is tested against."""
    _check(start, end)
    cohort = tickets.take((tickets.opened >= start) & (tickets.opened < end))
    answered = cohort.responded != NEVER
    done = cohort.resolved != NEVER
    ratings = cohort.csat[cohort.csat > 0]
    return _Counted(
        opened=len(cohort),
        first_response=spread(
            (cohort.responded[answered] - cohort.opened[answered]) / MICROS_PER_HOUR
        ),
        resolution=spread((cohort.resolved[done] - cohort.opened[done]) / MICROS_PER_HOUR),
        resolved_by_end=int(np.count_nonzero(cohort.resolved < end)),
        resolved=int(np.count_nonzero((tickets.resolved >= start) & (tickets.resolved < end))),
        backlog_start=backlog_at(tickets, start),
        backlog_end=backlog_at(tickets, end),
        csat_responses=len(ratings),
        csat_total=int(ratings.sum()),
        satisfied=int(np.count_nonzero(ratings >= SATISFIED_FROM)),
    ).figures()


def _running_at(flags: np.ndarray, rows: np.ndarray) -> list[int]:
    """The sum of ``flags`` over the rows before each of ``rows`` (a running total read only
    where windows start and end)."""
    totals = np.concatenate([[0], np.cumsum(flags, dtype=np.int64)])
    return totals[rows].tolist()


def _hours_or_last(done: np.ndarray, since: np.ndarray, until: np.ndarray) -> np.ndarray:
    """Hours from ``since`` to ``until`` where ``done``, infinity elsewhere: sorted, the
    missing ones come last and the first ``count`` are the durations."""
    return np.where(done, (until - since) / MICROS_PER_HOUR, np.inf)


def windows_figures(tickets: TicketColumns, windows: Sequence[tuple[int, int]]) -> list[Figures]:
    """The figures of many windows from one sort: the tickets opened in a window are a slice
    of the tickets in order of opening, counts over a slice are differences of running
    totals, and counts before a moment are binary searches. The backlog at b is then (opened
    before b) - (resolved before b), which equals the definition because no ticket is
    resolved before it is opened (``ticket_columns`` sees to that)."""
    for start, end in windows:
        _check(start, end)
    opened = tickets.opened
    ordered = bool(np.all(opened[:-1] <= opened[1:]))
    rows = tickets if ordered else tickets.take(np.argsort(opened, kind="stable"))
    resolved_in_order = np.sort(tickets.resolved)
    bounds = np.array([moment for window in windows for moment in window], dtype=np.int64)
    at = np.searchsorted(rows.opened, bounds, side="left")
    first_rows = at.tolist()
    resolved_before = np.searchsorted(resolved_in_order, bounds, side="left").tolist()
    answered, done = rows.responded != NEVER, rows.resolved != NEVER
    answered_before, done_before = _running_at(answered, at), _running_at(done, at)
    rated_before = _running_at(rows.csat > 0, at)
    ratings_before = _running_at(rows.csat, at)
    satisfied_before = _running_at(rows.csat >= SATISFIED_FROM, at)
    response_hours = _hours_or_last(answered, rows.opened, rows.responded)
    resolution_hours = _hours_or_last(done, rows.opened, rows.resolved)
    result = []
    for index, (_start, end) in enumerate(windows):
        first, last = 2 * index, 2 * index + 1  # positions of the window's start and end
        low, high = first_rows[first], first_rows[last]
        start_resolved, end_resolved = resolved_before[first], resolved_before[last]
        responses = answered_before[last] - answered_before[first]
        resolutions = done_before[last] - done_before[first]
        result.append(
            _Counted(
                opened=high - low,
                first_response=_spread_of_sorted(np.sort(response_hours[low:high])[:responses]),
                resolution=_spread_of_sorted(np.sort(resolution_hours[low:high])[:resolutions]),
                resolved_by_end=int(np.count_nonzero(rows.resolved[low:high] < end)),
                resolved=end_resolved - start_resolved,
                backlog_start=low - start_resolved,
                backlog_end=high - end_resolved,
                csat_responses=rated_before[last] - rated_before[first],
                csat_total=ratings_before[last] - ratings_before[first],
                satisfied=satisfied_before[last] - satisfied_before[first],
            ).figures()
        )
    return result


@dataclass(frozen=True)
class Keys:
    """A text key per ticket (its priority, issue type or category) as an index into
    ``names``: grouping compares small integers, never the texts."""

    names: Sequence[str]
    codes: np.ndarray

    def take(self, rows: np.ndarray) -> Keys:
        return Keys(self.names, self.codes[rows])

    def counts(self) -> np.ndarray:
        """Rows per name, in the order of ``names``."""
        return np.bincount(self.codes, minlength=len(self.names))


def keys_of(values: Sequence[str]) -> Keys:
    """The distinct values, sorted, and each row's index into them. Dictionaries find and
    number them at C speed; sorting 100,000 texts to find the distinct ones cost ten times
    more."""
    names = sorted(dict.fromkeys(values))
    number = {name: index for index, name in enumerate(names)}
    codes = np.fromiter(map(number.__getitem__, values), dtype=np.int64, count=len(values))
    return Keys(names, codes)


def grouped_rows(keys: Sequence[str]) -> dict[str, np.ndarray]:
    """The row indices of each distinct key."""
    grouped = keys_of(keys)
    return {key: np.flatnonzero(grouped.codes == code) for code, key in enumerate(grouped.names)}

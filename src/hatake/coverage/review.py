"""The manager's weekly review, pure: ISO weeks, one week's figures per CSM and for the team,
and each figure compared with the week before. No database; the service gathers the counts.

A week is an ISO week, Monday to Sunday in the organisation's time zone, written 2026-W47.
A week still running is measured up to today, and says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hatake.core.errors import InvalidField

# How a touch counts: a person's meaningful touch, a person's other touch, an automated send.
TOUCH_KINDS = ("meaningful", "other", "automated")
WEEK_PATTERN = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")
# Years a review can be about; outside them the week before or after would not be a date.
FIRST_YEAR, LAST_YEAR = 1900, 2999


NOT_A_WEEK = "week: {value} is not an ISO week; write it like 2026-W47."
NO_SUCH_WEEK = "week: {value} does not exist; {year} has weeks 1 to {weeks}."
NOT_STARTED = "week: {value} has not started yet (today is {today})."


class WeekInvalid(InvalidField):
    """A week the review cannot show; names the parameter and the value (422 in the API)."""

    def __init__(self, message_key: str, /, *, value: str, **params: Any) -> None:
        super().__init__(message_key, field="week", value=value, **params)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def previous(self) -> IsoWeek:
        return week_of(self.monday - timedelta(days=7))

    def next(self) -> IsoWeek:
        return week_of(self.monday + timedelta(days=7))


def week_of(day: date) -> IsoWeek:
    calendar = day.isocalendar()
    return IsoWeek(calendar.year, calendar.week)


def weeks_in(year: int) -> int:
    """52 or 53: 28 December is always in the year's last ISO week."""
    return date(year, 12, 28).isocalendar().week


def parse_week(text: str) -> IsoWeek:
    """``2026-W47`` (also ``2026W47``, ``2026-w47``, as an HTML week input sends it)."""
    match = WEEK_PATTERN.match(text)
    if match is None:
        raise WeekInvalid(NOT_A_WEEK, value=text)
    year, week = int(match.group(1)), int(match.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise WeekInvalid(NOT_A_WEEK, value=text)
    if not 1 <= week <= weeks_in(year):
        raise WeekInvalid(NO_SUCH_WEEK, value=text, year=year, weeks=weeks_in(year))
    return IsoWeek(year, week)


def last_complete_week(today: date) -> IsoWeek:
    """The review's default: the latest week that has ended (last week, until Sunday ends)."""
    return week_of(today).previous()


def measured_until(week: IsoWeek, today: date) -> date:
    """The last day measured: Sunday, or today for the week still running. A week that has
    not begun is refused."""
    if week.monday > today:
        raise WeekInvalid(NOT_STARTED, value=week.label, today=today.isoformat())
    return min(week.sunday, today)


@dataclass(frozen=True)
class Worsened:
    """An account whose health grade is worse at the week's end than at its start."""

    account_id: int
    external_id: str
    name: str
    owner: str | None
    grade_before: str
    grade_after: str
    score_before: float | None
    score_after: float | None


@dataclass
class Figures:
    """One CSM's (or the team's) figures for one week."""

    accounts: int = 0  # under contract on the last day measured
    covered: int = 0
    touches: Counter[tuple[str, str]] = field(default_factory=Counter)  # (channel, kind)
    tasks_done: int = 0
    tasks_overdue: int = 0
    worsened: list[Worsened] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        return None if self.accounts == 0 else self.covered / self.accounts

    def touches_of(self, kind: str) -> int:
        return sum(count for (_channel, each), count in self.touches.items() if each == kind)

    def add(self, other: Figures) -> None:
        self.accounts += other.accounts
        self.covered += other.covered
        self.touches.update(other.touches)
        self.tasks_done += other.tasks_done
        self.tasks_overdue += other.tasks_overdue
        self.worsened.extend(other.worsened)


@dataclass(frozen=True)
class Compared:
    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


# The figures of a row, in the order the page, the workbook, the API and the CLI show them.
METRICS = (
    "accounts",
    "coverage",
    "meaningful_touches",
    "other_touches",
    "automated_touches",
    "tasks_done",
    "tasks_overdue",
    "worsened",
)

# English msgids, translated where shown.
METRIC_LABELS = {
    "accounts": "Accounts owned",
    "coverage": "Coverage",
    "meaningful_touches": "Meaningful touches",
    "other_touches": "Other touches",
    "automated_touches": "Automated sends",
    "tasks_done": "Tasks done",
    "tasks_overdue": "Tasks overdue",
    "worsened": "Grade worsened",
}
KIND_LABELS = {"meaningful": "Meaningful", "other": "Not meaningful", "automated": "Automated"}
# Whether a rise is good news (1), bad news (-1) or neither (0): how a change is coloured.
METRIC_DIRECTION = dict.fromkeys(METRICS, 1) | {
    "accounts": 0,
    "tasks_overdue": -1,
    "worsened": -1,
}


def tone(name: str, change: float | None) -> str:
    """``good``, ``bad`` or empty, for the colour of a change."""
    direction = METRIC_DIRECTION[name]
    if change is None or change == 0 or direction == 0:
        return ""
    return "good" if (change > 0) == (direction > 0) else "bad"


def metric(figures: Figures, name: str) -> float | None:
    values: dict[str, float | None] = {
        "accounts": figures.accounts,
        "coverage": figures.coverage,
        "meaningful_touches": figures.touches_of("meaningful"),
        "other_touches": figures.touches_of("other"),
        "automated_touches": figures.touches_of("automated"),
        "tasks_done": figures.tasks_done,
        "tasks_overdue": figures.tasks_overdue,
        "worsened": len(figures.worsened),
    }
    return values[name]


@dataclass(frozen=True)
class ReviewRow:
    csm: str | None  # None: accounts and tasks with no owner
    this: Figures
    previous: Figures

    def compared(self, name: str) -> Compared:
        return Compared(metric(self.this, name), metric(self.previous, name))

    def channel(self, channel: str, kind: str) -> Compared:
        return Compared(self.this.touches[(channel, kind)], self.previous.touches[(channel, kind)])


def rows(
    this: Mapping[str | None, Figures], previous: Mapping[str | None, Figures]
) -> list[ReviewRow]:
    """One row per CSM seen in either week, by name, the unassigned last."""
    names = sorted(this.keys() | previous.keys(), key=lambda name: (name is None, name or ""))
    return [
        ReviewRow(name, this.get(name, Figures()), previous.get(name, Figures())) for name in names
    ]


def team(review_rows: Iterable[ReviewRow]) -> ReviewRow:
    """The team: the sum of the rows (the CSMs' accounts and tasks do not overlap)."""
    this, previous = Figures(), Figures()
    for row in review_rows:
        this.add(row.this)
        previous.add(row.previous)
    return ReviewRow(None, this, previous)


def signed(change: float | None, *, points: bool = False) -> str:
    """A change with its sign: ``+3``, ``−2``, ``±0``; ``points``: a coverage change in
    percentage points, ``+4.2 pt``."""
    if change is None:
        return "—"
    shown = round(change * 100, 1) if points else round(change, 1)
    if shown == 0:
        text = "±0"
    else:
        number = f"{abs(shown):g}" if not points else f"{abs(shown):.1f}"
        text = ("+" if shown > 0 else "−") + number
    return f"{text} pt" if points else text

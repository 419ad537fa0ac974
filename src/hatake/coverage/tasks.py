"""How the task list groups tasks: overdue first, then due today, upcoming, without a date;
done tasks apart. Plain functions over dates, no database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal, Protocol, TypeVar

Bucket = Literal["overdue", "today", "upcoming", "no_date", "done"]
BUCKETS: tuple[Bucket, ...] = ("overdue", "today", "upcoming", "no_date", "done")


class Dated(Protocol):
    @property
    def status(self) -> str: ...

    @property
    def due_on(self) -> date | None: ...


T = TypeVar("T", bound=Dated)


def bucket_of(status: str, due_on: date | None, today: date) -> Bucket:
    if status == "done":
        return "done"
    if due_on is None:
        return "no_date"
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "today"
    return "upcoming"


def days_overdue(due_on: date | None, today: date) -> int:
    """Whole days past the due day (0 when not late)."""
    return max(0, (today - due_on).days) if due_on is not None else 0


def group_tasks(tasks: Iterable[T], today: date) -> list[tuple[Bucket, list[T]]]:
    """Non-empty groups in ``BUCKETS`` order; each keeps the order it was given (by due day)."""
    groups: dict[Bucket, list[T]] = {bucket: [] for bucket in BUCKETS}
    for task in tasks:
        groups[bucket_of(task.status, task.due_on, today)].append(task)
    return [(bucket, rows) for bucket, rows in groups.items() if rows]

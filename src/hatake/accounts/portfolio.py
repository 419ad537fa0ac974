"""A CSM's workload from the figures the database sums: accounts owned, ARR per currency,
accounts past their cadence and open / overdue tasks. Plain functions, no database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class WorkloadLine:
    """One CSM's book; ``owner`` None is the line of accounts and tasks nobody has."""

    owner: Person | None
    accounts: int = 0
    arr_minor: dict[str, int] = field(default_factory=dict)  # currency -> ARR in minor units
    overdue_touches: int = 0
    open_tasks: int = 0
    overdue_tasks: int = 0


def annual(mrr_minor: int) -> int:
    """ARR of a monthly recurring revenue (both in minor units)."""
    return mrr_minor * MONTHS_PER_YEAR


def workload_lines(
    people: Sequence[Person],
    *,
    owned: Mapping[int | None, int],
    mrr: Iterable[tuple[int | None, str, int]],
    uncovered_owners: Iterable[int | None],
    tasks: Mapping[int | None, tuple[int, int]],
) -> list[WorkloadLine]:
    """A line per person of ``people`` (in their order) and, last, one for what nobody owns
    when it holds anything. ``mrr`` is (owner, currency, MRR of active terms);
    ``uncovered_owners`` the owner of each account past its cadence; ``tasks`` the open and
    overdue task counts per assignee."""
    arr: dict[int | None, dict[str, int]] = {}
    for owner, currency, amount in mrr:
        book = arr.setdefault(owner, {})
        book[currency] = book.get(currency, 0) + annual(amount)
    overdue = Counter(uncovered_owners)

    def line(owner: Person | None) -> WorkloadLine:
        key = None if owner is None else owner.id
        open_tasks, overdue_tasks = tasks.get(key, (0, 0))
        return WorkloadLine(
            owner=owner,
            accounts=owned.get(key, 0),
            arr_minor=dict(sorted(arr.get(key, {}).items())),
            overdue_touches=overdue.get(key, 0),
            open_tasks=open_tasks,
            overdue_tasks=overdue_tasks,
        )

    lines = [line(person) for person in people]
    nobody = line(None)
    if nobody.accounts or nobody.arr_minor or nobody.overdue_touches or nobody.open_tasks:
        lines.append(nobody)
    return lines


def totals(lines: Sequence[WorkloadLine]) -> WorkloadLine:
    """The team's line: the sum of every line."""
    arr: dict[str, int] = {}
    for item in lines:
        for currency, amount in item.arr_minor.items():
            arr[currency] = arr.get(currency, 0) + amount
    return WorkloadLine(
        owner=None,
        accounts=sum(item.accounts for item in lines),
        arr_minor=dict(sorted(arr.items())),
        overdue_touches=sum(item.overdue_touches for item in lines),
        open_tasks=sum(item.open_tasks for item in lines),
        overdue_tasks=sum(item.overdue_tasks for item in lines),
    )

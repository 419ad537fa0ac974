"""Monthly recurring revenue per account per month, from contract terms. Pure: no database.

Conventions (docs/metrics.md explains them with examples):

- ``mrr_minor`` is already a monthly amount for every billing period: the import column is
  月額(MRR) and the demo divides an annual price by 12 before storing it. Nothing here divides
  by the billing period again.
- A term runs from ``start_date`` to ``end_date`` inclusive (an annual term is 2026-04-01 to
  2027-03-31); no end date means it is still running. When another term of the same account
  starts on a term's end date, that day belongs to the new term (a same-day upgrade or
  renewal replaces the old term rather than adding to it).
- The MRR of a month is a snapshot at the month's last day: the sum of the terms running on
  that day. A mid-month change therefore counts in full in the month it happens and the old
  amount is not prorated.
- Amounts are converted into the organisation's currency with the configured rates and
  rounded to the nearest minor unit (halves away from zero).
- Terms that cannot be counted are excluded with a reason, never silently dropped: a negative
  amount, an end before the start, a currency without a rate, an ended term with no end date,
  and a term overlapping an earlier one of the same plan for the same account (the earlier,
  by start date then external ID, is kept).
- Status is not read otherwise: the end date says when revenue stops.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

import numpy as np

ENDED_STATUSES = frozenset({"ended", "cancelled"})


class Term(NamedTuple):
    """One subscription row as the revenue reports read it (a tuple: tens of thousands are
    built per report)."""

    external_id: str
    account_id: int
    plan: str
    mrr_minor: int
    currency: str
    start_date: date
    end_date: date | None
    status: str = "active"


@dataclass(frozen=True)
class Exclusion:
    """A term the reports leave out, and why: ``reason`` is a message key formatted with
    ``params`` (in the reader's language at the edge)."""

    external_id: str
    account_id: int
    field: str
    value: Any
    reason: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, gettext: Callable[[str], str] = lambda text: text) -> str:
        return gettext(self.reason).format(value=self.value, **self.params)


NO_END = np.datetime64("9999-12-31", "D")
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Packing (group, day) into one int64 lets numpy run a per-group maximum in one pass; days
# since 1970 up to NO_END stay below this.
DAY_SPAN = 1 << 23


@dataclass
class TermArrays:
    """Terms as columns, for the vectorised steps (a report reads tens of thousands)."""

    external_id: np.ndarray  # object (str)
    account: np.ndarray  # int64
    plan: np.ndarray  # int64 code into ``plans``
    plans: list[str]
    amount: np.ndarray  # int64, monthly, in the term's currency
    currency: np.ndarray  # str
    start: np.ndarray  # datetime64[D]
    end: np.ndarray  # datetime64[D], NO_END when open
    status: np.ndarray  # str

    def __len__(self) -> int:
        return len(self.account)

    def take(self, chosen: np.ndarray) -> TermArrays:
        return TermArrays(
            self.external_id[chosen], self.account[chosen], self.plan[chosen], self.plans,
            self.amount[chosen], self.currency[chosen], self.start[chosen], self.end[chosen],
            self.status[chosen],
        )  # fmt: skip

    def term(self, index: int) -> Term:
        end = self.end[index]
        return Term(
            str(self.external_id[index]), int(self.account[index]),
            self.plans[self.plan[index]], int(self.amount[index]), str(self.currency[index]),
            self.start[index].item(), None if end == NO_END else end.item(),
            str(self.status[index]),
        )  # fmt: skip


def days_array(days: Sequence[date | str | None]) -> np.ndarray:
    """Dates as datetime64[D] (None becomes NaT). ISO text, as SQLite stores a date, is parsed
    by NumPy in C; date objects go through their ordinals, not numpy's slow per-object path."""
    known = next((day for day in days if day is not None), None)
    if isinstance(known, str):
        return np.array(days, dtype="datetime64[D]")
    ordinals = np.fromiter(
        (0 if day is None else day.toordinal() for day in days),  # type: ignore[union-attr]
        np.int64,
        len(days),
    )
    result = (ordinals - EPOCH_ORDINAL).astype("datetime64[D]")
    result[ordinals == 0] = np.datetime64("NaT")
    return result


def term_arrays(rows: Sequence[Sequence[Any]]) -> TermArrays:
    """Columns of terms, or of rows that start with the same fields in the same order (a
    query's; later fields are left out)."""
    return term_columns(list(zip(*rows, strict=True)) if rows else [()] * len(Term._fields))


def term_columns(columns: Sequence[Sequence[Any]]) -> TermArrays:
    """``TermArrays`` from the columns of ``Term`` (the first ones of ``columns``), dates as
    date objects or ISO text."""
    external_id, account, plan, amount, currency, start, end, status = columns[: len(Term._fields)]
    plans = sorted(set(plan))
    code_of = {name: code for code, name in enumerate(plans)}
    ends = days_array(end)
    ends[np.isnat(ends)] = NO_END
    return TermArrays(
        external_id=np.array(external_id, dtype=object),
        account=np.array(account, dtype=np.int64),
        plan=np.fromiter(map(code_of.__getitem__, plan), np.int64, len(plan)),
        plans=plans,
        amount=np.array(amount, dtype=np.int64),
        currency=np.array(currency, dtype=str),
        start=days_array(start),
        end=ends.clip(max=NO_END),
        status=np.array(status, dtype=str),
    )


def row_problems(terms: Sequence[Term], has_rate: Callable[[str], bool]) -> list[Exclusion]:
    """What is wrong with each term on its own (no other term needed)."""
    problems = []
    rated = {code: has_rate(code) for code in {term.currency for term in terms}}
    for term in terms:

        def problem(
            field_name: str, value: Any, reason: str, term: Term = term, **params: Any
        ) -> None:
            problems.append(
                Exclusion(term.external_id, term.account_id, field_name, value, reason, params)
            )

        if term.mrr_minor < 0:
            problem("mrr", term.mrr_minor, "A negative monthly amount ({value}) is not revenue.")
        if term.end_date is not None and term.end_date < term.start_date:
            problem(
                "end_date",
                term.end_date,
                "The end date {value} is before the start date {start}.",
                start=term.start_date,
            )
        if term.end_date is None and term.status in ENDED_STATUSES:
            problem(
                "end_date",
                None,
                "The term is {status} but has no end date, so it is not known when revenue "
                "stopped.",
                status=term.status,
            )
        if not rated[term.currency]:
            problem(
                "currency",
                term.currency,
                "No exchange rate for {value}: add it under [revenue.rates] in config.toml.",
            )
    return problems


def last_counted_days(arrays: TermArrays) -> np.ndarray:
    """Each term's last counted day: its end date, or the day before when another term of the
    same account starts on that date (a term is not its own successor)."""

    def keys(days: np.ndarray) -> np.ndarray:
        return arrays.account * DAY_SPAN + days.astype(np.int64)

    starts = np.sort(keys(arrays.start))
    ends = keys(arrays.end)
    successors = np.searchsorted(starts, ends, "right") - np.searchsorted(starts, ends, "left")
    successors -= arrays.start == arrays.end
    return np.where(successors > 0, arrays.end - np.timedelta64(1, "D"), arrays.end)


def _overlapping_groups(arrays: TermArrays, ends: np.ndarray) -> np.ndarray:
    """Indexes of the terms whose (account, plan) has some overlap: a quick numpy pass; the
    few groups it finds are then checked term by term."""
    order = np.lexsort((arrays.start, arrays.plan, arrays.account))
    account, plan = arrays.account[order], arrays.plan[order]
    same = np.zeros(len(order), dtype=bool)
    same[1:] = (account[1:] == account[:-1]) & (plan[1:] == plan[:-1])
    group = np.cumsum(~same)
    packed = group * DAY_SPAN + ends[order].astype(np.int64)
    latest_end = np.maximum.accumulate(packed) - group * DAY_SPAN
    clash = np.zeros(len(order), dtype=bool)
    clash[1:] = same[1:] & (arrays.start[order][1:].astype(np.int64) <= latest_end[:-1])
    return order[np.isin(group, group[clash])]


def _overlaps(arrays: TermArrays) -> list[tuple[int, Exclusion]]:
    """(index, why) of each term that overlaps an earlier term of the same plan for the same
    account (after the same-day handover rule); the earlier term, by start date then external
    ID, is kept."""
    last_days = last_counted_days(arrays)
    by_plan: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index in _overlapping_groups(arrays, last_days).tolist():
        by_plan[(int(arrays.account[index]), int(arrays.plan[index]))].append(index)
    found = []
    for indexes in by_plan.values():
        terms = {index: arrays.term(index) for index in indexes}
        indexes.sort(key=lambda i: (terms[i].start_date, terms[i].external_id))
        kept = indexes[0]
        for index in indexes[1:]:
            term, earlier = terms[index], terms[kept]
            if term.start_date > last_days[kept].item():
                kept = index
                continue
            found.append(
                (
                    index,
                    Exclusion(
                        term.external_id,
                        term.account_id,
                        "start_date",
                        term.start_date,
                        "Overlaps {other} of the same plan ({plan}), which runs from "
                        "{other_start} to {other_end}.",
                        {
                            "other": earlier.external_id,
                            "plan": term.plan,
                            "other_start": earlier.start_date,
                            "other_end": earlier.end_date or "—",
                        },
                    ),
                )
            )
    return found


def overlap_problems(terms: Sequence[Term]) -> list[Exclusion]:
    """Terms that overlap an earlier term of the same plan for the same account."""
    return [problem for _index, problem in _overlaps(term_arrays(terms))]


def countable_mask(
    arrays: TermArrays, has_rate: Callable[[str], bool]
) -> tuple[np.ndarray, list[Exclusion]]:
    """Which terms the reports count, and every other one with its reason. The checks run on
    the columns; only the terms they catch are looked at one by one."""
    rated = [code for code in np.unique(arrays.currency).tolist() if has_rate(code)]
    suspect = (
        (arrays.amount < 0)
        | (arrays.end < arrays.start)
        | ((arrays.end == NO_END) & np.isin(arrays.status, list(ENDED_STATUSES)))
        | ~np.isin(arrays.currency, rated)
    )
    flagged = np.flatnonzero(suspect).tolist()
    excluded = row_problems([arrays.term(index) for index in flagged], has_rate)
    sound = np.flatnonzero(~suspect)
    overlaps = _overlaps(arrays.take(sound))
    counted = ~suspect
    counted[sound[[index for index, _problem in overlaps]]] = False
    return counted, excluded + [problem for _index, problem in overlaps]


def convert_minor(amount: int, factor: Decimal) -> int:
    return int((Decimal(amount) * factor).to_integral_value(ROUND_HALF_UP))


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=monthrange(day.year, day.month)[1])


def _month_ends(months: np.ndarray) -> np.ndarray:
    """The last day (datetime64[D]) of each month (datetime64[M])."""
    return (months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")


def spread(
    rows: np.ndarray,
    first: np.ndarray,
    stop: np.ndarray,
    values: np.ndarray,
    shape: tuple[int, int],
) -> np.ndarray:
    """Add ``values[i]`` to ``result[rows[i], first[i]:stop[i]]`` for every i, at once."""
    delta = np.zeros((shape[0], shape[1] + 1), dtype=np.int64)
    np.add.at(delta, (rows, first), values)
    np.add.at(delta, (rows, stop), -values)
    return np.cumsum(delta, axis=1)[:, : shape[1]]


@dataclass
class Snapshot:
    """Month-end MRR of each account (rows) and month (columns), and the plan that brings
    most of it (an index into ``plans``; -1 where no term runs)."""

    mrr: np.ndarray
    plan_index: np.ndarray
    plans: list[str]
    # The first month (datetime64[M]), over all time, whose last day a paying term covers;
    # NaT when none does.
    first_paid: np.ndarray


def snapshot(
    arrays: TermArrays, account_ids: np.ndarray, months: Sequence[date], amounts: np.ndarray
) -> Snapshot:
    """Month-end MRR of countable terms whose converted monthly amounts are ``amounts``;
    ``account_ids`` is sorted and holds every term's account."""
    shape = (len(account_ids), len(months))
    ends = last_counted_days(arrays)
    month_ends = _month_ends(np.array(months, dtype="datetime64[M]").reshape(-1))
    first = np.searchsorted(month_ends, arrays.start, side="left")
    stop = np.maximum(np.searchsorted(month_ends, ends, side="right"), first)
    rows = np.searchsorted(account_ids, arrays.account)
    mrr = spread(rows, first, stop, amounts, shape)
    # The leading plan: running terms score their amount plus one, so a free plan (amount 0)
    # still names the plan of an account that pays nothing.
    plan_index = np.full(shape, -1, dtype=np.int64)
    best = np.zeros(shape, dtype=np.int64)
    for code in range(len(arrays.plans)):
        chosen = arrays.plan == code
        score = spread(rows[chosen], first[chosen], stop[chosen], amounts[chosen] + 1, shape)
        better = score > best
        plan_index[better] = code
        best[better] = score[better]
    # A term covers some month-end only if it covers the end of the month it starts in.
    start_months = arrays.start.astype("datetime64[M]")
    paying = (amounts > 0) & (ends >= _month_ends(start_months))
    first_paid = np.full(len(account_ids), np.iinfo(np.int64).max)
    np.minimum.at(first_paid, rows[paying], start_months[paying].astype(np.int64))
    never = first_paid == np.iinfo(np.int64).max
    paid = np.where(never, 0, first_paid).astype("datetime64[M]")
    paid[never] = np.datetime64("NaT")
    return Snapshot(mrr, plan_index, list(arrays.plans), paid)

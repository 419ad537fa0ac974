"""MRR movements: how each account's month-end MRR changed from one month to the next.
Pure: no database.

For an account whose MRR went from ``prev`` (last month) to ``cur`` (this month):

- new: ``prev = 0 < cur`` and the account never had MRR at an earlier month-end; amount ``cur``
- reactivation: ``prev = 0 < cur`` and it had MRR at some earlier month-end; amount ``cur``
- expansion: ``0 < prev < cur``; amount ``cur - prev``
- contraction: ``0 < cur < prev``; amount ``prev - cur``
- churn: ``prev > 0 = cur``; amount ``prev``

All amounts are positive; the net change is new + expansion + reactivation - contraction -
churn, which is exactly the change of the total MRR."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GAINS = ("new", "expansion", "reactivation")
LOSSES = ("contraction", "churn")
KINDS = GAINS + LOSSES


@dataclass
class Movements:
    """Movement amounts per account (rows) and month (columns). Column ``m`` is the change
    from month ``m - 1`` to month ``m`` of the MRR table; column 0 is all zero, as the month
    before the table is not known."""

    new: np.ndarray
    expansion: np.ndarray
    reactivation: np.ndarray
    contraction: np.ndarray
    churn: np.ndarray

    _running: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def of(self, kind: str) -> np.ndarray:
        result: np.ndarray = getattr(self, kind)
        return result

    def between(self, kind: str, first: int, last: int) -> np.ndarray:
        """Each account's total of ``kind`` over the columns ``first`` to ``last`` inclusive,
        from running totals kept after the first call (a report asks for many periods)."""
        if kind not in self._running:
            # Month by account, so that a month's totals are contiguous in memory.
            amounts = self.of(kind).T
            running = np.zeros((amounts.shape[0] + 1, amounts.shape[1]), dtype=amounts.dtype)
            np.cumsum(amounts, axis=0, out=running[1:])
            self._running[kind] = running
        totals: np.ndarray = self._running[kind][last + 1] - self._running[kind][first]
        return totals

    @property
    def net(self) -> np.ndarray:
        gains = self.new + self.expansion + self.reactivation
        return gains - self.contraction - self.churn


def monthly_movements(mrr: np.ndarray, first_paid_index: np.ndarray) -> Movements:
    """Movements of an MRR table (accounts x months). ``first_paid_index[a]`` is the month
    index of the account's first month-end with MRR above 0 over all history (negative when
    before the table, ``len(months)`` or more when never)."""
    prev = np.zeros_like(mrr)
    prev[:, 1:] = mrr[:, :-1]
    known = np.zeros(mrr.shape, dtype=bool)
    known[:, 1:] = True
    starting = known & (prev == 0) & (mrr > 0)
    seen_before = first_paid_index[:, None] < np.arange(mrr.shape[1])[None, :]
    staying = known & (prev > 0) & (mrr > 0)
    zero = np.zeros_like(mrr)
    return Movements(
        new=np.where(starting & ~seen_before, mrr, zero),
        expansion=np.where(staying & (mrr > prev), mrr - prev, zero),
        reactivation=np.where(starting & seen_before, mrr, zero),
        contraction=np.where(staying & (mrr < prev), prev - mrr, zero),
        churn=np.where(known & (prev > 0) & (mrr == 0), prev, zero),
    )


def counts(movements: Movements, kind: str) -> np.ndarray:
    """How many accounts had a movement of ``kind`` in each month."""
    result: np.ndarray = (movements.of(kind) > 0).sum(axis=0)
    return result

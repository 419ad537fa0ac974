"""Retention KPIs of a period for a group of accounts. Pure: no database.

A period (a month, fiscal quarter or fiscal year) is measured from its opening, the month-end
before it starts, to its closing, its last month-end. The customers at the opening are the
accounts with MRR above 0 then; for each of them, with opening MRR ``o`` and closing MRR ``c``:

- retained MRR = min(o, c); expanded MRR = max(c - o, 0)
- GRR (gross revenue retention) = sum retained / sum o          (never above 100%)
- NRR (net revenue retention) = sum c / sum o = GRR + expansion share
- expansion share = sum expanded / sum o
- logo churn rate = customers with c = 0 / customers at the opening
- revenue churn rate = sum o of customers with c = 0 / sum o
- quick ratio = (new + expansion + reactivation) / (contraction + churn), from the monthly
  movements inside the period (all accounts of the group, new ones too)

Accounts that arrive during the period count in the movements and the closing MRR but not in
the retention rates, which follow only the customers present at the opening. A rate is None
when its denominator is 0. docs/metrics.md has a worked example of each."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hatake.revenue.movements import GAINS, KINDS, LOSSES, Movements


@dataclass(frozen=True)
class PeriodFigures:
    opening_mrr: int
    closing_mrr: int
    opening_customers: int
    closing_customers: int
    retained_mrr: int
    expanded_mrr: int
    churned_customers: int
    churned_mrr: int
    movements: dict[str, int]  # summed monthly movements inside the period, by kind

    @property
    def net_movement(self) -> int:
        gains = sum(self.movements[kind] for kind in GAINS)
        return gains - sum(self.movements[kind] for kind in LOSSES)

    @property
    def grr(self) -> float | None:
        return _share(self.retained_mrr, self.opening_mrr)

    @property
    def nrr(self) -> float | None:
        return _share(self.retained_mrr + self.expanded_mrr, self.opening_mrr)

    @property
    def expansion_share(self) -> float | None:
        return _share(self.expanded_mrr, self.opening_mrr)

    @property
    def logo_churn_rate(self) -> float | None:
        return _share(self.churned_customers, self.opening_customers)

    @property
    def revenue_churn_rate(self) -> float | None:
        return _share(self.churned_mrr, self.opening_mrr)

    @property
    def quick_ratio(self) -> float | None:
        gains = sum(self.movements[kind] for kind in GAINS)
        return _share(gains, sum(self.movements[kind] for kind in LOSSES))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def period_figures(
    mrr: np.ndarray, movements: Movements, rows: np.ndarray, opening: int, closing: int
) -> PeriodFigures:
    """Figures of the accounts ``rows`` (a boolean mask over the MRR table's rows) for the
    period whose opening and closing month-ends are the table's columns ``opening`` and
    ``closing``; the movements inside it are those of the columns after the opening."""
    opening_mrr = mrr[rows, opening]
    closing_mrr = mrr[rows, closing]
    customers = opening_mrr > 0
    kept_opening = opening_mrr[customers]
    kept_closing = closing_mrr[customers]
    churned = kept_closing == 0
    return PeriodFigures(
        opening_mrr=int(opening_mrr.sum()),
        closing_mrr=int(closing_mrr.sum()),
        opening_customers=int(customers.sum()),
        closing_customers=int((closing_mrr > 0).sum()),
        retained_mrr=int(np.minimum(kept_opening, kept_closing).sum()),
        expanded_mrr=int(np.maximum(kept_closing - kept_opening, 0).sum()),
        churned_customers=int(churned.sum()),
        churned_mrr=int(kept_opening[churned].sum()),
        movements={
            kind: int(movements.between(kind, opening + 1, closing)[rows].sum()) for kind in KINDS
        },
    )


def codes_on(
    account_ids: np.ndarray,
    accounts: np.ndarray,
    codes: np.ndarray,
    entered: np.ndarray,
    left: np.ndarray,
    day: np.datetime64,
) -> np.ndarray:
    """Each account's code (-1 for none) on ``day`` from a history of intervals: interval i
    gives ``accounts[i]`` the code ``codes[i]`` from ``entered[i]`` up to, not including,
    ``left[i]`` (NaT: still open). ``account_ids`` is sorted."""
    covering = (entered <= day) & ((left > day) | np.isnat(left))
    rows = np.searchsorted(account_ids, accounts[covering])
    known = rows < len(account_ids)
    known[known] = account_ids[rows[known]] == accounts[covering][known]
    result = np.full(len(account_ids), -1, dtype=np.int64)
    result[rows[known]] = codes[covering][known]
    return result


def reference_codes(
    opening_mrr: np.ndarray, at_opening: np.ndarray, at_closing: np.ndarray
) -> np.ndarray:
    """The group an account belongs to for a period: its attribute at the opening when it was a
    customer then, else at the closing (an account that arrived during the period)."""
    return np.where(opening_mrr > 0, at_opening, at_closing)


FIGURE_NAMES = (
    "opening_mrr", "closing_mrr", "opening_customers", "closing_customers", "retained_mrr",
    "expanded_mrr", "churned_customers", "churned_mrr",
)  # fmt: skip


def group_figures(
    mrr: np.ndarray,
    movements: Movements,
    codes: np.ndarray,
    groups: int,
    opening: int,
    closing: int,
) -> list[PeriodFigures]:
    """``period_figures`` of every group at once, for groups that split the accounts:
    ``codes[a]`` (0 to ``groups`` - 1) is the group of row ``a``. Every per-account figure is
    one row of a matrix whose columns, ordered by group, are summed group by group at once."""
    opening_mrr, closing_mrr = mrr[:, opening], mrr[:, closing]
    customers = opening_mrr > 0
    churned = customers & (closing_mrr == 0)
    per_account = np.stack(
        [
            opening_mrr,
            closing_mrr,
            customers,
            closing_mrr > 0,
            np.where(customers, np.minimum(opening_mrr, closing_mrr), 0),
            np.where(customers, np.maximum(closing_mrr - opening_mrr, 0), 0),
            churned,
            np.where(churned, opening_mrr, 0),
            *[movements.between(kind, opening + 1, closing) for kind in KINDS],
        ]
    ).astype(np.int64)
    order = np.argsort(codes, kind="stable")
    present, starts = np.unique(codes[order], return_index=True)
    sums = np.zeros((len(per_account), groups), dtype=np.int64)
    if len(order):
        sums[:, present] = np.add.reduceat(per_account[:, order], starts, axis=1)
    totals = sums.T.tolist()
    names = len(FIGURE_NAMES)
    return [
        PeriodFigures(
            **dict(zip(FIGURE_NAMES, row[:names], strict=True)),
            movements=dict(zip(KINDS, row[names:], strict=True)),
        )
        for row in totals
    ]

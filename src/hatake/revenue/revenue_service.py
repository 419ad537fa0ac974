"""Revenue use cases: the month-end MRR table every revenue report starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy.orm import Session

from hatake.core.settings import Settings
from hatake.reports.periods import month_starts_between
from hatake.revenue import revenue_repository
from hatake.revenue.mrr import (
    Exclusion,
    TermArrays,
    convert_minor,
    countable_mask,
    snapshot,
    term_arrays,
)
from hatake.revenue.revenue_config import RevenueConfig, parse_revenue_config
from hatake.team.repository import get_org

DEFAULT_CURRENCY = "JPY"
DEFAULT_FISCAL_START = 4


@dataclass
class MrrTable:
    """Month-end MRR (see hatake.revenue.mrr for the conventions) of every account with a
    countable term, in minor units of ``currency`` (the organisation's).

    Rows follow ``account_ids`` (ascending); columns follow ``months`` (first of each month).
    ``plan_index[a, m]`` is the plan bringing most of the account's MRR at that month-end, an
    index into ``plans`` (-1 where no term runs). ``first_paid[a]`` is the first month, over
    all history and not only the range, whose month-end MRR was above 0. ``excluded`` lists
    every subscription left out and why."""

    months: list[date]
    currency: str
    fiscal_year_start_month: int
    account_ids: np.ndarray
    owner_ids: list[int | None]
    mrr: np.ndarray
    plan_index: np.ndarray
    plans: list[str]
    first_paid: list[date | None]
    excluded: list[Exclusion]


def org_currency(session: Session) -> tuple[str, int]:
    """The organisation's currency and the month its fiscal year starts in."""
    org = get_org(session)
    if org is None:
        return DEFAULT_CURRENCY, DEFAULT_FISCAL_START
    return org.currency, org.fiscal_year_start_month


def revenue_config(settings: Settings) -> RevenueConfig:
    return parse_revenue_config(settings.file_config.revenue)


def load_mrr(session: Session, settings: Settings, first_month: date, last_month: date) -> MrrTable:
    """The MRR table for the months from ``first_month``'s to ``last_month``'s."""
    currency, fiscal_start = org_currency(session)
    config = revenue_config(settings)
    arrays = term_arrays(revenue_repository.all_terms(session))
    counted, excluded = countable_mask(
        arrays, lambda code: config.minor_factor(code, currency) is not None
    )
    arrays = arrays.take(counted)
    amounts = converted_amounts(arrays, config, currency)
    account_ids = np.unique(arrays.account)
    months = month_starts_between(first_month, last_month)
    shot = snapshot(arrays, account_ids, months, amounts)
    owners = revenue_repository.account_owners(session)
    return MrrTable(
        months=months,
        currency=currency,
        fiscal_year_start_month=fiscal_start,
        account_ids=account_ids,
        owner_ids=[owners.get(account_id) for account_id in account_ids.tolist()],
        mrr=shot.mrr,
        plan_index=shot.plan_index,
        plans=shot.plans,
        first_paid=shot.first_paid.astype("datetime64[D]").astype(object).tolist(),
        excluded=excluded,
    )


def converted_amounts(arrays: TermArrays, config: RevenueConfig, base: str) -> np.ndarray:
    """Monthly amounts in minor units of ``base``; every currency has a rate by now."""
    amounts = arrays.amount.copy()
    for code in np.unique(arrays.currency).tolist():
        factor = config.minor_factor(code, base)
        if code == base or factor is None:
            continue
        chosen = arrays.currency == code
        amounts[chosen] = [convert_minor(amount, factor) for amount in amounts[chosen].tolist()]
    return amounts

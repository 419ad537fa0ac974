"""The retention report: MRR, movements and retention KPIs per month, fiscal quarter or fiscal
year, for the whole base and broken down by tier, plan, segment or owner. The page, the API,
the CLI and the exports all read one ``RetentionReport``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import numpy as np
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from hatake.core.errors import InvalidField
from hatake.core.settings import Settings
from hatake.lifecycle.tiers import TIER_ORDER
from hatake.reports.periods import Grain, Period, month_start, periods_between
from hatake.reports.query import parse_grain, period_range
from hatake.revenue import revenue_repository
from hatake.revenue.movements import KINDS, monthly_movements
from hatake.revenue.mrr import Exclusion, days_array, month_end
from hatake.revenue.retention import (
    PeriodFigures,
    codes_on,
    group_figures,
    period_figures,
    reference_codes,
)
from hatake.revenue.revenue_service import MrrTable, load_mrr, org_currency


class Breakdown(StrEnum):
    TIER = "tier"
    PLAN = "plan"
    SEGMENT = "segment"
    OWNER = "owner"


@dataclass(frozen=True)
class PeriodRow:
    period: Period
    closing_month: date  # the period's last month, or the range's last when it ends sooner
    figures: PeriodFigures

    @property
    def partial(self) -> bool:
        return self.closing_month < self.period.month_starts[-1]


@dataclass
class GroupRows:
    key: str  # tier, plan, owner id or segment id; "" for accounts without one
    label: str | None  # None: not set
    rows: list[PeriodRow]


@dataclass
class RetentionReport:
    grain: Grain
    first_month: date
    last_month: date
    currency: str
    fiscal_year_start_month: int
    whole: list[PeriodRow]
    by: Breakdown | None
    groups: list[GroupRows]
    months: list[date]  # every month of the periods shown, up to the last month
    mrr: list[int]  # total month-end MRR of each of ``months``
    movements: dict[str, list[int]]  # total of each movement kind in each of ``months``
    excluded: list[Exclusion]
    account_labels: dict[int, str]  # external id of the accounts named in ``excluded``


@dataclass(frozen=True)
class RetentionQuery:
    grain: Grain
    first_month: date
    last_month: date
    by: Breakdown | None


def parse_query(
    session: Session,
    *,
    grain: str | None,
    first: str | None,
    last: str | None,
    by: str | None,
    today: date,
) -> RetentionQuery:
    """What a page, API call or command asks for; raises ``InvalidField`` naming the parameter,
    its value and the reason. ``first`` and ``last`` are period keys of any grain (2026-04,
    FY2026-Q1, FY2026): the range runs from the start of ``first`` to the end of ``last``, at
    most up to this month. Without them: the periods up to the last complete month."""
    chosen = parse_grain(grain)
    try:
        breakdown = Breakdown(by) if by else None
    except ValueError:
        raise InvalidField(
            "by: {value} is not a breakdown; use tier, plan, segment or owner.",
            field="by",
            value=by,
        ) from None
    _currency, fiscal_start = org_currency(session)
    this_month = month_start(today)
    begin, end = period_range(
        grain=chosen,
        first=first,
        last=last,
        start_month=fiscal_start,
        default_end=this_month - timedelta(days=1),
        latest=month_end(this_month),
    )
    first_month, last_month = month_start(begin), month_start(end)
    return RetentionQuery(chosen, first_month, last_month, breakdown)


def retention_report(
    session: Session, settings: Settings, query: RetentionQuery
) -> RetentionReport:
    """Whole periods from the one containing the first month; the last one is cut at the last
    month (and marked partial) when it runs past it."""
    grain, by = query.grain, query.by
    first_month, last_month = query.first_month, query.last_month
    _currency, fiscal_start = org_currency(session)
    periods = periods_between(first_month, last_month, grain, fiscal_start)
    opening_month = periods[0].first - relativedelta(months=1)
    table = load_mrr(session, settings, opening_month, last_month)
    moved = monthly_movements(table.mrr, _first_paid_index(table))
    column = {month: index for index, month in enumerate(table.months)}
    bounds = [
        (period, column[period.first] - 1, min(period.month_starts[-1], last_month))
        for period in periods
    ]

    def rows_for(masks: Masks) -> list[PeriodRow]:
        return [
            PeriodRow(
                period,
                closing,
                period_figures(
                    table.mrr, moved, masks(opening, column[closing]), opening, column[closing]
                ),
            )
            for period, opening, closing in bounds
        ]

    def rows_by_group(codes: Codes, count: int) -> list[list[PeriodRow]]:
        """The rows of groups 0 to ``count`` - 1 and, last, of the accounts in none (-1)."""
        per_period = []
        for _period, opening, closing in bounds:
            found = codes(opening, column[closing])
            per_period.append(
                group_figures(
                    table.mrr, moved, np.where(found < 0, count, found), count + 1, opening,
                    column[closing],
                )
            )  # fmt: skip
        return [
            [
                PeriodRow(period, closing, figures[code])
                for (period, _opening, closing), figures in zip(bounds, per_period, strict=True)
            ]
            for code in range(count + 1)
        ]

    everyone = np.zeros(len(table.account_ids), dtype=np.int64)  # all in group 0
    groups = _groups(session, table, by, rows_for, rows_by_group) if by else []
    shown = slice(1, None)  # the opening month is not part of the report
    excluded_accounts = {exclusion.account_id for exclusion in table.excluded}
    return RetentionReport(
        grain=grain,
        first_month=periods[0].first,
        last_month=last_month,
        currency=table.currency,
        fiscal_year_start_month=table.fiscal_year_start_month,
        whole=rows_by_group(lambda _opening, _closing: everyone, 1)[0],
        by=by,
        groups=groups,
        months=table.months[shown],
        mrr=table.mrr.sum(axis=0)[shown].tolist(),
        movements={kind: moved.of(kind).sum(axis=0)[shown].tolist() for kind in KINDS},
        excluded=table.excluded,
        account_labels=revenue_repository.external_ids(session, excluded_accounts),
    )


def _first_paid_index(table: MrrTable) -> np.ndarray:
    """Each account's first paid month as a column index of the table (negative before it,
    past the end when never)."""
    first = table.months[0]
    return np.array(
        [
            len(table.months)
            if month is None
            else (month.year - first.year) * 12 + month.month - first.month
            for month in table.first_paid
        ],
        dtype=np.int64,
    )


# For a period's opening and closing columns: a mask of the accounts (Masks) or each account's
# group code, -1 for none (Codes).
Masks = Callable[[int, int], np.ndarray]
Codes = Callable[[int, int], np.ndarray]


def _groups(
    session: Session,
    table: MrrTable,
    by: Breakdown,
    rows_for: Callable[[Masks], list[PeriodRow]],
    rows_by_group: Callable[[Codes, int], list[list[PeriodRow]]],
) -> list[GroupRows]:
    """One row set per group; the groups of tier, plan and owner split the accounts, segments
    may overlap. Groups without a single account in the range are left out."""
    month_ends = np.array([month_end(month) for month in table.months], dtype="datetime64[D]")
    if by is Breakdown.SEGMENT:
        return _segment_groups(session, table, month_ends, rows_for)
    labels: list[tuple[str, str]]
    if by is Breakdown.PLAN:
        labels = [(plan, plan) for plan in table.plans]

        def codes(opening: int, closing: int) -> np.ndarray:
            mrr = table.mrr[:, opening]
            return reference_codes(mrr, table.plan_index[:, opening], table.plan_index[:, closing])

    elif by is Breakdown.OWNER:
        names = revenue_repository.user_names(session)
        owners = sorted(names, key=lambda user_id: (names[user_id], user_id))
        labels = [(str(user_id), names[user_id]) for user_id in owners]
        code_of = {user_id: code for code, user_id in enumerate(owners)}
        owner_codes = np.array([code_of.get(owner, -1) for owner in table.owner_ids])

        def codes(_opening: int, _closing: int) -> np.ndarray:
            return owner_codes

    else:
        tiers = sorted(TIER_ORDER, key=TIER_ORDER.__getitem__)
        labels = [(tier, tier) for tier in tiers]
        history = revenue_repository.tier_history(session)
        code_of = {tier: code for code, tier in enumerate(tiers)}
        accounts = np.array([row[0] for row in history], dtype=np.int64)
        values = np.array([code_of.get(row[1], -1) for row in history], dtype=np.int64)
        entered = days_array([row[2] for row in history])
        left = days_array([row[3] for row in history])

        def codes(opening: int, closing: int) -> np.ndarray:
            def on(index: int) -> np.ndarray:
                day = month_ends[index]
                return codes_on(table.account_ids, accounts, values, entered, left, day)

            return reference_codes(table.mrr[:, opening], on(opening), on(closing))

    grouped = rows_by_group(codes, len(labels))
    result = [
        GroupRows(key, label, rows)
        for (key, label), rows in zip([*labels, ("", None)], grouped, strict=True)
    ]
    return [group for group in result if _has_accounts(group)]


def _segment_groups(
    session: Session,
    table: MrrTable,
    month_ends: np.ndarray,
    rows_for: Callable[[Masks], list[PeriodRow]],
) -> list[GroupRows]:
    names = revenue_repository.segment_names(session)
    history = revenue_repository.segment_history(session)
    accounts = np.array([row[0] for row in history], dtype=np.int64)
    segments = np.array([row[1] for row in history], dtype=np.int64)
    entered = days_array([row[2] for row in history])
    left = days_array([row[3] for row in history])
    result = []
    for segment_id in sorted(names, key=lambda key: (names[key], key)):
        chosen = segments == segment_id
        ones = np.ones(int(chosen.sum()), dtype=np.int64)

        def members(opening: int, closing: int, chosen: np.ndarray = chosen,
                    ones: np.ndarray = ones) -> np.ndarray:  # fmt: skip
            def on(index: int) -> np.ndarray:
                return codes_on(
                    table.account_ids, accounts[chosen], ones, entered[chosen], left[chosen],
                    month_ends[index],
                )  # fmt: skip

            return reference_codes(table.mrr[:, opening], on(opening), on(closing)) == 1

        group = GroupRows(str(segment_id), names[segment_id], rows_for(members))
        if _has_accounts(group):
            result.append(group)
    return result


def _has_accounts(group: GroupRows) -> bool:
    return any(
        row.figures.opening_customers
        or row.figures.closing_customers
        or any(row.figures.movements.values())
        for row in group.rows
    )

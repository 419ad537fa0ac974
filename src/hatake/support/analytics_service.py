"""The support report: which periods and segment were asked for, the figures per period,
broken down by issue type, priority and category, the tables every edge shows and exports,
and one account's support card. Reads only; the arithmetic is in ``analytics.py``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from hatake.health.service import org_time_zone
from hatake.lifecycle.segment_models import Segment
from hatake.reports.periods import Grain, Period, periods_between
from hatake.reports.query import fiscal_start_month, parse_grain, parse_segment, period_range
from hatake.reports.tables import Column, Kind, ReportTable
from hatake.support import analytics_repository as repository
from hatake.support.analytics import (
    NEVER,
    Figures,
    Keys,
    TicketColumns,
    window_figures,
    windows_figures,
)
from hatake.support.models import ISSUE_TYPES, TICKET_PRIORITIES

CARD_MONTHS = 12

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class SupportQuery:
    grain: Grain
    periods: list[Period]
    segment: Segment | None


def parse_query(
    session: Session,
    *,
    grain: str | None,
    first: str | None,
    last: str | None,
    segment: str | None,
    today: date,
) -> SupportQuery:
    """The periods and segment a page, API call or command asks for; raises ``InvalidField``
    naming the parameter, its value and the reason. The range ends today unless ``last``
    says otherwise (see ``reports.query.period_range``)."""
    chosen = parse_grain(grain)
    start_month = fiscal_start_month(session)
    begin, end = period_range(
        grain=chosen, first=first, last=last, start_month=start_month, default_end=today
    )
    periods = periods_between(begin, end, chosen, start_month)
    return SupportQuery(chosen, periods, parse_segment(session, segment))


@dataclass(frozen=True)
class GroupFigures:
    key: str | None
    total: Figures  # the whole range as one window
    periods: list[Figures]


@dataclass(frozen=True)
class SupportReport:
    grain: Grain
    periods: list[Period]
    segment: Segment | None
    time_zone: str
    overall: list[Figures]
    total: Figures
    by_issue_type: list[GroupFigures]
    by_priority: list[GroupFigures]
    by_category: list[GroupFigures]
    # Marked resolved or closed but without a resolution time: they stay in the backlog.
    done_without_time: int


def _micros(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Midnight of a local day, in UTC."""
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def _window(first: date, last: date, zone: ZoneInfo) -> tuple[int, int]:
    """[first 00:00, the day after last 00:00) in the organisation's zone, as UTC micros."""
    return _micros(day_start(first, zone)), _micros(day_start(last + timedelta(days=1), zone))


def _with_total(
    columns: TicketColumns, windows: list[tuple[int, int]]
) -> tuple[list[Figures], Figures]:
    """The figures of each period and of the whole range as one window."""
    *periods, total = windows_figures(columns, [*windows, (windows[0][0], windows[-1][1])])
    return periods, total


def _groups(
    columns: TicketColumns, keys: Keys, windows: list[tuple[int, int]], order: Sequence[str]
) -> list[GroupFigures]:
    """Figures per key some ticket has, those of ``order`` first, in that order, then the
    others; an empty key (no category) is reported as None."""
    present = [name for name, count in zip(keys.names, keys.counts(), strict=True) if count]
    known = [key for key in order if key in present] + [k for k in present if k not in order]
    code = {name: index for index, name in enumerate(keys.names)}
    result = []
    for key in known:
        rows = np.flatnonzero(keys.codes == code[key])
        periods, total = _with_total(columns.take(rows), windows)
        result.append(GroupFigures(key=key or None, total=total, periods=periods))
    return result


def build_report(session: Session, query: SupportQuery) -> SupportReport:
    """The figures of every period, of the whole range, and per issue type, priority and
    category: one read of the tickets that touch the range, the rest NumPy."""
    time_zone = org_time_zone(session)
    zone = ZoneInfo(time_zone)
    windows = [_window(period.first, period.end, zone) for period in query.periods]
    tickets = repository.tickets_touching(
        session,
        day_start(query.periods[0].first, zone),
        day_start(query.periods[-1].end + timedelta(days=1), zone),
        segment_id=query.segment.id if query.segment else None,
    )
    # In order of opening, so every group taken from it is too (one sort instead of one each).
    order = np.argsort(tickets.columns.opened, kind="stable")
    columns = tickets.columns.take(order)
    overall, total = _with_total(columns, windows)
    # Categories with the most tickets in the range first (ties by name), no category last.
    names, counts = tickets.category.names, tickets.category.counts()
    categories = [
        str(name)
        for _count, name in sorted(zip(-counts, names, strict=True), key=lambda p: (not p[1], p))
    ]
    return SupportReport(
        grain=query.grain,
        periods=query.periods,
        segment=query.segment,
        time_zone=time_zone,
        overall=overall,
        total=total,
        by_issue_type=_groups(columns, tickets.issue_type.take(order), windows, ISSUE_TYPES),
        by_priority=_groups(
            columns, tickets.priority.take(order), windows, TICKET_PRIORITIES[::-1]
        ),
        by_category=_groups(columns, tickets.category.take(order), windows, categories),
        done_without_time=int(
            np.count_nonzero(tickets.marked_done & (tickets.columns.resolved == NEVER))
        ),
    )


def figure_columns(_: Gettext) -> list[Column]:
    return [
        Column("opened", _("Tickets opened"), Kind.INTEGER),
        Column("frt_median", _("First response, median (h)"), Kind.NUMBER),
        Column("frt_p90", _("First response, 90th percentile (h)"), Kind.NUMBER),
        Column("unanswered", _("No response yet"), Kind.INTEGER),
        Column("ttr_median", _("Resolution, median (h)"), Kind.NUMBER),
        Column("ttr_p90", _("Resolution, 90th percentile (h)"), Kind.NUMBER),
        Column("unresolved", _("Not resolved yet"), Kind.INTEGER),
        Column("resolution_rate", _("Resolved within the period"), Kind.RATIO),
        Column("resolved", _("Resolved in the period"), Kind.INTEGER),
        Column("backlog", _("Open at the end"), Kind.INTEGER),
        Column("csat_average", _("CSAT average"), Kind.NUMBER),
        Column("csat_satisfied", _("Satisfied (4-5)"), Kind.RATIO),
        Column("csat_responses", _("CSAT responses"), Kind.INTEGER),
    ]


def figure_values(figures: Figures) -> list[Any]:
    return [
        figures.opened,
        figures.first_response.median,
        figures.first_response.p90,
        figures.unanswered,
        figures.resolution.median,
        figures.resolution.p90,
        figures.unresolved,
        figures.resolution_rate,
        figures.resolved,
        figures.backlog_end,
        figures.csat_average,
        figures.csat_satisfied,
        figures.csat_responses,
    ]


def category_label(key: str | None, _: Gettext) -> str:
    """A category as it was typed; tickets without one are grouped as such."""
    return key or _("(no category)")


def report_tables(report: SupportReport, _: Gettext, locale: str) -> list[ReportTable]:
    """Every table the page shows and exports, in page order."""
    columns = figure_columns(_)

    def by_period(key: str, title: str, periods: list[Figures], total: Figures) -> ReportTable:
        rows = [
            [period.label(locale), *figure_values(figures)]
            for period, figures in zip(report.periods, periods, strict=True)
        ]
        rows.append([_("Whole range"), *figure_values(total)])
        return ReportTable(key, title, [Column("period", _("Period")), *columns], rows, decimals=1)

    def by_key(
        key: str, title: str, label: str, groups: list[GroupFigures], name: Gettext
    ) -> ReportTable:
        rows = [[name(group.key), *figure_values(group.total)] for group in groups]
        rows.append([_("All tickets"), *figure_values(report.total)])
        return ReportTable(
            key, title, [Column(key, label), *columns], rows, decimals=1, note=range_note
        )

    range_note = _("{first} to {last}").format(
        first=report.periods[0].label(locale), last=report.periods[-1].label(locale)
    )
    tables = [by_period("summary", _("All tickets by period"), report.overall, report.total)]
    titles = {
        "functional": _("Technical support (functional issues) by period"),
        "operational": _("Customer success (operational issues) by period"),
    }
    for group in report.by_issue_type:
        key = str(group.key)
        tables.append(by_period(key, titles.get(key, _(key)), group.periods, group.total))
    tables.append(by_key("priority", _("By priority"), _("Priority"), report.by_priority, _))
    tables.append(
        by_key(
            "category",
            _("By category"),
            _("Category"),
            report.by_category,
            lambda key: category_label(key, _),
        )
    )
    return tables


def chart_data(report: SupportReport, locale: str) -> dict[str, Any]:
    """Volume per issue type and the backlog at each period end, for the page's charts."""
    return {
        "labels": [period.label(locale) for period in report.periods],
        "volume": {
            str(group.key): [figures.opened for figures in group.periods]
            for group in report.by_issue_type
        },
        "backlog": [figures.backlog_end for figures in report.overall],
    }


@dataclass(frozen=True)
class AccountSupport:
    since: date  # the first day of the last twelve months
    opened: int
    first_response_median: float | None  # hours
    open_now: int
    csat_average: float | None
    csat_responses: int


def account_support(session: Session, *, account_id: int, today: date) -> AccountSupport:
    """The account page's support card: the tickets opened in the last twelve months (today
    included) with their median first response and CSAT, and the tickets open now."""
    zone = ZoneInfo(org_time_zone(session))
    since = today - relativedelta(months=CARD_MONTHS) + timedelta(days=1)
    start, end = _window(since, today, zone)
    tickets = repository.account_tickets(session, account_id, day_start(today + timedelta(1), zone))
    figures = window_figures(tickets.columns, start, end)
    return AccountSupport(
        since=since,
        opened=figures.opened,
        first_response_median=figures.first_response.median,
        open_now=figures.backlog_end,
        csat_average=figures.csat_average,
        csat_responses=figures.csat_responses,
    )

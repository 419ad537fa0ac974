"""The retention report as ``ReportTable``s: what the page shows, the CSV and Excel exports
hold and the CLI prints, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hatake.reports.periods import Grain, Period
from hatake.reports.tables import Column, Kind, ReportTable
from hatake.revenue.movements import KINDS, LOSSES
from hatake.revenue.retention_service import PeriodRow, RetentionReport

Gettext = Callable[[str], str]
KIND_LABELS = {
    "new": "New",
    "expansion": "Expansion",
    "reactivation": "Reactivation",
    "contraction": "Contraction",
    "churn": "Churn",
}


def period_label(row: PeriodRow, locale: str, gettext: Gettext) -> str:
    label = row.period.label(locale)
    if row.partial:
        month = Period(row.closing_month, Grain.MONTH, 0, 0).label(locale)
        return gettext("{period} (to {month})").format(period=label, month=month)
    return label


def signed(kind: str, amount: int) -> int:
    """Losses are shown negative, so that a row adds up to its net change."""
    return -amount if kind in LOSSES else amount


def mrr_table(report: RetentionReport, locale: str, gettext: Gettext) -> ReportTable:
    _ = gettext
    columns = [
        Column("period", _("Period")),
        Column("opening_mrr", _("Opening MRR"), Kind.MONEY),
        *[Column(kind, _(KIND_LABELS[kind]), Kind.MONEY) for kind in KINDS],
        Column("net", _("Net change"), Kind.MONEY),
        Column("closing_mrr", _("Closing MRR"), Kind.MONEY),
        Column("opening_customers", _("Customers at opening"), Kind.INTEGER),
        Column("closing_customers", _("Customers at closing"), Kind.INTEGER),
    ]
    rows = [
        [
            period_label(row, locale, gettext),
            row.figures.opening_mrr,
            *[signed(kind, row.figures.movements[kind]) for kind in KINDS],
            row.figures.net_movement,
            row.figures.closing_mrr,
            row.figures.opening_customers,
            row.figures.closing_customers,
        ]
        for row in report.whole
    ]
    return ReportTable(
        "mrr",
        _("MRR and movements"),
        columns,
        rows,
        currency=report.currency,
        note=_("Month-end MRR; contraction and churn are shown as negative amounts."),
    )


def _kpi_cells(row: PeriodRow) -> list[Any]:
    figures = row.figures
    return [
        figures.grr,
        figures.nrr,
        figures.expansion_share,
        figures.logo_churn_rate,
        figures.revenue_churn_rate,
        figures.quick_ratio,
        figures.opening_customers,
        figures.churned_customers,
    ]


def _kpi_columns(gettext: Gettext) -> list[Column]:
    _ = gettext
    return [
        Column("grr", _("GRR"), Kind.RATIO),
        Column("nrr", _("NRR"), Kind.RATIO),
        Column("expansion_share", _("Expansion share"), Kind.RATIO),
        Column("logo_churn_rate", _("Logo churn rate"), Kind.RATIO),
        Column("revenue_churn_rate", _("Revenue churn rate"), Kind.RATIO),
        Column("quick_ratio", _("Quick ratio"), Kind.NUMBER),
        Column("opening_customers", _("Customers at opening"), Kind.INTEGER),
        Column("churned_customers", _("Churned customers"), Kind.INTEGER),
    ]


def kpi_table(report: RetentionReport, locale: str, gettext: Gettext) -> ReportTable:
    _ = gettext
    return ReportTable(
        "kpis",
        _("Retention KPIs"),
        [Column("period", _("Period")), *_kpi_columns(gettext)],
        [[period_label(row, locale, gettext), *_kpi_cells(row)] for row in report.whole],
        currency=report.currency,
        note=_(
            "Rates follow the customers at each period's opening; the quick ratio uses every "
            "movement inside the period. See docs/metrics.md."
        ),
    )


BREAKDOWN_LABELS = {"tier": "Tier", "plan": "Plan", "segment": "Segment", "owner": "Owner"}


def breakdown_table(report: RetentionReport, locale: str, gettext: Gettext) -> ReportTable:
    _ = gettext
    by = report.by.value if report.by else ""
    columns = [
        Column("group", _(BREAKDOWN_LABELS.get(by, "Group"))),
        Column("period", _("Period")),
        Column("opening_mrr", _("Opening MRR"), Kind.MONEY),
        Column("closing_mrr", _("Closing MRR"), Kind.MONEY),
        *_kpi_columns(gettext),
    ]
    rows = [
        [
            _(group.label) if group.label is not None else _("Not set"),
            period_label(row, locale, gettext),
            row.figures.opening_mrr,
            row.figures.closing_mrr,
            *_kpi_cells(row),
        ]
        for group in report.groups
        for row in group.rows
    ]
    title = _("By {breakdown}").format(breakdown=_(BREAKDOWN_LABELS.get(by, "Group")).lower())
    return ReportTable("breakdown", title, columns, rows, currency=report.currency)


def excluded_table(report: RetentionReport, gettext: Gettext) -> ReportTable:
    _ = gettext
    columns = [
        Column("subscription", _("Subscription")),
        Column("account", _("Account")),
        Column("field", _("Field")),
        Column("value", _("Value")),
        Column("reason", _("Reason")),
    ]
    rows = [
        [
            exclusion.external_id,
            report.account_labels.get(exclusion.account_id, str(exclusion.account_id)),
            exclusion.field,
            "" if exclusion.value is None else str(exclusion.value),
            exclusion.message(gettext),
        ]
        for exclusion in report.excluded
    ]
    return ReportTable(
        "excluded",
        _("Subscriptions left out"),
        columns,
        rows,
        note=_("These subscriptions are not counted in any figure above until they are fixed."),
    )


def retention_tables(report: RetentionReport, locale: str, gettext: Gettext) -> list[ReportTable]:
    tables = [mrr_table(report, locale, gettext), kpi_table(report, locale, gettext)]
    if report.by:
        tables.append(breakdown_table(report, locale, gettext))
    tables.append(excluded_table(report, gettext))
    return tables

"""The cohort and forecast reports as ``ReportTable``s: what their pages show, what the CSV and
Excel downloads hold and what ``hatake report cohorts|forecast`` prints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hatake.reports.periods import Grain, period_containing
from hatake.reports.tables import Column, Kind, ReportTable
from hatake.revenue.cohort_service import NO_GROUP, CohortReport, Projection
from hatake.revenue.forecast_service import ForecastReport

Gettext = Callable[[str], str]


def _group_label(group: str, _: Gettext) -> str:
    if group == "all":
        return _("All customers")
    return _("(none)") if group == NO_GROUP else _(group)


def cohort_tables(report: CohortReport, _: Gettext, locale: str) -> list[ReportTable]:
    ages = max((len(cohort.logos) for cohort in report.cohorts), default=0)
    age_columns = [Column(f"m{age}", f"M{age}", Kind.RATIO) for age in range(ages)]

    def padded(values: list[float | None]) -> list[float | None]:
        return values + [None] * (ages - len(values))

    logo = ReportTable(
        key="logo_retention",
        title=_("Logo retention by start cohort"),
        columns=[
            Column("cohort", _("Cohort")),
            Column("accounts", _("Customers"), Kind.INTEGER),
            *age_columns,
        ],
        rows=[
            [c.period.label(locale), c.accounts, *padded(list(c.logo_retention))]
            for c in report.cohorts
        ],
        note=_("Share of the cohort's accounts paying in each month since their start (M0)."),
    )
    revenue = ReportTable(
        key="revenue_retention",
        title=_("Revenue retention by start cohort"),
        columns=[
            Column("cohort", _("Cohort")),
            Column("starting_mrr", _("Starting MRR"), Kind.MONEY),
            *age_columns,
        ],
        rows=[
            [c.period.label(locale), c.starting_mrr, *padded(c.revenue_retention)]
            for c in report.cohorts
        ],
        currency=report.currency,
        note=_("The cohort's MRR in each month since its start over its MRR at M0; expansion "
               "counts, so it can pass 100%."),
    )  # fmt: skip
    longest = max(
        (int(g.curve.months.max()) for g in report.groups if g.curve.customers), default=0
    )
    survival = ReportTable(
        key="survival",
        title=_("Kaplan-Meier survival"),
        columns=[
            Column("month", _("Months since start"), Kind.INTEGER),
            *[Column(f"s_{g.group}", _group_label(g.group, _), Kind.RATIO) for g in report.groups],
        ],
        rows=[
            [
                month,
                *[
                    g.curve.at(month) if month <= g.curve.last_observed else None
                    for g in report.groups
                ],
            ]
            for month in range(longest + 1)
        ],
    )
    summary = ReportTable(
        key="survival_summary",
        title=_("Customers, churns and median lifetime"),
        columns=[
            Column("group", _("Tier") if report.options.group_by == "tier" else _("Plan")),
            Column("customers", _("Customers"), Kind.INTEGER),
            Column("churns", _("Churned"), Kind.INTEGER),
            Column("median", _("Median lifetime (months)"), Kind.INTEGER),
            Column("s12", _("Survival at 12 months"), Kind.RATIO),
        ],
        rows=[
            [
                _group_label(g.group, _),
                g.curve.customers,
                g.curve.churns,
                g.curve.median,
                g.curve.at(12) if g.curve.last_observed >= 12 else None,
            ]
            for g in report.groups
        ],
        note=_("Median lifetime: the first month when half the customers have churned; empty "
               "while more than half remain."),
    )  # fmt: skip
    return [logo, revenue, survival, summary, *projection_tables(report, _)]


def projection_tables(report: CohortReport, _: Gettext) -> list[ReportTable]:
    projection = report.projection
    unit = report.options.period_months
    rows = []
    for period, fitted in enumerate(projection.fitted or projection.observed):
        observed = projection.observed[period] if period < len(projection.observed) else None
        rows.append([period, period * unit, observed, fitted if projection.fitted else None])
    curve = ReportTable(
        key="projection",
        title=_("Shifted-beta-geometric projection"),
        columns=[
            Column("period", _("Period"), Kind.INTEGER),
            Column("months", _("Months since start"), Kind.INTEGER),
            Column("observed", _("Observed survival"), Kind.RATIO),
            Column("projected", _("sBG survival"), Kind.RATIO),
        ],
        rows=rows,
    )
    lines = [projection, *report.group_projections]
    value = ReportTable(
        key="lifetime_value",
        title=_("Lifetime and customer lifetime value"),
        columns=[
            Column("group", _("Customers of")),
            Column("customers", _("Customers"), Kind.INTEGER),
            Column("alpha", "alpha", Kind.NUMBER),
            Column("beta", "beta", Kind.NUMBER),
            Column("median", _("Median lifetime (periods)"), Kind.INTEGER),
            Column("mean", _("Expected lifetime (periods)"), Kind.NUMBER),
            Column("discounted", _("Discounted lifetime (payments)"), Kind.NUMBER),
            Column("payment", _("Payment per period"), Kind.MONEY),
            Column("clv", _("CLV"), Kind.MONEY),
        ],
        rows=[_value_row(line, _) for line in lines],
        currency=report.currency,
        decimals=3,
        note=_("Gross margin {margin:.0%}, discount rate {rate:.1%} a year; CLV = margin × "
               "payment × discounted lifetime.").format(
            margin=report.clv.gross_margin, rate=report.clv.annual_discount_rate
        ),
    )  # fmt: skip
    return [curve, value]


def _value_row(line: Projection, _: Gettext) -> list[object]:
    fit = line.fit
    return [
        _group_label(line.group, _),
        line.customers,
        fit.alpha if fit else None,
        fit.beta if fit else None,
        line.median_lifetime,
        line.expected_lifetime,
        line.discounted_lifetime,
        round(line.payment),
        None if line.clv is None else round(line.clv),
    ]


def forecast_tables(report: ForecastReport, _: Gettext, locale: str) -> list[ReportTable]:
    def grade_label(grade: str | None) -> str:
        return _("No score") if grade is None else report.grade_labels.get(grade, grade)

    months = ReportTable(
        key="by_month",
        title=_("Renewals by month"),
        columns=[
            Column("month", _("Month")),
            Column("renewals", _("Renewals"), Kind.INTEGER),
            Column("best", _("Best (all renew)"), Kind.MONEY),
            Column("expected", _("Expected"), Kind.MONEY),
            Column("worst", _("Worst"), Kind.MONEY),
        ],
        rows=[
            [_month_label(month, locale), s.renewals, s.best, s.expected, s.worst]
            for month, s in report.months
        ]
        + [[_("Total"), report.total.renewals, report.total.best, report.total.expected,
            report.total.worst]],
        currency=report.currency,
        note=_("ARR up for renewal; expected weights it by the renewal rate of the account's "
               "grade, worst by the lower end of that rate's {confidence:.0%} interval.").format(
            confidence=report.options.confidence
        ),
    )  # fmt: skip
    rates = ReportTable(
        key="grade_rates",
        title=_("Renewal rate by health grade"),
        columns=[
            Column("grade", _("Grade")),
            Column("renewals", _("Past renewals"), Kind.INTEGER),
            Column("renewed", _("Renewed"), Kind.INTEGER),
            Column("rate", _("Renewal rate"), Kind.RATIO),
            Column("lower", _("Lower bound"), Kind.RATIO),
            Column("used", _("Rate used")),
        ],
        rows=[
            [
                grade_label(grade),
                rate.renewals,
                rate.renewed,
                rate.observed_rate,
                rate.lower if not rate.pooled else None,
                _("all grades") if rate.pooled else _("own"),
            ]
            for grade, rate in report.rates.items()
        ],
        note=_("Terms with a fixed billing period that ended from {start} to {end}; grade "
               "{lead} days before the end date.").format(
            start=report.history_from.isoformat(),
            end=report.as_of.isoformat(),
            lead=report.options.lead_days,
        ),
    )  # fmt: skip
    by_grade = ReportTable(
        key="by_grade",
        title=_("Expected renewal ARR by grade"),
        columns=[
            Column("month", _("Month")),
            *[Column(f"g_{grade}", grade_label(grade), Kind.MONEY) for grade in report.grades],
        ],
        rows=[
            [
                _month_label(month, locale),
                *[report.by_grade[grade][index][1].expected for grade in report.grades],
            ]
            for index, (month, _scenario) in enumerate(report.months)
        ],
        currency=report.currency,
    )
    renewals = ReportTable(
        key="renewals",
        title=_("Upcoming renewals"),
        columns=[
            Column("end_date", _("End date"), Kind.DATE),
            Column("account", _("Account")),
            Column("external_id", _("Account ID")),
            Column("plan", _("Plan")),
            Column("grade", _("Grade")),
            Column("arr", _("ARR"), Kind.MONEY),
            Column("expected", _("Expected"), Kind.MONEY),
        ],
        rows=[
            [
                line.renewal.end_date,
                line.name,
                line.external_id,
                line.plan,
                grade_label(line.renewal.grade),
                line.renewal.arr_minor,
                round(line.renewal.arr_minor * report.rates[line.renewal.grade].rate),
            ]
            for line in report.renewals
        ],
        currency=report.currency,
    )
    return [months, rates, by_grade, renewals]


def _month_label(month: date, locale: str) -> str:
    return period_containing(month, Grain.MONTH, 1).label(locale)

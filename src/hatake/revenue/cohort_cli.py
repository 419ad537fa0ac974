"""`hatake report cohorts` and `hatake report forecast`: the cohort, survival and renewal
forecast reports in the terminal, or exported to a file.

The services are imported inside the commands: with SciPy (and, on the first fit, lifelines)
they take about a second to import, which ``hatake --help`` and every other command would
otherwise pay."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hatake.core.cli_support import as_of_day, cli_gettext, cli_locale, cli_runtime, console
from hatake.core.db import transaction
from hatake.reports.query import parse_segment
from hatake.reports.tables import ReportTable
from hatake.reports.terminal import (
    ExportOption,
    SegmentOption,
    check_export,
    print_table,
    write_export,
)
from hatake.team.service import org_today

TERMINAL_COLUMNS = 14  # a triangle's first ages; exports hold every column
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="The day (YYYY-MM-DD); today when left out")
]


def _output(
    tables: list[ReportTable], export: Path | None, table: str, heading: str, locale: str
) -> None:
    _ = cli_gettext()
    if export is None:
        for shown in tables:
            print_table(shown, locale, limit=TERMINAL_COLUMNS)
        return
    write_export(tables, export, table, heading, _)


def cohorts(
    grain: Annotated[str, typer.Option("--grain", help="month or quarter (fiscal)")] = "month",
    by: Annotated[str, typer.Option("--by", help="Survival by tier or plan")] = "tier",
    months: Annotated[int, typer.Option("--months", help="Months in the window")] = 36,
    periods: Annotated[int, typer.Option("--periods", help="Periods projected ahead")] = 24,
    period_months: Annotated[
        int, typer.Option("--period-months", help="Months in a projection period: 1, 3 or 12")
    ] = 1,
    cohort: Annotated[
        str | None, typer.Option("--cohort", help="Fit the projection to one cohort (2026-04)")
    ] = None,
    as_of: AsOfOption = None,
    export: ExportOption = None,
    table: Annotated[
        str, typer.Option("--table", help="The table a .csv export holds")
    ] = "logo_retention",
) -> None:
    """Logo and revenue retention by start cohort, Kaplan-Meier survival by tier or plan, and
    the shifted-beta-geometric projection with lifetimes and CLV."""
    from hatake.revenue import cohort_service
    from hatake.revenue.analysis_tables import cohort_tables
    from hatake.revenue.cohort_views import cohort_options

    _ = cli_gettext()
    locale = cli_locale()
    check_export(export, _)
    day = as_of_day(as_of)
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        options = cohort_options(grain, by, months, periods, period_months, cohort)
        report = cohort_service.build_cohort_report(
            session, runtime.settings, as_of=day or org_today(session), options=options
        )
    _output(cohort_tables(report, _, locale), export, table, _("Cohorts and survival"), locale)


def forecast(
    horizon: Annotated[int, typer.Option("--horizon", help="Months ahead")] = 12,
    lead_days: Annotated[
        int, typer.Option("--lead-days", help="Grade taken this many days before renewal")
    ] = 90,
    lookback: Annotated[int, typer.Option("--lookback", help="Months of past renewals")] = 24,
    segment: SegmentOption = None,
    as_of: AsOfOption = None,
    export: ExportOption = None,
    table: Annotated[str, typer.Option("--table", help="The table a .csv export holds")] = (
        "by_month"
    ),
) -> None:
    """Renewals due each month with ARR: best, expected (weighted by each health grade's
    renewal rate) and worst; with --segment, only the renewals of its members now."""
    from hatake.revenue import forecast_service
    from hatake.revenue.analysis_tables import forecast_tables

    _ = cli_gettext()
    locale = cli_locale()
    check_export(export, _)
    day = as_of_day(as_of)
    options = forecast_service.ForecastOptions(
        horizon_months=horizon, lead_days=lead_days, lookback_months=lookback
    )
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        report = forecast_service.build_forecast(
            session, runtime.analytics(), runtime.settings, as_of=day or org_today(session),
            options=options, locale=locale, segment=parse_segment(session, segment),
        )  # fmt: skip
    heading = _("Renewal forecast")
    if report.segment is not None:
        heading += " · " + _("Segment") + f": {report.segment.name}"
        console.print(
            _("Renewals of the accounts in {segment} now; the renewal rates come from every "
              "past renewal.").format(segment=report.segment.name)
        )  # fmt: skip
    _output(forecast_tables(report, _, locale), export, table, heading, locale)

"""`hatake report support`: the support report in the terminal, or exported to a file."""

from __future__ import annotations

from typing import Annotated

import typer

from hatake.core.cli_support import cli_gettext, cli_locale, cli_runtime
from hatake.core.db import transaction
from hatake.reports.terminal import (
    ExportOption,
    FirstPeriodOption,
    GrainOption,
    SegmentOption,
    check_export,
    print_table,
    write_export,
)
from hatake.support import analytics_service as service
from hatake.team.service import org_today

# The terminal shows the main figures under short headings; exports hold every column.
TERMINAL_COLUMNS = {
    "opened": "Tickets opened",
    "frt_median": "FRT p50 (h)",
    "frt_p90": "FRT p90 (h)",
    "ttr_median": "TTR p50 (h)",
    "ttr_p90": "TTR p90 (h)",
    "resolution_rate": "Resolved in period %",
    "backlog": "Backlog",
    "csat_average": "CSAT",
}


def support(
    grain: GrainOption = "month",
    first: FirstPeriodOption = None,
    last: Annotated[
        str | None, typer.Option("--to", help="Last period; the current one when left out")
    ] = None,
    segment: SegmentOption = None,
    export: ExportOption = None,
    table: Annotated[
        str, typer.Option("--table", help="The table a .csv export holds")
    ] = "summary",
) -> None:
    """Support figures per period: volume, first response and resolution times (median, 90th
    percentile), resolution rate, backlog and CSAT, by issue type, priority and category."""
    _ = cli_gettext()
    locale = cli_locale()
    check_export(export, _)
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        query = service.parse_query(
            session,
            grain=grain,
            first=first,
            last=last,
            segment=segment,
            today=org_today(session),
        )
        report = service.build_report(session, query)
    tables = service.report_tables(report, _, locale)
    if export is None:
        headings = {key: _(heading) for key, heading in TERMINAL_COLUMNS.items()}
        for shown in tables:
            keys = {shown.columns[0].key, *TERMINAL_COLUMNS}
            print_table(shown, locale, keys=keys, headings=headings)
        return
    write_export(tables, export, table, _("Support report"), _)

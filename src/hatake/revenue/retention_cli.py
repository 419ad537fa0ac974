"""`hatake report retention`: MRR, movements and retention KPIs in the terminal, or exported
to a file."""

from __future__ import annotations

from typing import Annotated

import typer

from hatake.core.cli_support import cli_gettext, cli_locale, cli_runtime
from hatake.core.db import transaction
from hatake.reports.terminal import (
    ExportOption,
    FirstPeriodOption,
    GrainOption,
    check_export,
    print_table,
    write_export,
)
from hatake.revenue import retention_service as service
from hatake.revenue.retention_tables import retention_tables
from hatake.team.service import org_today

# The terminal shows the main columns of each table; exports hold every column.
TERMINAL_COLUMNS = {
    "mrr": ("period", "opening_mrr", "new", "expansion", "reactivation", "contraction",
            "churn", "closing_mrr"),
    "kpis": ("period", "grr", "nrr", "logo_churn_rate", "revenue_churn_rate", "quick_ratio"),
    "breakdown": ("group", "period", "closing_mrr", "grr", "nrr", "logo_churn_rate",
                  "quick_ratio"),
}  # fmt: skip


def retention(
    grain: GrainOption = "month",
    first: FirstPeriodOption = None,
    last: Annotated[
        str | None,
        typer.Option("--to", help="Last period; the last complete month when left out"),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Break down by tier, plan, segment or owner")
    ] = None,
    export: ExportOption = None,
    table: Annotated[str, typer.Option("--table", help="The table a .csv export holds")] = "kpis",
) -> None:
    """MRR and its movements (new, expansion, reactivation, contraction, churn) and the
    retention KPIs (GRR, NRR, logo and revenue churn rates, quick ratio) per period."""
    _ = cli_gettext()
    locale = cli_locale()
    check_export(export, _)
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        query = service.parse_query(
            session, grain=grain, first=first, last=last, by=by, today=org_today(session)
        )
        report = service.retention_report(session, runtime.settings, query)
    tables = retention_tables(report, locale, _)
    if export is None:
        for shown in tables:
            if shown.rows or shown.key != "excluded":
                print_table(shown, locale, keys=TERMINAL_COLUMNS.get(shown.key))
        return
    write_export(tables, export, table, _("Revenue and retention"), _)

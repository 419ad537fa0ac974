"""`hatake coverage --as-of DATE`: contact coverage of a day in the terminal."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from hatake.core.cli_support import as_of_day, cli_gettext, cli_runtime, console
from hatake.core.db import transaction
from hatake.coverage import coverage_service as service
from hatake.coverage.coverage import Share
from hatake.team.service import org_today


def _pct(value: Share) -> str:
    return "—" if value.ratio is None else f"{value.ratio:.1%}"


def coverage(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day (YYYY-MM-DD); today when left out")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Uncovered accounts to list")] = 20,
) -> None:
    """Show contact coverage (接触率): overall, per CSM and tier, trend, accounts not covered."""
    _ = cli_gettext()
    day = as_of_day(as_of)
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        report = service.build_report(
            session,
            day=day or org_today(session),
            cadences=service.cadence_config(runtime.settings),
        )
    console.print(
        _("Contact coverage on {date}: {share} ({covered} of {total}); target 100%").format(
            date=report.as_of.isoformat(),
            share=_pct(report.overall),
            covered=report.overall.covered,
            total=report.overall.total,
        )
    )
    for title, shares in ((_("By CSM"), report.by_owner), (_("By tier"), report.by_tier)):
        table = Table(title=title)
        for column in ("", _("Covered"), _("Under contract"), _("Coverage")):
            table.add_column(column, justify="right" if column else "left")
        for key, value in sorted(shares.items(), key=lambda item: item[0] or ""):
            label = _(key) if key else _("(none)")
            table.add_row(label, str(value.covered), str(value.total), _pct(value))
        console.print(table)
    trend = Table(title=_("Trend (12 weeks)"))
    trend.add_column(_("Week ending"))
    trend.add_column(_("Coverage"), justify="right")
    for week_end, value in report.trend:
        trend.add_row(week_end.isoformat(), _pct(value))
    console.print(trend)
    missing = Table(title=_("Not covered"))
    for column in (_("Account"), _("CSM"), _("Days since"), _("Days overdue")):
        missing.add_column(column)
    for line in report.uncovered[:limit]:
        missing.add_row(
            line.name,
            line.owner or "—",
            "—" if line.days_since is None else str(line.days_since),
            "—" if line.days_overdue is None else str(line.days_overdue),
        )
    console.print(missing)

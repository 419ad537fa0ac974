"""`hatake review --week 2026-W47`: the weekly review in the terminal, optionally as Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hatake.core.cli_support import cli_gettext, cli_locale, cli_runtime, console
from hatake.core.db import transaction
from hatake.coverage.review import METRIC_LABELS, METRICS, signed
from hatake.coverage.review_export import review_workbook
from hatake.coverage.review_service import review_for


def _value(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1%}" if name == "coverage" else f"{value:g}"


def review(
    week: Annotated[
        str | None,
        typer.Option("--week", help="ISO week, e.g. 2026-W47; the last complete week if left out"),
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Also write the workbook to this .xlsx file")
    ] = None,
) -> None:
    """Show the weekly review: per CSM and for the team, each figure with the change since the
    week before."""
    _ = cli_gettext()
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        weekly = review_for(session, runtime, week=week)
    this, previous = weekly.this, weekly.previous
    console.print(
        _("Weekly review {week} ({start} – {end}), compared with {previous}").format(
            week=this.week.label,
            start=this.week.monday.isoformat(),
            end=this.last_day.isoformat(),
            previous=previous.week.label,
        ),
        markup=False,
    )
    if this.in_progress:
        console.print(
            _("The week is still running: figures up to {day}.").format(
                day=this.last_day.isoformat()
            )
        )
    # One line per figure rather than a column each: eight columns do not fit a terminal.
    table = Table()
    for title, justify in (
        (_("CSM"), "left"),
        (_("Figure"), "left"),
        (_("This week"), "right"),
        (_("Previous week"), "right"),
        (_("Change"), "right"),
    ):
        table.add_column(title, justify=justify)  # type: ignore[arg-type]
    for row in [weekly.team, *weekly.rows]:
        label = _("Team") if row is weekly.team else row.csm or _("(unassigned)")
        for index, name in enumerate(METRICS):
            compared = row.compared(name)
            table.add_row(
                label if index == 0 else "",
                _(METRIC_LABELS[name]),
                _value(name, compared.value),
                _value(name, compared.previous),
                signed(compared.change, points=name == "coverage"),
                end_section=index == len(METRICS) - 1,
            )
    console.print(table)
    if export is not None:
        export.write_bytes(review_workbook(weekly, locale=cli_locale()))
        console.print(_("Wrote {path}").format(path=export), markup=False)

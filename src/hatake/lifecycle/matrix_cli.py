"""`hatake matrix`: the priority matrix of a day in the terminal, and the Excel workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hatake.core.cli_support import (
    as_of_day,
    cli_gettext,
    cli_locale,
    cli_runtime,
    console,
    error_console,
)
from hatake.core.db import transaction
from hatake.lifecycle import matrix_service as service
from hatake.lifecycle.matrix import signed
from hatake.lifecycle.matrix_export import matrix_workbook
from hatake.team.service import org_today


def matrix(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day (YYYY-MM-DD); today when left out")
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Also write the workbook to this .xlsx file")
    ] = None,
) -> None:
    """Show the priority matrix (IDs × tenure) with changes over 7 and 30 days."""
    _ = cli_gettext()
    day = as_of_day(as_of)
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        state = service.current_state(session, runtime.settings)
        for text in service.config_issue_texts(state.issues, _):
            error_console.print(f"[red]{text}[/red]")
        if state.issues:
            error_console.print(
                _("config.toml [matrix] was not applied; the previous configuration "
                  "(version {version}) stays in force.").format(version=state.version or "—")
            )  # fmt: skip
        day = day or org_today(session)
        view = service.build_matrix(session, day, state.config)
        table = Table(
            title=_("Priority matrix on {date}").format(date=day.isoformat()),
            caption=_("Changes compared with {week} (7 days) and {month} (30 days).").format(
                week=view.earlier[0].isoformat(), month=view.earlier[1].isoformat()
            )
            + " ★ "
            + _("Must not lose"),
        )
        table.add_column(_("IDs"), style="bold")
        for column in view.columns:
            table.add_column(column, justify="right")
        for label, row in zip(view.rows, view.grid, strict=True):
            table.add_row(
                label,
                *(
                    f"{'★ ' if cell.must_not_lose else ''}[bold]{cell.count:,}[/bold]\n"
                    f"[dim]7d {signed(cell.delta_7)}\n30d {signed(cell.delta_30)}[/dim]"
                    for cell in row
                ),
            )
        console.print(table)
        console.print(
            _("Under contract: {now} accounts ({week} / {month}).").format(
                now=f"{view.totals[0]:,}",
                week=signed(view.totals[0] - view.totals[1]),
                month=signed(view.totals[0] - view.totals[2]),
            )
        )
        if export is not None:
            lines, scored_day = service.all_lines(session, runtime, day=day, config=state.config)
            export.write_bytes(
                matrix_workbook(
                    view,
                    lines,
                    gettext=_,
                    grade_names=service.grade_names(session, cli_locale()),
                    scored_day=scored_day,
                    config_version=state.version,
                )
            )
            console.print(_("Wrote {path}").format(path=export))

"""`hatake queue --csm NAME_OR_EMAIL`: today's queue in the terminal, with the reasons."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from hatake.core.cli_support import as_of_day, cli_gettext, cli_runtime, console
from hatake.core.db import transaction
from hatake.coverage import coverage_service, queue_service
from hatake.coverage.queue import describe, figure
from hatake.lifecycle import matrix_service
from hatake.team.service import org_today


def queue(
    csm: Annotated[
        str | None,
        typer.Option("--csm", help="The CSM's name or e-mail; the whole team when left out"),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day (YYYY-MM-DD); today when left out")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows to show")] = 30,
) -> None:
    """Show today's queue: whom to contact, most pressing first, and why."""
    _ = cli_gettext()
    day = as_of_day(as_of)
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        settings = runtime.settings
        owner = queue_service.find_member(session, csm) if csm else None
        result = queue_service.build_queue(
            session,
            runtime.analytics(),
            day=day or org_today(session),
            owner=owner,
            config=queue_service.queue_config(settings),
            cadences=coverage_service.cadence_config(settings),
            matrix_config=matrix_service.current_state(session, settings).config,
        )
    whose = _("the whole team") if owner is None else owner.name
    console.print(
        _("Today's queue of {whose} on {date}: {count} accounts ({snoozed} snoozed)").format(
            whose=whose,
            date=result.day.isoformat(),
            count=len(result.lines),
            snoozed=result.snoozed,
        )
    )
    table = Table()
    for column in ("#", _("Account"), _("CSM"), _("Priority"), _("Why")):
        table.add_column(column, justify="right" if column in ("#", _("Priority")) else "left")
    for position, line in enumerate(result.lines[:limit], start=1):
        table.add_row(
            str(position),
            line.name,
            line.owner or "—",
            figure(line.row.score),
            "\n".join(describe(reason, _) for reason in line.row.reasons),
        )
    console.print(table)

"""`hatake refresh`: score every account for a day, or every day of a range."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from hatake.core.cli_support import cli_gettext, cli_runtime, console
from hatake.core.db import transaction
from hatake.core.errors import InvalidInput
from hatake.health.definition import Definition, default_definition, load_definition
from hatake.health.service import refresh_day


def _definition(path: Path | None) -> Definition:
    if path is None:
        return default_definition()
    if not path.is_file():
        raise InvalidInput("File not found: {file}", file=str(path))
    return load_definition(path.read_text(encoding="utf-8"), source=path.name)


def _days(as_of: date | None, backfill: tuple[datetime, datetime] | None) -> list[date]:
    if backfill is None:
        return [as_of or datetime.now(UTC).date()]
    start, end = backfill[0].date(), backfill[1].date()
    if end < start:
        raise InvalidInput(
            "The backfill ends ({end}) before it starts ({start}).",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def refresh(
    as_of: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Day to score (default: today)")
    ] = None,
    backfill: Annotated[
        tuple[datetime, datetime] | None,
        typer.Option(formats=["%Y-%m-%d"], help="Score every day from FROM to TO"),
    ] = None,
    definition: Annotated[
        Path | None, typer.Option(help="Score definition (YAML); default: the built-in one")
    ] = None,
) -> None:
    """Compute and store health scores with their per-factor explanation."""
    _ = cli_gettext()
    with cli_runtime() as runtime:
        document = _definition(definition)
        days = _days(as_of.date() if as_of else None, backfill)
        results = []
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(_("Scoring"), total=len(days))
            for day in days:
                # One transaction per day: a day's snapshot is stored whole or not at all.
                with transaction(runtime.sessions) as session:
                    results.append(
                        refresh_day(
                            session,
                            runtime.analytics(),
                            as_of=day,
                            definition=document,
                            settings=runtime.settings,
                        )
                    )
                progress.advance(task)
        last = results[-1]
        table = Table(
            title=_("Health scores on {date} (definition {version})").format(
                date=last.as_of.isoformat(), version=document.version
            )
        )
        table.add_column(_("Grade"))
        table.add_column(_("Accounts"), justify="right")
        for grade in [*(g.key for g in document.grades), "-"]:
            if grade in last.grades:
                table.add_row(grade, f"{last.grades[grade]:,}")
        console.print(table)
        console.print(_("{days} day(s) scored.").format(days=len(results)))

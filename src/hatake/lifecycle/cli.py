"""`hatake stages` (distribution, stuck accounts, flow, --refresh) and `hatake tiers`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from hatake.core.cli_support import cli_gettext, cli_locale, cli_runtime, console, error_console
from hatake.core.db import transaction
from hatake.core.errors import InvalidInput
from hatake.lifecycle import repository, service
from hatake.lifecycle.lifecycle_config import TIERS
from hatake.team.service import org_today

DAY = ["%Y-%m-%d"]


def _days(start: date, end: date) -> list[date]:
    if end < start:
        raise InvalidInput(
            "The period ends ({end}) before it starts ({start}).",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def stages(
    as_of: Annotated[
        datetime | None, typer.Option(formats=DAY, help="Day to show (default: today)")
    ] = None,
    flow: Annotated[bool, typer.Option("--flow", help="Moves between stages FROM..TO")] = False,
    start: Annotated[
        datetime | None, typer.Option("--from", formats=DAY, help="First day (flow, refresh)")
    ] = None,
    end: Annotated[
        datetime | None, typer.Option("--to", formats=DAY, help="Last day (flow, refresh)")
    ] = None,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Recompute and record stages and tiers for --as-of, or each day FROM..TO",
        ),
    ] = False,
) -> None:
    """Lifecycle stages: accounts per stage, stuck accounts, the flow between two dates."""
    _ = cli_gettext()
    locale = cli_locale()
    with cli_runtime() as runtime:
        with transaction(runtime.sessions) as session:
            state = service.lifecycle_config(session, runtime.settings)
            today = org_today(session)
        if state.error is not None:
            error_console.print(
                "[yellow]"
                + _("config.toml [lifecycle] was not applied; the previous configuration stays "
                    "in force.")
                + f" {state.error.render(_)}[/yellow]"
            )  # fmt: skip
        day = as_of.date() if as_of else today
        labels = {s.key: s.label_ja if locale == "ja" else s.label_en for s in state.config.stages}
        if refresh:
            days = _days(start.date(), end.date() if end else day) if start else [day]
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task(_("Recording stages"), total=len(days))
                for each in days:
                    # One transaction per day: a long backfill keeps what it finished.
                    with transaction(runtime.sessions) as session:
                        done = service.refresh_stages(
                            session, runtime.analytics(), each, settings=runtime.settings
                        )
                    progress.advance(task)
            console.print(
                _("Stages recorded for {days} days up to {date}: {accounts} accounts, {stages} "
                  "stage changes, {tiers} tier changes on the last day.").format(
                    days=len(days), date=done.day.isoformat(), accounts=done.accounts,
                    stages=done.stage_changes, tiers=done.tier_changes,
                )
            )  # fmt: skip
            day = done.day
        with transaction(runtime.sessions) as session:
            if flow:
                last = end.date() if end else day
                first = start.date() if start else last - timedelta(days=30)
                moves = service.flow(session, first, last)
                table = Table(title=_("Stage flow from {start} to {end}").format(
                    start=first.isoformat(), end=last.isoformat()))  # fmt: skip
                table.add_column(_("From stage"))
                table.add_column(_("To stage"))
                table.add_column(_("Number of accounts"), justify="right")
                for move in moves:
                    before = labels.get(move.from_stage, move.from_stage) if move.from_stage else _(
                        "(new)")  # fmt: skip
                    table.add_row(before, labels.get(move.to_stage, move.to_stage),
                                  str(move.accounts))  # fmt: skip
                console.print(table)
                return
            report = service.stage_report(session, day, state.config)
        table = Table(title=_("Accounts per stage on {date}").format(date=day.isoformat()))
        table.add_column(_("Stage"))
        table.add_column(_("Number of accounts"), justify="right")
        table.add_column(_("Stuck accounts"), justify="right")
        for key, count in report.counts.items():
            stuck = sum(1 for item in report.stuck if item.stage == key)
            table.add_row(labels.get(key, key), str(count), str(stuck))
        console.print(table)


def tiers(
    as_of: Annotated[
        datetime | None, typer.Option(formats=DAY, help="Day to show (default: today)")
    ] = None,
) -> None:
    """Touch tiers: accounts per tier on a day, and the overrides in force."""
    _ = cli_gettext()
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        day = as_of.date() if as_of else org_today(session)
        counts = dict.fromkeys(TIERS, 0)
        for row in repository.periods_on(session, "tier", day):
            counts[row.value] = counts.get(row.value, 0) + 1
        overrides = [row for row in repository.overrides(session) if row.cleared_at is None]
        table = Table(title=_("Accounts per touch tier on {date}").format(date=day.isoformat()))
        table.add_column(_("Touch tier"))
        table.add_column(_("Number of accounts"), justify="right")
        table.add_column(_("Set by hand"), justify="right")
        for tier, count in counts.items():
            manual = sum(1 for row in overrides if row.tier == tier)
            table.add_row(_(tier), str(count), str(manual))
        console.print(table)

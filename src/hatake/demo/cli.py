"""`hatake demo`: fill the stores with a simulated customer base to explore hatake with."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hatake.core.cli_support import cli_gettext, cli_runtime, console
from hatake.core.db import transaction
from hatake.core.errors import Conflict, InvalidInput
from hatake.core.runtime import Runtime
from hatake.coverage.coverage import week_ends
from hatake.demo import names, repository, segments, writer
from hatake.demo.simulator import DemoOptions
from hatake.demo.timeline import japan_today
from hatake.health import snapshots, versions
from hatake.health.service import refresh_days
from hatake.imports.specs import ENTITY_LABELS
from hatake.lifecycle import segment_jobs
from hatake.lifecycle import service as lifecycle_service
from hatake.usage import rollups

# Summary labels of the rows that are not import entities.
OTHER_LABELS = {
    "events": "Usage events",
    "tasks": "Tasks",
    "task_comments": "Task comments",
    "owner_changes": "Owner changes",
    "segments": "Segments",
}


class DemoLocale(StrEnum):
    ja = "ja"
    en = "en"


class DemoDataExists(Conflict):
    message_key = (
        "Accounts already exist. Run `hatake demo --reset` to replace all customer data with "
        "demo data, or add --keep-existing to keep it."
    )


class ConflictingDemoFlags(InvalidInput):
    message_key = "Use either --reset or --keep-existing, not both."


def demo(
    accounts: Annotated[int, typer.Option(min=1, help="Number of customer accounts")] = 500,
    months: Annotated[
        int, typer.Option(min=1, max=120, help="Months of activity before --today")
    ] = 18,
    seed: Annotated[
        int, typer.Option(min=0, help="Random seed; the same seed gives the same data")
    ] = 42,
    locale: Annotated[DemoLocale, typer.Option(help="Language of names and texts")] = DemoLocale.ja,
    today: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="The simulation ends on this day (default: today in Japan)"
        ),
    ] = None,
    reset: Annotated[
        bool, typer.Option(help="Replace existing customer data, events and demo truth tables")
    ] = False,
    score_days: Annotated[
        int, typer.Option(min=0, help="Compute health scores for this many days before --today")
    ] = 90,
    keep_existing: Annotated[
        bool, typer.Option(help="If accounts already exist, leave everything as it is")
    ] = False,
) -> None:
    """Generate demo data: accounts, contacts, contracts, touchpoints (automated tech-touch sends
    among them), tickets, NPS answers, the team's tasks and product-usage events from a
    behavioural simulation, plus the demo team and saved segments."""
    _ = cli_gettext()
    started = time.perf_counter()
    with cli_runtime() as runtime:
        if reset and keep_existing:
            raise ConflictingDemoFlags()
        analytics = runtime.analytics()
        with transaction(runtime.sessions) as session:
            if repository.has_accounts(session) and not reset:
                if keep_existing:
                    console.print(_("Accounts already exist; nothing was changed."))
                    return
                raise DemoDataExists()
            if writer.write_example_config(runtime.settings.config_file, locale.value):
                console.print(
                    _("Wrote an example configuration to {path}.").format(
                        path=runtime.settings.config_file
                    )
                )
            # Read after the example config is written: its tiers decide who gets the sends.
            tiers = lifecycle_service.lifecycle_config(session, runtime.settings).config.tiers
            options = DemoOptions(
                accounts=accounts,
                months=months,
                seed=seed,
                locale=locale.value,
                today=today.date() if today else japan_today(),
                tier_thresholds=tiers,
            )
            with _progress() as progress:
                generating = progress.add_task(_("Generating demo data"), total=options.accounts)
                loading = progress.add_task(_("Loading usage events"), total=1, start=False)
                totals = writer.write_demo(
                    session,
                    analytics,
                    options,
                    reset=reset,
                    workdir=runtime.settings.analytics_file.parent,
                    on_chunk=lambda done: progress.advance(generating, done),
                    on_load=lambda: progress.start_task(loading),
                )
                progress.advance(loading)
        if reset:
            snapshots.clear(analytics)
        # Simulated events arrive stamped in the past, behind the rollups' watermark.
        rollups.clear(analytics)
        _score_recent_days(runtime, options.today, score_days)
        totals["segments"] = _segment_today(runtime, options)
    _print_summary(totals, options.today, time.perf_counter() - started)


def _segment_today(runtime: Runtime, options: DemoOptions) -> int:
    """Record lifecycle stages and touch tiers, save the demo's segments (those whose name is
    taken are left as they are) and compute their members for today, as the server's refresh
    would; returns how many segments were added.

    Stages and tiers are recorded on the first day of the coverage trend too, so its earlier
    week ends have a tier (and a tech-touch account's automated sends count there). Two days
    rather than every week end: each costs seconds on a large demo; a tier that changed in
    between shows as changed today."""
    with transaction(runtime.sessions) as session:
        for day in (week_ends(options.today)[0], options.today):
            lifecycle_service.refresh_stages(
                session, runtime.analytics(), day, settings=runtime.settings
            )
        added = segments.save_demo_segments(
            session,
            options.locale,
            custom_keys=runtime.settings.file_config.custom_keys,
        )
        segment_jobs.refresh_segments(runtime, session, day=options.today)
    return added


def _score_recent_days(runtime: Runtime, today: date, days: int) -> None:
    """Health scores for the last simulated days, so the demo opens with scores and history."""
    if days == 0:
        return
    with _progress() as progress, transaction(runtime.sessions) as session:
        task = progress.add_task(cli_gettext()("Scoring"), total=days)
        refresh_days(
            session,
            runtime.analytics(),
            start=today - timedelta(days=days),
            end=today - timedelta(days=1),
            definition=versions.active_definition(session),
            settings=runtime.settings,
            on_progress=lambda done: progress.advance(task, done),
        )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _print_summary(totals: dict[str, int], today: date, seconds: float) -> None:
    _ = cli_gettext()
    # The entity names shared with the import page, so both speak of the same things.
    labels = {
        entity: _(ENTITY_LABELS[entity]) if entity in ENTITY_LABELS else _(OTHER_LABELS[entity])
        for entity in totals
    }
    table = Table(title=_("Demo data up to {date}").format(date=today.isoformat()))
    table.add_column(_("Data"))
    table.add_column(_("Rows"), justify="right")
    for key, label in labels.items():
        table.add_row(label, f"{totals[key]:,}")
    console.print(table)
    console.print(
        _("Sign in as {email} with the password {password}").format(
            email=names.DEMO_EMAIL, password=names.DEMO_PASSWORD
        )
    )
    console.print(_("Done in {seconds} s.").format(seconds=f"{seconds:.1f}"))

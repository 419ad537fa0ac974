"""`hatake refresh` scores every account for a day or a range of days; `hatake backtest`
tests a definition against the churn that followed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.orm import Session

from hatake.core.cli_support import cli_gettext, cli_runtime, console
from hatake.core.db import transaction
from hatake.core.errors import InvalidInput
from hatake.health import versions
from hatake.health.definition import Definition, load_definition
from hatake.health.evaluation import backtest_day
from hatake.health.service import refresh_day


def _definition(session: Session, choice: str | None) -> Definition:
    """The active version by default; otherwise a saved version, or a YAML file to try out."""
    if choice is None:
        return versions.active_definition(session)
    path = Path(choice)
    if choice.endswith((".yaml", ".yml")) or path.is_file():
        if not path.is_file():
            raise InvalidInput("File not found: {file}", file=str(path))
        return load_definition(path.read_text(encoding="utf-8"), source=path.name)
    return versions.get_definition(session, choice)


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
        str | None,
        typer.Option(help="Definition version or YAML file (default: the active version)"),
    ] = None,
) -> None:
    """Compute and store health scores with their per-factor explanation."""
    _ = cli_gettext()
    with cli_runtime() as runtime:
        with transaction(runtime.sessions) as session:
            document = _definition(session, definition)
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


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def backtest(
    as_of: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Day whose scores are tested (default: today minus the horizon)",
        ),
    ] = None,
    horizon: Annotated[int, typer.Option(min=1, help="Days after the as-of date")] = 90,
    definition: Annotated[
        str | None,
        typer.Option(help="Definition version or YAML file (default: the active version)"),
    ] = None,
) -> None:
    """Test a score definition against the churn that followed: ROC AUC, precision and recall,
    lift by decile, churn rate per grade, accounts that churned while healthy."""
    _ = cli_gettext()
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        document = _definition(session, definition)
        day = as_of.date() if as_of else datetime.now(UTC).date() - timedelta(days=horizon)
        report = backtest_day(
            session,
            runtime.analytics(),
            as_of=day,
            horizon_days=horizon,
            definition=document,
            settings=runtime.settings,
        )
        console.print(
            _(
                "Backtest of definition {version}: scores of {date}, churn in the next {days} days"
            ).format(version=document.version, date=day.isoformat(), days=horizon)
        )
        console.print(
            _("{n} accounts, {churned} churned ({rate})").format(
                n=report.n, churned=report.churned, rate=_percent(report.base_rate)
            )
        )
        auc = "—" if report.roc_auc is None else f"{report.roc_auc:.3f}"
        console.print(f"ROC AUC: {auc}")
        flagged = Table(title=_("Flagged accounts"))
        for column in (_("Rule"), _("Accounts"), _("Precision"), _("Recall"), _("Lift")):
            flagged.add_column(column, justify="right")
        rules = [(", ".join(report.at_risk_grades), report.at_risk)]
        rules += [(_("worst {percent}%").format(percent=p), f) for p, f in report.worst]
        for label, item in rules:
            lift = "—" if item.lift is None else f"{item.lift:.2f}"
            flagged.add_row(
                label, str(item.flagged), _percent(item.precision), _percent(item.recall), lift
            )
        console.print(flagged)
        grades = Table(title=_("Churn rate per grade"))
        for column in (_("Grade"), _("Accounts"), _("Churned"), _("Churn rate")):
            grades.add_column(column, justify="right")
        for row in report.calibration:
            grades.add_row(row.grade, str(row.accounts), str(row.churned), _percent(row.churn_rate))
        console.print(grades)
        deciles = Table(title=_("Lift by decile (1 = lowest scores)"))
        for column in (_("Decile"), _("Accounts"), _("Churned"), _("Lift")):
            deciles.add_column(column, justify="right")
        for row in report.deciles:
            lift = "—" if row.lift is None else f"{row.lift:.2f}"
            deciles.add_row(str(row.decile), str(row.accounts), str(row.churned), lift)
        console.print(deciles)
        if report.false_negatives:
            console.print(
                _("Churned while healthy: {accounts}").format(
                    accounts=", ".join(item.account_id for item in report.false_negatives)
                )
            )

"""`hatake refresh` scores every account for a day or a range of days; `hatake backtest`
tests one definition, or two side by side, against the churn that followed; `hatake fit`
suggests weights learnt from that history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.orm import Session

from hatake.core.cli_support import cli_gettext, cli_locale, cli_runtime, console
from hatake.core.db import transaction
from hatake.core.errors import InvalidInput
from hatake.health import versions
from hatake.health.definition import Definition, load_definition
from hatake.health.scoring import metric_label as scoring_label
from hatake.health.service import refresh_days

if TYPE_CHECKING:
    from hatake.health.backtest import BacktestReport

# The backtest and fit commands import evaluation (and through it scikit-learn) when they run:
# that import costs about a second, which `hatake refresh` would otherwise pay on every run.


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
    """Compute and store health scores with their per-factor explanation. Tracking events a
    stopped server left in the ingest buffer are moved into the stores first."""
    from hatake.usage.ingest import drain_all

    _ = cli_gettext()
    with cli_runtime() as runtime:
        with transaction(runtime.sessions) as session:
            document = _definition(session, definition)
        drain_all(runtime)
        days = _days(as_of.date() if as_of else None, backfill)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(_("Scoring"), total=len(days))
            with transaction(runtime.sessions) as session:
                results = refresh_days(
                    session,
                    runtime.analytics(),
                    start=days[0],
                    end=days[-1],
                    definition=document,
                    settings=runtime.settings,
                    on_progress=lambda done: progress.advance(task, done),
                )
        last = results[-1]
        table = Table(
            title=_("Health scores on {date} (definition {version})").format(
                date=last.as_of.isoformat(), version=document.version
            )
        )
        table.add_column(_("Grade"))
        table.add_column(_("Account count"), justify="right")
        for grade in [*(g.key for g in document.grades), "-"]:
            if grade in last.grades:
                table.add_row(grade, f"{last.grades[grade]:,}")
        console.print(table)
        console.print(_("{days} day(s) scored.").format(days=len(results)))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _backtest_dates(
    as_of: datetime | None, start: datetime | None, every: int | None, horizon: int
) -> list[date]:
    last = as_of.date() if as_of else datetime.now(UTC).date() - timedelta(days=horizon)
    if start is None and every is None:
        return [last]
    if start is None:
        raise InvalidInput("--every needs --from: the first as-of date to pool.")
    from hatake.health import evaluation

    return evaluation.as_of_dates(start.date(), last, every or evaluation.DEFAULT_EVERY_DAYS)


def _print_report(report: BacktestReport) -> None:
    _ = cli_gettext()
    console.print(
        _("{n} accounts, {churned} churned ({rate})").format(
            n=report.n, churned=report.churned, rate=_percent(report.base_rate)
        )
    )
    auc = "—" if report.roc_auc is None else f"{report.roc_auc:.3f}"
    console.print(f"ROC AUC: {auc}")
    flagged = Table(title=_("Flagged accounts"))
    for column in (_("Rule"), _("Account count"), _("Precision"), _("Recall"), _("Lift")):
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
    for column in (_("Grade"), _("Account count"), _("Churned"), _("Churn rate")):
        grades.add_column(column, justify="right")
    for row in report.calibration:
        grades.add_row(row.grade, str(row.accounts), str(row.churned), _percent(row.churn_rate))
    console.print(grades)
    deciles = Table(title=_("Lift by decile (1 = lowest scores)"))
    for column in (_("Decile"), _("Account count"), _("Churned"), _("Lift")):
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


def _print_comparison(
    a: BacktestReport, b: BacktestReport, label_a: str, label_b: str, title: str, locale: str
) -> None:
    from hatake.health.backtest import compare, format_value, metric_kind, metric_label

    _ = cli_gettext()
    table = Table(title=title)
    table.add_column(_("Metric"))
    table.add_column(label_a, justify="right")
    table.add_column(label_b, justify="right")
    table.add_column(_("Difference (B − A)"), justify="right")
    for row in compare(a, b):
        kind = metric_kind(row.metric)
        table.add_row(
            metric_label(row.metric, locale),
            format_value(kind, row.a, locale),
            format_value(kind, row.b, locale),
            format_value(kind, row.difference, locale, signed=True),
        )
    console.print(table)


def _dates_text(dates: list[date]) -> str:
    if len(dates) == 1:
        return dates[0].isoformat()
    return f"{dates[0].isoformat()} … {dates[-1].isoformat()} ({len(dates)})"


def backtest(
    as_of: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Day whose scores are tested; with --from, the last one pooled "
            "(default: today minus the horizon)",
        ),
    ] = None,
    horizon: Annotated[int, typer.Option(min=1, help="Days after the as-of date")] = 90,
    definition: Annotated[
        str | None,
        typer.Option(help="Definition version or YAML file (default: the active version)"),
    ] = None,
    compare_with: Annotated[
        str | None,
        typer.Option("--compare", help="A second version or YAML file, shown side by side"),
    ] = None,
    start: Annotated[
        datetime | None,
        typer.Option(
            "--from", formats=["%Y-%m-%d"], help="Pool as-of dates from this day to --as-of"
        ),
    ] = None,
    every: Annotated[
        int | None, typer.Option(min=1, help="Days between pooled as-of dates (default 30)")
    ] = None,
) -> None:
    """Test a score definition against the churn that followed: ROC AUC, precision and recall,
    lift by decile, churn rate per grade, accounts that churned while healthy. With --compare,
    two definitions side by side on the same accounts and churn."""
    from hatake.health import evaluation

    _ = cli_gettext()
    locale = cli_locale()
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        document = _definition(session, definition)
        chosen = [document]
        if compare_with is not None:
            chosen.append(_definition(session, compare_with))
        dates = _backtest_dates(as_of, start, every, horizon)
        reports = evaluation.backtest_days(
            session,
            runtime.analytics(),
            dates=dates,
            horizon_days=horizon,
            definitions=chosen,
            settings=runtime.settings,
        )
        if len(reports) == 1:
            console.print(
                _(
                    "Backtest of definition {version}: scores of {date}, churn in the next "
                    "{days} days"
                ).format(version=document.version, date=_dates_text(dates), days=horizon)
            )
            _print_report(reports[0])
            return
        other = chosen[1]
        console.print(
            _(
                "Backtest of definitions {a} (A) and {b} (B): scores of {date}, churn in the "
                "next {days} days"
            ).format(a=document.version, b=other.version, date=_dates_text(dates), days=horizon)
        )
        _print_comparison(
            reports[0],
            reports[1],
            f"A {document.version}",
            f"B {other.version}",
            _("Side by side"),
            locale,
        )


def fit(
    start: Annotated[
        datetime | None,
        typer.Option(
            "--from", formats=["%Y-%m-%d"], help="First as-of date (default: a year before --to)"
        ),
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option(
            "--to",
            formats=["%Y-%m-%d"],
            help="Last as-of date (default: today minus the horizon)",
        ),
    ] = None,
    every: Annotated[int, typer.Option(min=1, help="Days between as-of dates")] = 30,
    horizon: Annotated[int, typer.Option(min=1, help="Days after each as-of date")] = 90,
    definition: Annotated[
        str | None,
        typer.Option(help="Definition whose factors are fitted (default: the active version)"),
    ] = None,
    version: Annotated[
        str | None,
        typer.Option(help="Version of the suggestion (default: <version>-fit-YYYYMMDD)"),
    ] = None,
    save: Annotated[bool, typer.Option(help="Store the suggestion as a new version")] = False,
    activate: Annotated[
        bool, typer.Option(help="Also make it the active version (needs --save)")
    ] = False,
) -> None:
    """Suggest factor weights learnt from your own churn history (regularised logistic
    regression, earlier dates train, later dates test) and compare them with the hand-set
    ones. Nothing is stored unless --save is given, nor activated without --activate."""
    from hatake.health import evaluation

    _ = cli_gettext()
    locale = cli_locale()
    today = datetime.now(UTC).date()
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        if activate and not save:
            raise InvalidInput("--activate needs --save.")
        base = _definition(session, definition)
        first, last = evaluation.fit_period(
            today,
            start=start.date() if start else None,
            end=end.date() if end else None,
            horizon_days=horizon,
        )
        outcome = evaluation.run_fit(
            session,
            runtime.analytics(),
            definition=base,
            dates=evaluation.as_of_dates(first, last, every),
            horizon_days=horizon,
            settings=runtime.settings,
            version=version,
            today=today,
        )
        split = outcome.split
        console.print(
            _(
                "Fitted on {train} as-of dates ({first} … {last}, {samples} scores, {churned} "
                "churned); tested on {test} later dates ({test_first} … {test_last}); "
                "{gap} dates left out between them."
            ).format(
                train=len(split.train),
                first=split.train[0].isoformat(),
                last=split.train[-1].isoformat(),
                samples=outcome.result.samples,
                churned=outcome.result.churned,
                test=len(split.test),
                test_first=split.test[0].isoformat(),
                test_last=split.test[-1].isoformat(),
                gap=len(split.gap),
            )
        )
        weights = Table(title=_("Weights: hand-set and fitted (share of 100)"))
        weights.add_column(_("Factor"))
        for column in (_("Hand-set"), _("Fitted"), _("Coefficient")):
            weights.add_column(column, justify="right")
        weights.add_column(_("Evidence"))
        for row in outcome.rows:
            weights.add_row(
                scoring_label(row.metric, locale),
                "—" if row.hand_set is None else f"{row.hand_set:.1f}",
                f"{row.fitted:.1f}",
                f"{row.coefficient:+.4f}",
                "" if row.evidence else _("no evidence"),
            )
        console.print(weights)
        console.print(_("Regularisation C = {c:.3g}").format(c=outcome.result.c))
        _print_comparison(
            outcome.test_base,
            outcome.test_fitted,
            _("Hand-set {version}").format(version=base.version),
            _("Fitted {version}").format(version=outcome.fitted.version),
            _("Backtest on the test period"),
            locale,
        )
        if not save:
            console.print(
                _("Not saved. Run again with --save to store it as version {version}.").format(
                    version=outcome.fitted.version
                )
            )
            return
        versions.save_definition(
            session,
            outcome.document,
            known_metrics=versions.metric_names(runtime.settings),
            origin="fitted",
            note=_("Fitted on {first} … {last}, horizon {days} days").format(
                first=split.train[0].isoformat(), last=split.train[-1].isoformat(), days=horizon
            ),
            activate=activate,
        )
        message = (
            _("Saved and activated version {version}.")
            if activate
            else _("Saved version {version} (not active).")
        )
        console.print(message.format(version=outcome.fitted.version))

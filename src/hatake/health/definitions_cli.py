"""`hatake definition …`: list, show, validate, save, activate and preview score-definition
versions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from hatake.core.cli_support import cli_gettext, cli_locale, cli_runtime, console, error_console
from hatake.core.db import transaction
from hatake.core.errors import InvalidInput
from hatake.core.formatting import local_datetime
from hatake.core.settings import Settings
from hatake.health import lookups, versions
from hatake.health.definition import Definition, DefinitionInvalid
from hatake.health.preview import preview_definition
from hatake.team import repository as team_repository

definition_app = typer.Typer(help="Health score definition versions", no_args_is_help=True)

FileArgument = Annotated[Path, typer.Argument(help="YAML document", dir_okay=False)]


def _read(path: Path) -> str:
    if not path.is_file():
        raise InvalidInput("File not found: {file}", file=str(path))
    return path.read_text(encoding="utf-8")


def _print_issues(invalid: DefinitionInvalid) -> None:
    _ = cli_gettext()
    locale = cli_locale()
    error_console.print(f"[red]{escape(invalid.render(_).splitlines()[0])}[/red]")
    table = Table()
    table.add_column(_("Path"))
    table.add_column(_("Problem"))
    for issue in invalid.issues:
        message = issue.message(locale)
        prefix = f"{issue.path}: "
        table.add_row(issue.path or "—", message.removeprefix(prefix) if issue.path else message)
    error_console.print(table)


@definition_app.command("list")
def list_command() -> None:
    """Every version, newest first; the active one is marked."""
    _ = cli_gettext()
    origins = {"builtin": _("Built-in"), "edited": _("Edited"), "fitted": _("Fitted")}
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        infos = versions.list_versions(session)
        authors = lookups.user_names(session, [info.created_by_id for info in infos])
        org = team_repository.get_org(session)
        time_zone = org.time_zone if org is not None else "Asia/Tokyo"
        table = Table(title=_("Score definitions"))
        columns = (
            "Active",
            "Version",
            "Definition name",
            "Origin",
            "Created",
            "Created by",
            "Note",
        )
        for column in columns:
            table.add_column(_(column))
        for info in infos:
            table.add_row(
                "*" if info.is_active else "",
                info.version,
                escape(info.name),
                origins.get(info.origin, info.origin),
                local_datetime(info.created_at, time_zone),
                escape(authors.get(info.created_by_id, "")) if info.created_by_id else "",
                escape(info.note or ""),
            )
        console.print(table)


@definition_app.command("show")
def show_command(version: str) -> None:
    """Print a version's YAML document."""
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        typer.echo(versions.get_document(session, version), nl=False)


def _validated(file: Path, settings: Settings) -> Definition:
    """The document in ``file``, or every problem printed and exit status 1."""
    try:
        return versions.validate_document(_read(file), settings, file.name)
    except DefinitionInvalid as invalid:
        _print_issues(invalid)
        raise typer.Exit(1) from None


@definition_app.command("validate")
def validate_command(file: FileArgument) -> None:
    """Check a YAML document; every problem is listed with its path."""
    _ = cli_gettext()
    with cli_runtime() as runtime:
        definition = _validated(file, runtime.settings)
        console.print(
            _("Valid: version {version}, {grades} grades, {profiles} profile(s).").format(
                version=definition.version,
                grades=len(definition.grades),
                profiles=len(definition.profiles),
            )
        )


@definition_app.command("save")
def save_command(
    file: FileArgument,
    activate: Annotated[bool, typer.Option(help="Score with it from the next refresh on")] = False,
    note: Annotated[str | None, typer.Option(help="What changed and why")] = None,
) -> None:
    """Save a YAML document as a new version (its `version` must be new)."""
    _ = cli_gettext()
    with cli_runtime() as runtime:
        document = _read(file)
        try:
            with transaction(runtime.sessions) as session:
                definition = versions.save_definition(
                    session,
                    document,
                    known_metrics=versions.metric_names(runtime.settings),
                    note=note,
                    activate=activate,
                )
        except DefinitionInvalid as invalid:
            _print_issues(invalid)
            raise typer.Exit(1) from None
        console.print(_("Saved version {version}.").format(version=definition.version))
        if activate:
            console.print(
                _("Version {version} is now active: the next refresh scores with it.").format(
                    version=definition.version
                )
            )


@definition_app.command("activate")
def activate_command(version: str) -> None:
    """Make a version the one refreshes score with."""
    _ = cli_gettext()
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        versions.activate_version(session, version)
        console.print(
            _("Version {version} is now active: the next refresh scores with it.").format(
                version=version
            )
        )


@definition_app.command("preview")
def preview_command(
    file: FileArgument,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Day to compare on (default: the latest day scored with the active version)",
        ),
    ] = None,
) -> None:
    """Score every account with a YAML document (writing nothing) and compare with the
    stored scores of the active version: grade transitions and the biggest changes."""
    _ = cli_gettext()
    with cli_runtime() as runtime:
        definition = _validated(file, runtime.settings)
        with transaction(runtime.sessions) as session:
            report = preview_definition(
                session,
                runtime.analytics(),
                definition,
                settings=runtime.settings,
                as_of=as_of.date() if as_of else None,
            )
            refs = lookups.account_refs(session, [change.account_id for change in report.biggest])
        console.print(
            _("Preview on {date}: version {before} → {after}").format(
                date=report.as_of.isoformat(),
                before=report.from_version,
                after=report.to_version,
            )
        )
        mean = "—" if report.mean_change is None else f"{report.mean_change:+.1f}"
        console.print(
            _("{accounts} accounts, {changed} would change grade, mean score change {mean}").format(
                accounts=report.accounts, changed=report.changed, mean=mean
            )
        )
        matrix = Table(title=_("Grade transitions"))
        matrix.add_column(_("Stored grade"))
        for key in report.to_grades:
            matrix.add_column(key, justify="right")
        for row, key in enumerate(report.from_grades):
            matrix.add_row(key, *(str(count) for count in report.matrix[row]))
        console.print(matrix)
        if report.biggest:
            biggest = Table(title=_("Biggest score changes"))
            for column in (_("Account"), _("Grade"), _("Score"), _("Change")):
                biggest.add_column(column)
            for change in report.biggest:
                ref = refs.get(change.account_id)
                biggest.add_row(
                    change.account_id + (f" {escape(ref.name)}" if ref else ""),
                    f"{change.grade_before} → {change.grade_after}",
                    f"{change.score_before} → {change.score_after}",
                    f"{change.delta:+.1f}" if change.delta is not None else "—",
                )
            console.print(biggest)

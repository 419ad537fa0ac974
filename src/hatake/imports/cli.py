"""`hatake import ENTITY FILE`: the CLI boundary of the import; it owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.table import Table
from rich.text import Text

from hatake.core.cli_support import cli_locale, cli_runtime, console, error_console
from hatake.core.db import transaction
from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.imports import messages
from hatake.imports.report import ImportFailed, ImportIssue, render
from hatake.imports.service import check_entity, run_import
from hatake.imports.specs import ENTITIES

# Enough to fix a file in one sitting; the count line says how many more there are.
MAX_SHOWN = 1000


class Language(StrEnum):
    ja = "ja"
    en = "en"


def import_file(
    entity: Annotated[str, typer.Argument(help=f"What the file holds: {', '.join(ENTITIES)}")],
    file: Annotated[Path, typer.Argument(help="A .csv (UTF-8 or Shift_JIS) or .xlsx file")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and count, write nothing")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="YAML or JSON object: column name in the file -> field key"),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="Language of the messages (default: HATAKE_DEFAULT_LOCALE)"),
    ] = None,
) -> None:
    """Import accounts, contacts, subscriptions, touchpoints, tickets or survey responses.

    All or nothing: if any row has a problem, nothing is written and every problem is listed.
    Rows are matched on external_id: new ones created, changed ones updated, others untouched.
    """
    locale = lang.value if lang else cli_locale()
    try:
        # Before the stores are opened, so a mistyped entity creates nothing.
        check_entity(entity)
    except HatakeError as error:
        _fail(error, locale)
    with cli_runtime() as runtime:
        try:
            with transaction(runtime.sessions) as session:
                report = run_import(
                    session,
                    entity=entity,
                    path=file,
                    mapping=mapping,
                    dry_run=dry_run,
                    settings=runtime.settings,
                )
        except HatakeError as error:
            _fail(error, locale)
    console.print(report.summary(locale), markup=False)


def _fail(error: HatakeError, locale: str) -> NoReturn:
    """Bad input is a message and exit code 1, never a traceback."""
    if isinstance(error, ImportFailed):
        _print_issues(error.issues, locale)
    error_console.print(error.render(gettext_for(locale)), style="red", markup=False)
    raise typer.Exit(1)


def _print_issues(issues: Sequence[ImportIssue], locale: str) -> None:
    _ = gettext_for(locale)
    table = Table(show_lines=False)
    for title in (
        messages.HEADER_FILE,
        messages.HEADER_ROW,
        messages.HEADER_COLUMN,
        messages.HEADER_VALUE,
        messages.HEADER_REASON,
    ):
        table.add_column(_(title), overflow="fold")
    for issue in issues[:MAX_SHOWN]:
        # Text cells, so brackets in a file's values are shown rather than read as markup.
        table.add_row(
            Text(issue.file),
            Text("" if issue.row is None else str(issue.row)),
            Text(issue.column or ""),
            Text(issue.value or ""),
            Text(issue.reason(locale)),
        )
    error_console.print(table)
    if len(issues) > MAX_SHOWN:
        more = render(locale, messages.MORE_ISSUES, {"count": len(issues) - MAX_SHOWN})
        error_console.print(more, markup=False)

"""Shared plumbing for CLI commands: the runtime, the transaction and error output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import typer
from rich.console import Console

from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.core.runtime import Runtime, open_runtime
from hatake.core.settings import Settings

console = Console()
error_console = Console(stderr=True)


def cli_locale() -> str:
    return Settings().default_locale


def cli_gettext():  # type: ignore[no-untyped-def]
    return gettext_for(cli_locale())


@contextmanager
def cli_runtime() -> Iterator[Runtime]:
    """Open the stores for one command; a HatakeError becomes a message and exit code 1."""
    runtime: Runtime | None = None
    try:
        runtime = open_runtime()
        yield runtime
    except HatakeError as error:
        error_console.print(f"[red]{error.render(cli_gettext())}[/red]")
        raise typer.Exit(1) from None
    finally:
        if runtime is not None:
            runtime.close()


def as_of_day(value: str | None) -> date | None:
    """An ``--as-of`` option as a day (None when left out); a value that is not YYYY-MM-DD
    is refused with the option named, and the command exits with 2 before any work."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        message = cli_gettext()("--as-of: {value} is not a date (YYYY-MM-DD).")
        error_console.print(f"[red]{message.format(value=value)}[/red]")
        raise typer.Exit(2) from None

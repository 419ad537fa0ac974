"""`hatake source ...`: sources of usage events and their write keys, and `hatake ingest drain`."""

from __future__ import annotations

from typing import Annotated

import typer

from hatake.core.cli_support import cli_gettext, cli_runtime, console
from hatake.core.db import transaction
from hatake.usage import sources
from hatake.usage.ingest import drain_all

source_app = typer.Typer(help="Sources of product-usage events (write keys)", no_args_is_help=True)


@source_app.command("create")
def source_create(name: Annotated[str, typer.Argument(help="What sends the events")]) -> None:
    """Create a source and print its write key (shown once; only its digest is stored)."""
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        _source, key = sources.create_source(session, name=name)
    typer.echo(key)


@source_app.command("list")
def source_list() -> None:
    """Show sources: id, name, key prefix, state and last use."""
    _ = cli_gettext()
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        for source in sources.list_sources(session):
            state = _("revoked") if source.revoked_at else _("active")
            used = source.last_used_at.isoformat(timespec="seconds") if source.last_used_at else "-"
            console.print(f"{source.id}\t{source.name}\t{source.key_prefix}…\t{state}\t{used}")


@source_app.command("revoke")
def source_revoke(name: str) -> None:
    """Revoke a source's write key; senders using it get 401 within ten seconds."""
    _ = cli_gettext()
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        sources.revoke_source(session, name=name)
    console.print(_("Revoked {name}.").format(name=name))


@source_app.command("drain")
def source_drain() -> None:
    """Move events a stopped server left in the ingest buffer into the stores."""
    _ = cli_gettext()
    with cli_runtime() as runtime:
        totals = drain_all(runtime)
    console.print(
        _("Moved {messages} messages ({events} usage events).").format(
            messages=totals.messages, events=totals.events
        )
    )

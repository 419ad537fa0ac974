"""`hatake assign --to EMAIL (--segment ID | --account EXT_ID ...)`: give accounts to a CSM."""

from __future__ import annotations

from typing import Annotated

import typer

from hatake.accounts import portfolio_service as service
from hatake.core.cli_support import cli_gettext, cli_runtime, console
from hatake.core.db import transaction, utcnow


def assign(
    to: Annotated[str, typer.Option("--to", help="The new owner's email")],
    segment: Annotated[
        int | None, typer.Option("--segment", help="Assign a segment's current members")
    ] = None,
    account: Annotated[
        list[str] | None, typer.Option("--account", help="An account external id (repeatable)")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (kept in the history)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count only; change nothing")] = False,
) -> None:
    """Assign accounts to a CSM in one transaction; each owner change is recorded."""
    _ = cli_gettext()
    selection = service.Selection(
        external_ids=tuple(dict.fromkeys(account or ())), segment_id=segment
    )
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        if dry_run:
            plan = service.plan_assignment(session, selection=selection, to=to)
        else:
            plan = service.assign(
                session, selection=selection, to=to, changed_by=None, reason=reason, now=utcnow()
            )
    message = (
        _("Dry run: {matched} accounts match; {changed} would move to {name}.")
        if dry_run
        else _("{matched} accounts match; {changed} moved to {name}.")
    )
    console.print(
        message.format(matched=plan.matched, changed=len(plan.changes), name=plan.to.email)
    )

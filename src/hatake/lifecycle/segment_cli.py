"""`hatake segments`: the segments with their size, recomputing membership, one segment's
members."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from sqlalchemy import select

from hatake.accounts.models import Account
from hatake.core.cli_support import cli_gettext, cli_runtime, console
from hatake.core.db import transaction
from hatake.core.settings import Settings
from hatake.health.service import org_time_zone
from hatake.lifecycle import segment_jobs, segment_service
from hatake.lifecycle.segments import describe


def segments(
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Recompute membership for the day first")
    ] = False,
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Day to recompute (default: today)"),
    ] = None,
    show: Annotated[int | None, typer.Option(help="List the members of this segment id")] = None,
) -> None:
    """Segments: saved filters over account attributes and metrics, with their size."""
    _ = cli_gettext()
    locale = Settings().default_locale
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        if refresh:
            day = as_of.date() if as_of else datetime.now(ZoneInfo(org_time_zone(session))).date()
            for result in segment_jobs.refresh_segments(runtime, session, day=day):
                console.print(
                    _("Segment {id}: {members} accounts ({entered} entered, {left} left)").format(
                        id=result.segment_id,
                        members=result.members,
                        entered=result.entered,
                        left=result.left,
                    )
                )
        if show is not None:
            members = segment_service.current_member_ids(session, show)
            table = Table(title=segment_service.get_segment(session, show).name)
            table.add_column(_("External ID"))
            table.add_column(_("Account"))
            for external_id, name in session.execute(
                select(Account.external_id, Account.name)
                .where(Account.id.in_(members))
                .order_by(Account.external_id)
            ):
                table.add_row(external_id, name)
            console.print(table)
            return
        table = Table(title=_("Segments"))
        for heading in (
            "ID",
            _("Segment"),
            _("Conditions"),
            _("Number of accounts"),
            _("Computed on"),
        ):
            table.add_column(heading)
        for segment in segment_service.list_segments(session):
            table.add_row(
                str(segment.id),
                segment.name,
                describe(segment.definition, locale),
                str(segment_service.member_total(session, segment.id)),
                segment.refreshed_on.isoformat() if segment.refreshed_on else "-",
            )
        console.print(table)

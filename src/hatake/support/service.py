"""Ticket use cases for the API. Services flush; the boundary commits."""

from __future__ import annotations

from hatake.accounts.service import ACCOUNT, CONTACT
from hatake.core.errors import InvalidField
from hatake.core.records import Records
from hatake.support import repository
from hatake.support.models import Ticket


def _times_ordered(ticket: Ticket) -> None:
    """A response or resolution before the ticket was opened would give a negative response
    time and take the ticket out of the backlog before it entered it (see analytics.py)."""
    for name in ("first_response_at", "resolved_at"):
        moment = getattr(ticket, name)
        if moment is not None and moment < ticket.opened_at:
            raise InvalidField(
                "{field} {value} is before opened_at {opened}.",
                field=name,
                value=moment.isoformat(),
                opened=ticket.opened_at.isoformat(),
            )


TICKETS = Records(
    Ticket,
    not_found="No ticket with external id {external_id}.",
    taken="A ticket with external id {external_id} already exists.",
    load=repository.TICKET_LOAD,
    required=frozenset({"opened_at", "status", "priority", "issue_type"}),
    references={"account_external_id": ACCOUNT, "contact_external_id": CONTACT},
    settle=_times_ordered,
)

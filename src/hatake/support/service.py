"""Ticket use cases for the API. Services flush; the boundary commits."""

from __future__ import annotations

from hatake.accounts.service import ACCOUNT, CONTACT
from hatake.core.records import Records
from hatake.support import repository
from hatake.support.models import Ticket

TICKETS = Records(
    Ticket,
    not_found="No ticket with external id {external_id}.",
    taken="A ticket with external id {external_id} already exists.",
    load=repository.TICKET_LOAD,
    required=frozenset({"opened_at", "status", "priority", "issue_type"}),
    references={"account_external_id": ACCOUNT, "contact_external_id": CONTACT},
)

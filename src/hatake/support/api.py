"""REST API for support tickets."""

from __future__ import annotations

from fastapi import APIRouter

from hatake.support import repository, service
from hatake.support.schemas import TicketCreate, TicketFilters, TicketRead, TicketUpdate
from hatake.web.api import Resource, add_routes

router = APIRouter(prefix="/api/v1")

add_routes(
    router,
    Resource(
        path="/tickets", tag="tickets", noun="ticket", records=service.TICKETS, read=TicketRead,
        create=TicketCreate, update=TicketUpdate, filters=TicketFilters,
        list_rows=repository.list_tickets, sorts=list(repository.TICKET_SORTS),
    ),
)  # fmt: skip

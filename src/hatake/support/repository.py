from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hatake.core.pagination import PageRequest, paginate
from hatake.core.records import scoped
from hatake.support.models import Ticket
from hatake.support.schemas import TicketFilters


def recent_tickets(session: Session, account_id: int, limit: int = 20) -> Sequence[Ticket]:
    return session.scalars(
        select(Ticket)
        .where(Ticket.account_id == account_id)
        .order_by(Ticket.opened_at.desc())
        .limit(limit)
    ).all()


TICKET_LOAD = (selectinload(Ticket.account), selectinload(Ticket.contact))
TICKET_SORTS = {
    "id": Ticket.id,
    "opened_at": Ticket.opened_at,
    "resolved_at": Ticket.resolved_at,
    "updated_at": Ticket.updated_at,
}


def list_tickets(
    session: Session, page: PageRequest, filters: TicketFilters
) -> tuple[list[Ticket], str | None]:
    statement = scoped(
        select(Ticket).options(*TICKET_LOAD),
        Ticket,
        filters,
        equal=[
            (Ticket.status, filters.status),
            (Ticket.priority, filters.priority),
            (Ticket.issue_type, filters.issue_type),
            (Ticket.category, filters.category),
        ],
    )
    return paginate(session, statement, sorts=TICKET_SORTS, id_column=Ticket.id, page=page)

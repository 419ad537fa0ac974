from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.support.models import Ticket


def recent_tickets(session: Session, account_id: int, limit: int = 20) -> Sequence[Ticket]:
    return session.scalars(
        select(Ticket)
        .where(Ticket.account_id == account_id)
        .order_by(Ticket.opened_at.desc())
        .limit(limit)
    ).all()

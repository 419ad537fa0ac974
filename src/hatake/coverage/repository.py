from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.accounts.models import Contact
from hatake.coverage.models import Touchpoint
from hatake.team.models import User


def recent_touchpoints(
    session: Session, account_id: int, limit: int = 20
) -> Sequence[tuple[Touchpoint, str | None, str | None]]:
    """The account's latest touchpoints with the contact's and the team member's names."""
    rows = session.execute(
        select(Touchpoint, Contact.name, User.name)
        .outerjoin(Contact, Contact.id == Touchpoint.contact_id)
        .outerjoin(User, User.id == Touchpoint.user_id)
        .where(Touchpoint.account_id == account_id)
        .order_by(Touchpoint.occurred_at.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]

"""Snoozes of today's queue, and the touchpoint index the queue reads last touches through."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hatake.accounts.models import Account
from hatake.core.db import Base, UTCDateTime, utcnow
from hatake.coverage.models import Touchpoint
from hatake.team.models import User


class QueueSnooze(Base):
    """An account kept out of today's queue until, not including, ``until``, and why."""

    __tablename__ = "queue_snoozes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    until: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise")


# The queue asks, for every account in scope at once, "the last touch that counts before the
# end of today": with the flags before occurred_at, a person's meaningful touch is one seek per
# account (MAX of the last index entry), where the (account_id, occurred_at) index visits the
# table for every touch of the account to read the flags.
Index(
    "ix_touchpoints_account_counted",
    Touchpoint.account_id,
    Touchpoint.is_automated,
    Touchpoint.is_meaningful,
    Touchpoint.occurred_at,
)
# Promised next steps after an account's last meaningful touch: a seek into the few touches
# that carry one, where the (account_id, occurred_at) index reads every later touch.
Index(
    "ix_touchpoints_account_promised",
    Touchpoint.account_id,
    Touchpoint.occurred_at,
    sqlite_where=Touchpoint.next_step_on.is_not(None),
    postgresql_where=Touchpoint.next_step_on.is_not(None),
)

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from hatake.core.db import Base, UTCDateTime, utcnow


class AccountOwnerChange(Base):
    """One change of an account's owner (CSM): who had it, who has it, who moved it, when and
    why. Written in the same transaction as the change itself."""

    __tablename__ = "account_owner_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # None when made by the CLI or an API token without a user.
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # An account's history, latest first.
        Index("ix_account_owner_changes_account_changed", "account_id", "changed_at"),
    )

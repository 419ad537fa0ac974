from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hatake.accounts.models import Account, Contact
from hatake.core.db import Base, UTCDateTime, utcnow

TICKET_STATUSES = ("open", "pending", "resolved", "closed")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
ISSUE_TYPES = ("functional", "operational")


class Ticket(Base):
    """A support ticket. Functional issues belong to technical support, operational ones to CS."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str | None] = mapped_column(String(500))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    issue_type: Mapped[str] = mapped_column(String(16), default="functional")
    # Free text the support team files the ticket under (ログイン・認証, 請求, ...); the support
    # report breaks its figures down by it.
    category: Mapped[str | None] = mapped_column(String(100))
    csat: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(lazy="raise")
    contact: Mapped[Contact | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("status IN ('open','pending','resolved','closed')", name="status"),
        CheckConstraint("priority IN ('low','normal','high','urgent')", name="priority"),
        CheckConstraint("issue_type IN ('functional','operational')", name="issue_type"),
        CheckConstraint("csat IS NULL OR csat BETWEEN 1 AND 5", name="csat"),
        Index("ix_tickets_account_opened", "account_id", "opened_at"),
    )

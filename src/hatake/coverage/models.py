from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hatake.accounts.models import Account, Contact
from hatake.core.db import Base, UTCDateTime, utcnow
from hatake.team.models import User

CHANNELS = ("phone", "web_meeting", "chat", "email", "visit", "webinar", "in_app")
TASK_PRIORITIES = ("low", "normal", "high", "urgent")
TASK_STATUSES = ("open", "done")


class Touchpoint(Base):
    """A contact between the CS team and a customer."""

    __tablename__ = "touchpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str | None] = mapped_column(Text)
    is_meaningful: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sent by a tech-touch program rather than a person; counts for coverage only in the tiers
    # of [coverage] automated_touches_count_for.
    is_automated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The follow-up the CSM promised, logged with the touch (the queue will read it).
    next_step_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(lazy="raise")
    contact: Mapped[Contact | None] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint(
            "channel IN ('phone','web_meeting','chat','email','visit','webinar','in_app')",
            name="channel",
        ),
        Index("ix_touchpoints_account_occurred", "account_id", "occurred_at"),
        # Coverage reads the meaningful touches of a window of days for every account at once:
        # a range on occurred_at that never visits the table (the two flags are in the index).
        Index(
            "ix_touchpoints_occurred_meaningful",
            "occurred_at",
            "is_meaningful",
            "is_automated",
            "account_id",
        ),
    )


class Task(Base):
    """A follow-up a CSM owes a customer; the queue and task pages are built on it."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    status: Mapped[str] = mapped_column(String(16), default="open")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(lazy="raise")
    assignee: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[created_by_id])

    __table_args__ = (
        CheckConstraint("priority IN ('low','normal','high','urgent')", name="priority"),
        CheckConstraint("status IN ('open','done')", name="status"),
        # The queue asks "open tasks by due day" for one assignee or for everyone.
        Index("ix_tasks_status_due", "status", "due_on"),
    )


class TaskComment(Base):
    """A note on a task from a team member."""

    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

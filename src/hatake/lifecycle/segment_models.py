from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hatake.core.db import Base, UTCDateTime, utcnow


class Segment(Base):
    """A saved filter over account attributes and metrics (see lifecycle/segments.py)."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last day membership was computed, so a page can say how fresh it is.
    refreshed_on: Mapped[date | None] = mapped_column(Date)


class SegmentMembership(Base):
    """One stay of an account in a segment: entered on a day, left on a later one (or not yet).
    Membership is recomputed on refresh; these rows are its enter/leave history."""

    __tablename__ = "segment_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    entered_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_segment_memberships_segment_left", "segment_id", "left_on"),
        Index("ix_segment_memberships_account", "account_id"),
    )


class SegmentCount(Base):
    """How many accounts a segment held on a day, for its member-count chart."""

    __tablename__ = "segment_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    members: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("segment_id", "day"),)

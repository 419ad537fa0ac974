"""Tables of lifecycle stages and touch tiers: the stage/tier history, manual milestone ticks,
tier overrides, the team's initiatives per grid cell and the configuration versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hatake.accounts.models import Account
from hatake.core.db import Base, UTCDateTime, utcnow
from hatake.team.models import User


class LifecycleConfigVersion(Base):
    """Each distinct valid `[lifecycle]` configuration seen; history rows name the version
    that produced them, and an invalid edit falls back to the latest one."""

    __tablename__ = "lifecycle_configs"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LifecyclePeriod(Base):
    """An account's stage (or tier) from ``entered_on`` up to, not including, ``left_on``.
    Stages and tiers share one table because they share the history algorithm."""

    __tablename__ = "lifecycle_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(40))
    previous_value: Mapped[str | None] = mapped_column(String(40))
    entered_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    config_version: Mapped[int | None] = mapped_column(Integer)

    account: Mapped[Account] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("dimension IN ('stage','tier')", name="dimension"),
        CheckConstraint("left_on IS NULL OR left_on > entered_on", name="dates_ordered"),
        UniqueConstraint("account_id", "dimension", "entered_on"),
        # The flow report asks for the periods entered between two days.
        Index("ix_lifecycle_periods_dimension_entered", "dimension", "entered_on"),
    )


class MilestoneTick(Base):
    """An onboarding milestone a team member marked as reached by hand."""

    __tablename__ = "milestone_ticks"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    milestone_key: Mapped[str] = mapped_column(String(40))
    reached_on: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("account_id", "milestone_key"),)


class TierOverride(Base):
    """A tier set by hand, with the reason; clearing it keeps the row (the audit trail)."""

    __tablename__ = "tier_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    tier: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    author: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[author_id])

    __table_args__ = (
        CheckConstraint("tier IN ('high_touch','low_touch','tech_touch')", name="tier"),
    )


class GridInitiative(Base):
    """What the team does for accounts in one stage x tier cell, in its own words."""

    __tablename__ = "grid_initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(40))
    tier: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("stage", "tier"),)

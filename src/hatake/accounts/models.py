from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hatake.core.db import Base, UTCDateTime, utcnow
from hatake.team.models import User

ACCOUNT_STATUSES = ("active", "churned")
SUBSCRIPTION_STATUSES = ("active", "ended", "cancelled")
BILLING_PERIODS = ("monthly", "quarterly", "annual")


class Account(Base):
    """A customer company."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    industry: Mapped[str | None] = mapped_column(String(200))
    employee_count: Mapped[int | None] = mapped_column(Integer)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    cs_plan: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("status IN ('active','churned')", name="status"),
        CheckConstraint("employee_count IS NULL OR employee_count >= 0", name="employees"),
        Index("ix_accounts_name", "name"),
    )


class Contact(Base):
    """A person at a customer: an end user (an ID in seed 004's sense) or a stakeholder."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str | None] = mapped_column(String(200))
    is_champion: Mapped[bool] = mapped_column(Boolean, default=False)
    created_on: Mapped[date | None] = mapped_column(Date)
    deactivated_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(lazy="raise")


class Subscription(Base):
    """One contract term: plan, price and seats between start and end (renewal) dates."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    plan: Mapped[str] = mapped_column(String(100))
    mrr_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="JPY")
    seats: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    billing_period: Mapped[str] = mapped_column(String(16), default="monthly")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("mrr_minor >= 0", name="mrr_non_negative"),
        CheckConstraint("seats IS NULL OR seats >= 0", name="seats_non_negative"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        CheckConstraint("status IN ('active','ended','cancelled')", name="status"),
        CheckConstraint("billing_period IN ('monthly','quarterly','annual')", name="billing"),
    )

"""State-store tables of the health score: the saved definition versions and the CSMs' own
sentiment ratings (a factor hatake cannot compute from data)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hatake.core.db import Base, UTCDateTime, utcnow

DEFINITION_ORIGINS = ("builtin", "edited", "fitted")


class ScoreDefinition(Base):
    """One saved version of the score definition, kept verbatim as the YAML the manager wrote.
    Versions are never edited or deleted: stored scores name the version that made them."""

    __tablename__ = "score_definitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16), default="edited")
    note: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("origin IN ('builtin','edited','fitted')", name="origin"),)


class CsmSentiment(Base):
    """A CSM's rating of how the customer feels (1 very unhappy … 5 very happy) on a day."""

    __tablename__ = "csm_sentiments"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(Integer)
    noted_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        Index("ix_csm_sentiments_account_noted", "account_id", "noted_on"),
    )

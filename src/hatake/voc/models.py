from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hatake.accounts.models import Account, Contact
from hatake.core.db import Base, UTCDateTime, utcnow


class SurveyResponse(Base):
    """An NPS answer from a contact (0-10, promoters 9-10, passives 7-8, detractors 0-6)."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    responded_on: Mapped[date] = mapped_column(Date)
    nps: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(lazy="raise")
    contact: Mapped[Contact | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("nps BETWEEN 0 AND 10", name="nps_range"),
        Index("ix_survey_responses_account_date", "account_id", "responded_on"),
    )

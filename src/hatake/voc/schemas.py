"""API schemas of survey (NPS) responses."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from hatake.core.schemas import (
    AccountRowRead,
    ContactLink,
    ListFilters,
    NewAccountRow,
    patch_model,
)


class SurveyResponseFields(BaseModel):
    responded_on: date = Field(examples=["2026-10-01"])
    nps: int = Field(ge=0, le=10, description="0-10: promoters 9-10, detractors 0-6", examples=[9])
    comment: str | None = Field(default=None, max_length=10000, examples=["サポートが迅速"])
    contact_external_id: str | None = Field(default=None, examples=["USR-0001"])


class SurveyResponseCreate(SurveyResponseFields, NewAccountRow):
    """An NPS answer from a contact of an account."""


SurveyResponseUpdate = patch_model(
    "SurveyResponseUpdate", SurveyResponseFields, doc="The fields to change; the others stay."
)


class SurveyResponseRead(ContactLink, AccountRowRead, SurveyResponseFields):
    pass


class SurveyResponseFilters(ListFilters):
    responded_from: date | None = Field(
        default=None, description="First day, included", examples=["2026-10-01"]
    )
    responded_to: date | None = Field(
        default=None, description="Last day, included", examples=["2026-12-31"]
    )

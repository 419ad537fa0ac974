"""API schemas of support tickets."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from hatake.core.schemas import (
    AccountRowRead,
    ContactLink,
    ListFilters,
    NewAccountRow,
    patch_model,
)

TicketStatus = Literal["open", "pending", "resolved", "closed"]
TicketPriority = Literal["low", "normal", "high", "urgent"]
IssueType = Literal["functional", "operational"]


class TicketFields(BaseModel):
    subject: str | None = Field(default=None, max_length=500, examples=["CSV出力が文字化けする"])
    opened_at: AwareDatetime = Field(examples=["2026-11-18T09:30:00+09:00"])
    first_response_at: AwareDatetime | None = Field(
        default=None, examples=["2026-11-18T10:05:00+09:00"]
    )
    resolved_at: AwareDatetime | None = Field(default=None, examples=[None])
    status: TicketStatus = Field(default="open", examples=["open"])
    priority: TicketPriority = Field(default="normal", examples=["high"])
    issue_type: IssueType = Field(
        default="functional",
        description="functional: technical support; operational: how to use it (CS)",
        examples=["functional"],
    )
    category: str | None = Field(
        default=None,
        max_length=100,
        description="Free text the support team files the ticket under",
        examples=["データ連携"],
    )
    csat: int | None = Field(default=None, ge=1, le=5, examples=[4])
    contact_external_id: str | None = Field(default=None, examples=["USR-0001"])


class TicketCreate(TicketFields, NewAccountRow):
    """A support ticket of an account."""


TicketUpdate = patch_model(
    "TicketUpdate", TicketFields, doc="The fields to change; the others stay."
)


class TicketRead(ContactLink, AccountRowRead, TicketFields):
    pass


class TicketFilters(ListFilters):
    status: TicketStatus | None = Field(default=None, examples=["open"])
    priority: TicketPriority | None = Field(default=None, examples=["urgent"])
    issue_type: IssueType | None = Field(default=None, examples=["operational"])
    category: str | None = Field(default=None, max_length=100, examples=["請求"])

"""API schemas of touchpoints and tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, EmailStr, Field

from hatake.core.schemas import (
    AccountRowRead,
    ContactLink,
    ListFilters,
    NewAccountRow,
    patch_model,
    related,
)

Channel = Literal["phone", "web_meeting", "chat", "email", "visit", "webinar", "in_app"]
TaskPriority = Literal["low", "normal", "high", "urgent"]
TaskStatus = Literal["open", "done"]


class TouchpointFields(BaseModel):
    channel: Channel = Field(examples=["web_meeting"])
    occurred_at: AwareDatetime = Field(
        description="When it happened, with a UTC offset", examples=["2026-11-20T10:00:00+09:00"]
    )
    summary: str | None = Field(default=None, max_length=5000, examples=["定例会: 活用状況の確認"])
    is_meaningful: bool = Field(
        default=True,
        description="A real conversation about the customer's goals (counts for coverage)",
        examples=[True],
    )
    is_automated: bool = Field(
        default=False,
        description="Sent by a tech-touch program, not a person; counts for coverage only in "
        "the tiers of [coverage] automated_touches_count_for",
        examples=[False],
    )
    next_step_on: date | None = Field(
        default=None, description="The follow-up promised", examples=["2026-12-01"]
    )
    contact_external_id: str | None = Field(default=None, examples=["USR-0001"])
    user_email: EmailStr | None = Field(
        default=None, description="The team member who made it", examples=["csm@example.com"]
    )


class TouchpointCreate(TouchpointFields, NewAccountRow):
    """A contact between the CS team and a customer."""


TouchpointUpdate = patch_model(
    "TouchpointUpdate", TouchpointFields, doc="The fields to change; the others stay."
)


class TouchpointRead(ContactLink, AccountRowRead, TouchpointFields):
    user_email: str | None = Field(
        default=None,
        validation_alias=related("user_email", "user", "email"),
        examples=["csm@example.com"],
    )


class TouchpointFilters(ListFilters):
    channel: Channel | None = Field(default=None, examples=["visit"])
    occurred_from: AwareDatetime | None = Field(
        default=None, description="Included (ISO 8601 with offset)",
        examples=["2026-11-01T00:00:00+09:00"],
    )  # fmt: skip
    occurred_to: AwareDatetime | None = Field(
        default=None, description="Excluded (ISO 8601 with offset)",
        examples=["2026-12-01T00:00:00+09:00"],
    )  # fmt: skip
    meaningful: bool | None = Field(
        default=None, description="Only meaningful touches (or only the others)", examples=[True]
    )


class TaskFields(BaseModel):
    title: str = Field(min_length=1, max_length=300, examples=["更新前の利用状況レビューを設定"])
    description: str | None = Field(
        default=None, max_length=10000, examples=["管理者向け機能の活用が伸びていない"]
    )
    assignee_email: EmailStr | None = Field(default=None, examples=["csm@example.com"])
    due_on: date | None = Field(default=None, examples=["2026-12-01"])
    priority: TaskPriority = Field(default="normal", examples=["high"])
    status: TaskStatus = Field(
        default="open", description="Setting done records completed_at", examples=["open"]
    )


class TaskCreate(TaskFields, NewAccountRow):
    """A follow-up the CS team owes a customer."""


TaskUpdate = patch_model("TaskUpdate", TaskFields, doc="The fields to change; the others stay.")


class TaskRead(AccountRowRead, TaskFields):
    assignee_email: str | None = Field(
        default=None,
        validation_alias=related("assignee_email", "assignee", "email"),
        examples=["csm@example.com"],
    )
    created_by_email: str | None = Field(
        default=None,
        validation_alias=related("created_by_email", "created_by", "email"),
        description="The user of the token that created it",
        examples=["manager@example.com"],
    )
    completed_at: datetime | None = Field(default=None, examples=[None])
    created_at: datetime = Field(examples=["2026-11-20T01:00:00Z"])


class TaskFilters(ListFilters):
    status: TaskStatus | None = Field(default=None, examples=["open"])
    assignee: EmailStr | None = Field(
        default=None, description="The assignee's email", examples=["csm@example.com"]
    )
    due_before: date | None = Field(
        default=None, description="Only tasks due before this day", examples=["2026-12-01"]
    )

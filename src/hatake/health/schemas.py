from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class FactorRead(BaseModel):
    metric: str = Field(examples=["usage_rate"])
    label: str = Field(examples=["Usage rate"])
    group: str = Field(examples=["usage"])
    raw_value: float | str | None = Field(examples=[0.53])
    points: float | None = Field(examples=[66.0])
    weight: float = Field(description="Share of 100 after missing data was redistributed")
    contribution: float = Field(description="points × weight / 100; these add up to the score")
    missing: bool


class HealthRead(BaseModel):
    account_external_id: str
    as_of: date
    definition_version: str
    profile: str
    score: float | None = Field(examples=[74.1])
    grade: str | None = Field(examples=["healthy"])
    trend: dict[str, float | None] = Field(
        description="Score change over 7, 30 and 90 days", examples=[{"7d": -1.2, "30d": -4.4}]
    )
    why_changed_30d: str | None = Field(examples=["-4.4: Open tickets -4.5, …"])
    factors: list[FactorRead]


class SentimentCreate(BaseModel):
    """A CSM's rating of how the customer feels. The range is checked by hatake (400 with a
    translated message), not by the schema."""

    rating: int = Field(
        description="1 very unhappy, 2 unhappy, 3 neutral, 4 happy, 5 very happy",
        json_schema_extra={"minimum": 1, "maximum": 5},
        examples=[4],
    )
    noted_on: date | None = Field(
        default=None,
        description="The day the rating describes; today in the organisation's time zone when "
        "left out, and never later than today",
        examples=["2026-11-20"],
    )
    note: str | None = Field(
        default=None, max_length=2000, examples=["定例会で新機能に前向きな反応"]
    )


class SentimentRead(BaseModel):
    id: int = Field(examples=[12])
    account_external_id: str = Field(examples=["ACC-00042"])
    rating: int = Field(examples=[4])
    label: str = Field(
        description="The rating in words, in the request's language", examples=["満足"]
    )
    noted_on: date = Field(examples=["2026-11-20"])
    note: str | None = Field(examples=["定例会で新機能に前向きな反応"])
    author_name: str | None = Field(
        description="Who recorded it (the token's user for API writes)", examples=["佐藤 花子"]
    )
    created_at: datetime


class HealthHistoryPoint(BaseModel):
    as_of: date = Field(examples=["2026-11-20"])
    definition_version: str = Field(examples=["2026-11-24.1"])
    profile: str | None = Field(examples=["default"])
    score: float | None = Field(examples=[74.1])
    grade: str | None = Field(examples=["healthy"])


class HealthHistory(BaseModel):
    account_external_id: str
    points: list[HealthHistoryPoint] = Field(
        description="One stored score per day, oldest first. A day scored with several "
        "definition versions shows the active definition's score."
    )


class FactorChangeRead(BaseModel):
    metric: str = Field(examples=["open_tickets"])
    label: str = Field(examples=["Open tickets"])
    contribution_before: float = Field(examples=[10.0])
    contribution_after: float = Field(examples=[5.5])
    delta: float = Field(description="after − before; these add up to the score change")
    raw_value_before: float | str | None = Field(examples=[0])
    raw_value_after: float | str | None = Field(examples=[2])


class ScoredDayRead(BaseModel):
    requested: date = Field(description="The day asked for")
    as_of: date = Field(description="The stored day used: the requested one or the nearest earlier")
    definition_version: str = Field(examples=["2026-11-24.1"])
    score: float | None = Field(examples=[74.1])
    grade: str | None = Field(examples=["healthy"])


class HealthChanges(BaseModel):
    account_external_id: str
    before: ScoredDayRead
    after: ScoredDayRead
    delta: float | None = Field(examples=[-4.4])
    definition_changed: bool = Field(
        description="True when the two days were scored with different definition versions"
    )
    summary: str = Field(examples=["-4.4: Open tickets -4.5, Days since meaningful touch +0.1"])
    factors: list[FactorChangeRead] = Field(description="Every factor, largest effect first")

from __future__ import annotations

from datetime import date

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

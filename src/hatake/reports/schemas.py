"""API shapes the report endpoints share."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SegmentRef(BaseModel):
    """The segment a report was narrowed to."""

    id: int = Field(examples=[4])
    name: str = Field(examples=["更新90日以内の要注意"])

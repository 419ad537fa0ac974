"""API shapes of the score-definition versions and of a preview."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EXAMPLE_DOCUMENT = """version: "2026-12-01.1"
name: Usage-heavy score
grades:
  - {key: healthy, label_ja: 良好, label_en: Healthy, colour: "#2e7d32", min: 70}
  - {key: at_risk, label_ja: 危険, label_en: At risk, colour: "#c62828", min: 0}
profiles:
  - key: default
    groups:
      - key: usage
        weight: 1
        factors:
          - {metric: usage_rate, weight: 1, function: {kind: linear, worst: 0, best: 0.8}}
"""


class DefinitionVersionRead(BaseModel):
    version: str = Field(examples=["2026-12-01.1"])
    name: str = Field(examples=["Usage-heavy score"])
    origin: Literal["builtin", "edited", "fitted"] = Field(examples=["edited"])
    is_active: bool
    created_at: datetime | None = Field(description="None for the built-in version")
    created_by: str | None = Field(examples=["佐藤 花子"], description="Who saved it")
    note: str | None = Field(examples=["More weight on usage"])


class DefinitionDocumentRead(DefinitionVersionRead):
    document: str = Field(description="The YAML document, verbatim", examples=[EXAMPLE_DOCUMENT])


class DefinitionCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"document": EXAMPLE_DOCUMENT, "note": "More weight on usage", "activate": True}
            ]
        }
    )

    document: str = Field(min_length=1, description="The YAML document; its `version` is new")
    note: str | None = Field(default=None, max_length=2000)
    activate: bool = Field(default=False, description="Score with it from the next refresh on")


class PreviewRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"document": EXAMPLE_DOCUMENT, "as_of": None}]}
    )

    document: str = Field(min_length=1, description="The YAML document to try out")
    as_of: date | None = Field(
        default=None,
        description="Day to compare on (default: the latest day with stored scores of the "
        "active version)",
    )


class AccountChangeRead(BaseModel):
    account_external_id: str = Field(examples=["ACC-00042"])
    account_name: str | None = Field(examples=["株式会社はたけ建設"])
    grade_before: str = Field(examples=["healthy"], description="'-' for no score")
    grade_after: str = Field(examples=["at_risk"])
    score_before: float | None = Field(examples=[72.4])
    score_after: float | None = Field(examples=[38.0])
    change: float | None = Field(examples=[-34.4])


class TransitionRead(BaseModel):
    from_grade: str = Field(examples=["healthy"])
    to_grade: str = Field(examples=["at_risk"])
    accounts: int = Field(examples=[3])


class PreviewRead(BaseModel):
    as_of: date
    from_version: str = Field(description="The active version whose stored scores are compared")
    to_version: str
    accounts: int = Field(examples=[500])
    changed_grade: int = Field(examples=[37], description="Accounts whose grade would change")
    mean_score_change: float | None = Field(examples=[-1.8])
    from_grades: list[str] = Field(examples=[["healthy", "neutral", "at_risk"]])
    to_grades: list[str] = Field(examples=[["healthy", "at_risk"]])
    matrix: list[list[int]] = Field(
        description="matrix[i][j]: accounts from from_grades[i] to to_grades[j]",
        examples=[[[300, 12], [40, 60], [1, 87]]],
    )
    transitions: list[TransitionRead] = Field(description="The non-zero cells of the matrix")
    biggest_changes: list[AccountChangeRead]

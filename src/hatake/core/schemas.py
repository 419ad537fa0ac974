"""Helpers shared by the Pydantic schemas of every capability."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from pydantic import (
    AliasChoices,
    AliasPath,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
)


def related(name: str, *path: str) -> AliasChoices:
    """Read ``name`` from a payload, or follow ``path`` on an ORM row (``account.external_id``),
    so one Read schema serves both."""
    return AliasChoices(name, AliasPath(*path))


def patch_model(name: str, base: type[BaseModel], *, doc: str) -> type[BaseModel]:
    """The PATCH schema of ``base``: every field optional (only those sent change), the same
    constraints and examples, unknown fields refused."""
    fields: dict[str, Any] = {}
    for field_name, info in base.model_fields.items():
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (info.annotation | None, optional)
    model = create_model(name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields)
    return model


class ChangedSince(BaseModel):
    updated_since: AwareDatetime | None = Field(
        default=None,
        description="Only rows changed at or after this time (ISO 8601 with offset)",
        examples=["2026-11-01T00:00:00+09:00"],
    )


class ListFilters(ChangedSince):
    """Query filters every list of account-owned rows takes."""

    account: str | None = Field(
        default=None, description="Only rows of this account (external id)", examples=["ACC-0001"]
    )


class NewAccountRow(BaseModel):
    """The keys of a new row that belongs to an account."""

    external_id: str = Field(
        min_length=1, max_length=200, description="The row's id in its source", examples=["X-0001"]
    )
    account_external_id: str = Field(min_length=1, examples=["ACC-0001"])


class AccountRowRead(BaseModel):
    """What every row that belongs to an account reads back with."""

    id: int = Field(examples=[7])
    external_id: str = Field(examples=["X-0001"])
    account_external_id: str = Field(
        validation_alias=related("account_external_id", "account", "external_id"),
        examples=["ACC-0001"],
    )
    updated_at: datetime = Field(examples=["2026-11-20T01:00:00Z"])


class ContactLink(BaseModel):
    contact_external_id: str | None = Field(
        default=None,
        validation_alias=related("contact_external_id", "contact", "external_id"),
        examples=["USR-0001"],
    )

from __future__ import annotations

from datetime import date
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, EmailStr, Field

AccountStatus = Literal["active", "churned"]
Item = TypeVar("Item")


class AccountBase(BaseModel):
    name: str = Field(min_length=1, max_length=300, examples=["株式会社はたけ建設"])
    industry: str | None = Field(default=None, max_length=200, examples=["建設業"])
    employee_count: int | None = Field(default=None, ge=0, examples=[120])
    owner_email: EmailStr | None = Field(default=None, examples=["csm@example.com"])
    cs_plan: str | None = Field(default=None, max_length=100, examples=["basic"])
    start_date: date | None = Field(default=None, examples=["2025-04-01"])
    status: AccountStatus = "active"
    custom: dict[str, Any] = Field(default_factory=dict, examples=[{"region": "関東"}])


class AccountCreate(AccountBase):
    external_id: str = Field(min_length=1, max_length=200, examples=["ACC-0001"])


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=300)
    industry: str | None = None
    employee_count: int | None = Field(default=None, ge=0)
    owner_email: EmailStr | None = None
    cs_plan: str | None = None
    start_date: date | None = None
    status: AccountStatus | None = None
    custom: dict[str, Any] | None = None


class AccountRead(AccountBase):
    id: int
    external_id: str


class ContactBase(BaseModel):
    name: str = Field(min_length=1, max_length=300, examples=["山田 太郎"])
    email: EmailStr | None = Field(default=None, examples=["yamada@example.co.jp"])
    role: str | None = Field(default=None, max_length=200, examples=["情報システム部 課長"])
    is_champion: bool = False
    created_on: date | None = None
    deactivated_on: date | None = None


class ContactCreate(ContactBase):
    external_id: str = Field(min_length=1, max_length=200, examples=["USR-0001"])
    account_external_id: str = Field(min_length=1, examples=["ACC-0001"])


class ContactUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=300)
    email: EmailStr | None = None
    role: str | None = None
    is_champion: bool | None = None
    created_on: date | None = None
    deactivated_on: date | None = None
    account_external_id: str | None = None


class ContactRead(ContactBase):
    id: int
    external_id: str
    account_external_id: str


class Page(BaseModel, Generic[Item]):
    """A page of results; pass `next_cursor` back as `cursor` for the next page."""

    items: list[Item]
    next_cursor: str | None = None

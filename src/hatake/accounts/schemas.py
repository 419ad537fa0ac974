from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, EmailStr, Field, model_validator

from hatake.core.schemas import (
    AccountRowRead,
    ChangedSince,
    ListFilters,
    NewAccountRow,
    patch_model,
    related,
)

AccountStatus = Literal["active", "churned"]
SubscriptionStatus = Literal["active", "ended", "cancelled"]
BillingPeriod = Literal["monthly", "quarterly", "annual"]


class AccountBase(BaseModel):
    name: str = Field(min_length=1, max_length=300, examples=["株式会社はたけ建設"])
    industry: str | None = Field(default=None, max_length=200, examples=["建設業"])
    employee_count: int | None = Field(default=None, ge=0, examples=[120])
    owner_email: EmailStr | None = Field(default=None, examples=["csm@example.com"])
    cs_plan: str | None = Field(default=None, max_length=100, examples=["basic"])
    start_date: date | None = Field(default=None, examples=["2025-04-01"])
    status: AccountStatus = Field(default="active", examples=["active"])
    custom: dict[str, Any] = Field(default_factory=dict, examples=[{"region": "関東"}])


class AccountCreate(AccountBase):
    external_id: str = Field(min_length=1, max_length=200, examples=["ACC-0001"])


AccountUpdate = patch_model(
    "AccountUpdate", AccountBase, doc="The fields to change; the others stay."
)


class AccountRead(AccountBase):
    id: int = Field(examples=[1])
    external_id: str = Field(examples=["ACC-0001"])
    owner_email: EmailStr | None = Field(
        default=None,
        validation_alias=related("owner_email", "owner", "email"),
        examples=["csm@example.com"],
    )


class ContactBase(BaseModel):
    name: str = Field(min_length=1, max_length=300, examples=["山田 太郎"])
    email: EmailStr | None = Field(default=None, examples=["yamada@example.co.jp"])
    role: str | None = Field(default=None, max_length=200, examples=["情報システム部 課長"])
    is_champion: bool = Field(default=False, examples=[True])
    created_on: date | None = Field(default=None, examples=["2025-04-01"])
    deactivated_on: date | None = Field(default=None, examples=[None])


class ContactCreate(ContactBase):
    external_id: str = Field(min_length=1, max_length=200, examples=["USR-0001"])
    account_external_id: str = Field(min_length=1, examples=["ACC-0001"])


class ContactChange(ContactBase):
    account_external_id: str = Field(min_length=1, examples=["ACC-0001"])


ContactUpdate = patch_model(
    "ContactUpdate", ContactChange, doc="The fields to change; the others stay."
)


class ContactRead(ContactBase):
    id: int = Field(examples=[1])
    external_id: str = Field(examples=["USR-0001"])
    account_external_id: str = Field(
        validation_alias=related("account_external_id", "account", "external_id"),
        examples=["ACC-0001"],
    )


class SubscriptionFields(BaseModel):
    plan: str = Field(min_length=1, max_length=100, examples=["standard"])
    mrr_minor: int = Field(
        ge=0,
        description="Monthly recurring revenue in minor units (JPY has none)",
        examples=[50000],
    )
    currency: str = Field(default="JPY", pattern="^[A-Z]{3}$", examples=["JPY"])
    seats: int | None = Field(default=None, ge=0, examples=[10])
    start_date: date = Field(examples=["2025-04-01"])
    end_date: date | None = Field(
        default=None, description="Renewal date; empty while open-ended", examples=["2026-03-31"]
    )
    status: SubscriptionStatus = Field(default="active", examples=["active"])
    billing_period: BillingPeriod = Field(default="monthly", examples=["annual"])


class SubscriptionCreate(SubscriptionFields, NewAccountRow):
    """One contract term of an account."""

    @model_validator(mode="after")
    def _ordered(self) -> SubscriptionCreate:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


SubscriptionUpdate = patch_model(
    "SubscriptionUpdate", SubscriptionFields, doc="The fields to change; the others stay."
)


class SubscriptionRead(AccountRowRead, SubscriptionFields):
    pass


class SubscriptionFilters(ListFilters):
    status: SubscriptionStatus | None = Field(default=None, examples=["active"])
    plan: str | None = Field(default=None, examples=["standard"])


class AccountFilters(ChangedSince):
    status: AccountStatus | None = Field(default=None, examples=["active"])
    owner: EmailStr | None = Field(
        default=None, description="The owner's email", examples=["csm@example.com"]
    )
    plan: str | None = Field(
        default=None, description="Plan of a running contract term", examples=["standard"]
    )
    segment: int | None = Field(
        default=None, description="Only accounts in this segment now (segment id)", examples=[4]
    )

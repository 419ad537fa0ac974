"""API schemas of portfolios: bulk assignment and the workload."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, EmailStr, Field


class AccountListFilter(BaseModel):
    """The accounts-list filter (the page's q, owner, plan, status and segment)."""

    q: str | None = Field(
        default=None, description="Name, external id or industry contains", examples=["建設"]
    )
    owner: EmailStr | None = Field(
        default=None, description="Current owner's email", examples=["csm2@hatake.example"]
    )
    plan: str | None = Field(default=None, examples=["standard"])
    status: str | None = Field(default=None, examples=["active"])
    segment: int | None = Field(default=None, description="A segment id", examples=[3])


class AssignmentCreate(BaseModel):
    """Give accounts to a CSM; name the accounts exactly one way."""

    to: EmailStr = Field(description="The new owner's email", examples=["csm1@hatake.example"])
    account_external_ids: list[str] = Field(default_factory=list, examples=[["ACC-0001"]])
    segment_id: int | None = Field(default=None, examples=[3])
    filter: AccountListFilter | None = Field(
        default=None,
        description="The accounts-list filter",
        examples=[{"owner": "csm2@hatake.example", "status": "active"}],
    )
    reason: str | None = Field(default=None, max_length=1000, examples=["担当替え（2026年度）"])
    dry_run: bool = Field(default=False, description="Count only; change nothing", examples=[False])


class AssignmentRead(BaseModel):
    matched: int = Field(description="Accounts selected")
    changed: int = Field(description="Accounts whose owner changed (or would, with dry_run)")
    to: str
    dry_run: bool


class WorkloadLineRead(BaseModel):
    owner_email: str | None = Field(description="null: accounts and tasks nobody owns")
    owner_name: str | None
    accounts: int = Field(description="Active accounts owned")
    arr_minor: dict[str, int] = Field(
        description="MRR of active subscriptions × 12, per currency, in minor units",
        examples=[{"JPY": 7200000}],
    )
    overdue_touches: int = Field(description="Accounts past their contact cadence")
    open_tasks: int
    overdue_tasks: int


class WorkloadRead(BaseModel):
    as_of: date
    lines: list[WorkloadLineRead]
    team: WorkloadLineRead

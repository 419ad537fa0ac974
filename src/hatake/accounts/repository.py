"""Queries over accounts, contacts and subscriptions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from hatake.accounts.models import Account, Contact, Subscription
from hatake.accounts.schemas import AccountFilters, SubscriptionFilters
from hatake.core.pagination import PageRequest, paginate
from hatake.core.records import scoped
from hatake.core.schemas import ListFilters
from hatake.lifecycle.segment_service import members_now
from hatake.team.models import User

SortKey = Literal["name", "mrr", "start_date", "employee_count", "users", "status"]
SORT_KEYS: tuple[SortKey, ...] = ("name", "mrr", "start_date", "employee_count", "users", "status")


@dataclass(frozen=True)
class AccountFilter:
    search: str | None = None
    owner_id: int | None = None
    plan: str | None = None
    status: str | None = None
    segment_id: int | None = None


@dataclass(frozen=True)
class AccountRow:
    account: Account
    owner_name: str | None
    plan: str | None
    mrr_minor: int | None
    currency: str | None
    active_users: int


def _current_subscriptions() -> Any:
    """MRR and plan of each account's active contract term."""
    return (
        select(
            Subscription.account_id,
            func.sum(Subscription.mrr_minor).label("mrr_minor"),
            func.max(Subscription.plan).label("plan"),
            func.max(Subscription.currency).label("currency"),
        )
        .where(Subscription.status == "active")
        .group_by(Subscription.account_id)
        .subquery("current_subscription")
    )


def _active_user_counts() -> Any:
    return (
        select(Contact.account_id, func.count().label("active_users"))
        .where(Contact.deactivated_on.is_(None))
        .group_by(Contact.account_id)
        .subquery("active_users")
    )


def _filtered(statement: Select[Any], filters: AccountFilter, current: Any) -> Select[Any]:
    if filters.search:
        pattern = f"%{filters.search.strip().lower()}%"
        statement = statement.where(
            or_(
                func.lower(Account.name).like(pattern),
                func.lower(Account.external_id).like(pattern),
                func.lower(cast(Account.industry, String)).like(pattern),
            )
        )
    if filters.owner_id is not None:
        statement = statement.where(Account.owner_id == filters.owner_id)
    if filters.status:
        statement = statement.where(Account.status == filters.status)
    if filters.plan:
        statement = statement.where(current.c.plan == filters.plan)
    if filters.segment_id is not None:
        statement = statement.where(Account.id.in_(members_now(filters.segment_id)))
    return statement


def search_accounts(
    session: Session,
    *,
    filters: AccountFilter,
    sort: SortKey = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AccountRow], int]:
    """One page of the accounts list and the total count for the filters."""
    current = _current_subscriptions()
    users = _active_user_counts()
    active_users = func.coalesce(users.c.active_users, 0)
    base = (
        select(
            Account,
            User.name,
            current.c.plan,
            current.c.mrr_minor,
            current.c.currency,
            active_users,
        )
        .outerjoin(User, User.id == Account.owner_id)
        .outerjoin(current, current.c.account_id == Account.id)
        .outerjoin(users, users.c.account_id == Account.id)
    )
    base = _filtered(base, filters, current)
    sort_column = {
        "name": Account.name,
        "mrr": func.coalesce(current.c.mrr_minor, -1),
        "start_date": Account.start_date,
        "employee_count": func.coalesce(Account.employee_count, -1),
        "users": active_users,
        "status": Account.status,
    }[sort]
    ordering = sort_column.desc() if descending else sort_column.asc()
    rows = session.execute(base.order_by(ordering, Account.id).offset(offset).limit(limit)).all()
    count_query = _filtered(
        select(func.count())
        .select_from(Account)
        .outerjoin(current, current.c.account_id == Account.id),
        filters,
        current,
    )
    total = session.scalar(count_query) or 0
    return [
        AccountRow(
            account=row[0],
            owner_name=row[1],
            plan=row[2],
            mrr_minor=row[3],
            currency=row[4],
            active_users=int(row[5]),
        )
        for row in rows
    ], total


def filtered_account_ids(session: Session, filters: AccountFilter) -> list[int]:
    """Ids of every account the list shows for ``filters`` (bulk assignment acts on them)."""
    current = _current_subscriptions()
    statement = select(Account.id).outerjoin(current, current.c.account_id == Account.id)
    return list(session.scalars(_filtered(statement, filters, current).order_by(Account.id)))


def get_account(session: Session, account_id: int) -> Account | None:
    return session.scalar(
        select(Account).options(selectinload(Account.owner)).where(Account.id == account_id)
    )


def get_account_by_external_id(session: Session, external_id: str) -> Account | None:
    return session.scalar(
        select(Account)
        .options(selectinload(Account.owner))
        .where(Account.external_id == external_id)
    )


ACCOUNT_SORTS = {
    "id": Account.id,
    "external_id": Account.external_id,
    "name": Account.name,
    "start_date": Account.start_date,
    "created_at": Account.created_at,
    "updated_at": Account.updated_at,
}


def list_accounts(
    session: Session, page: PageRequest, filters: AccountFilters
) -> tuple[list[Account], str | None]:
    """A page of accounts; ``plan`` matches the plan of a running (active) contract term."""
    statement = scoped(
        select(Account).options(selectinload(Account.owner)),
        Account,
        filters,
        equal=[(Account.status, filters.status)],
    )
    if filters.owner is not None:
        statement = statement.where(Account.owner.has(email=filters.owner))
    if filters.plan is not None:
        running = select(Subscription.account_id).where(
            Subscription.status == "active", Subscription.plan == filters.plan
        )
        statement = statement.where(Account.id.in_(running))
    if filters.segment is not None:
        statement = statement.where(Account.id.in_(members_now(filters.segment)))
    return paginate(session, statement, sorts=ACCOUNT_SORTS, id_column=Account.id, page=page)


def list_plans(session: Session) -> list[str]:
    return list(session.scalars(select(Subscription.plan).distinct().order_by(Subscription.plan)))


def contacts_of(session: Session, account_id: int) -> Sequence[Contact]:
    return session.scalars(
        select(Contact)
        .where(Contact.account_id == account_id)
        .order_by(Contact.deactivated_on.is_not(None), Contact.is_champion.desc(), Contact.name)
    ).all()


def subscriptions_of(session: Session, account_id: int) -> Sequence[Subscription]:
    return session.scalars(
        select(Subscription)
        .where(Subscription.account_id == account_id)
        .order_by(Subscription.start_date.desc())
    ).all()


def get_contact_by_external_id(session: Session, external_id: str) -> Contact | None:
    return session.scalar(
        select(Contact)
        .options(selectinload(Contact.account))
        .where(Contact.external_id == external_id)
    )


CONTACT_SORTS = {
    "id": Contact.id,
    "external_id": Contact.external_id,
    "name": Contact.name,
    "created_on": Contact.created_on,
    "updated_at": Contact.updated_at,
}
CONTACT_LOAD = (selectinload(Contact.account),)


def list_contacts(
    session: Session, page: PageRequest, filters: ListFilters
) -> tuple[list[Contact], str | None]:
    statement = scoped(select(Contact).options(*CONTACT_LOAD), Contact, filters)
    return paginate(session, statement, sorts=CONTACT_SORTS, id_column=Contact.id, page=page)


SUBSCRIPTION_SORTS = {
    "id": Subscription.id,
    "start_date": Subscription.start_date,
    "end_date": Subscription.end_date,
    "mrr_minor": Subscription.mrr_minor,
    "updated_at": Subscription.updated_at,
}
SUBSCRIPTION_LOAD = (selectinload(Subscription.account),)


def list_subscriptions(
    session: Session, page: PageRequest, filters: SubscriptionFilters
) -> tuple[list[Subscription], str | None]:
    statement = scoped(
        select(Subscription).options(*SUBSCRIPTION_LOAD),
        Subscription,
        filters,
        equal=[(Subscription.status, filters.status), (Subscription.plan, filters.plan)],
    )
    sorts = SUBSCRIPTION_SORTS
    return paginate(session, statement, sorts=sorts, id_column=Subscription.id, page=page)


@dataclass(frozen=True)
class PortfolioCounts:
    active_accounts: int
    churned_accounts: int
    total_mrr_minor: int
    active_contacts: int


def portfolio_counts(session: Session, *, currency: str) -> PortfolioCounts:
    """Account and contact counts, and the MRR of active terms billed in ``currency``."""
    by_status = dict(
        session.execute(select(Account.status, func.count()).group_by(Account.status)).all()
    )
    mrr = session.scalar(
        select(func.coalesce(func.sum(Subscription.mrr_minor), 0)).where(
            Subscription.status == "active", Subscription.currency == currency
        )
    )
    contacts = session.scalar(
        select(func.count()).select_from(Contact).where(Contact.deactivated_on.is_(None))
    )
    return PortfolioCounts(
        active_accounts=int(by_status.get("active", 0)),
        churned_accounts=int(by_status.get("churned", 0)),
        total_mrr_minor=int(mrr or 0),
        active_contacts=int(contacts or 0),
    )


@dataclass(frozen=True)
class OwnerLoad:
    owner_id: int | None
    owner_name: str | None
    active_accounts: int
    mrr_minor: int


def owner_loads(session: Session, *, currency: str) -> list[OwnerLoad]:
    """Active accounts and their MRR (in ``currency``) per owner, largest book first."""
    mrr = (
        select(Subscription.account_id, func.sum(Subscription.mrr_minor).label("mrr_minor"))
        .where(Subscription.status == "active", Subscription.currency == currency)
        .group_by(Subscription.account_id)
        .subquery("account_mrr")
    )
    rows = session.execute(
        select(
            Account.owner_id,
            User.name,
            func.count(Account.id),
            func.coalesce(func.sum(mrr.c.mrr_minor), 0),
        )
        .outerjoin(User, User.id == Account.owner_id)
        .outerjoin(mrr, mrr.c.account_id == Account.id)
        .where(Account.status == "active")
        .group_by(Account.owner_id, User.name)
        .order_by(func.coalesce(func.sum(mrr.c.mrr_minor), 0).desc())
    ).all()
    return [
        OwnerLoad(
            owner_id=row[0], owner_name=row[1], active_accounts=int(row[2]), mrr_minor=int(row[3])
        )
        for row in rows
    ]

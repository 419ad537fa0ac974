"""Account and contact use cases for the API and the web. Services flush; the boundary commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hatake.accounts import repository
from hatake.accounts.models import Account, Contact
from hatake.accounts.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    ContactCreate,
    ContactRead,
    ContactUpdate,
)
from hatake.core.db import utcnow
from hatake.core.errors import Conflict, InvalidInput, NotFound
from hatake.team import repository as team_repository


def _owner_id(session: Session, email: str | None) -> int | None:
    if email is None:
        return None
    user = team_repository.get_user_by_email(session, email)
    if user is None:
        raise InvalidInput("No team user has the email {email}.", email=email)
    return user.id


def get_account(session: Session, *, external_id: str) -> Account:
    account = repository.get_account_by_external_id(session, external_id)
    if account is None:
        raise NotFound("No account with external id {external_id}.", external_id=external_id)
    return account


def to_read(account: Account) -> AccountRead:
    return AccountRead(
        id=account.id,
        external_id=account.external_id,
        name=account.name,
        industry=account.industry,
        employee_count=account.employee_count,
        owner_email=account.owner.email if account.owner else None,
        cs_plan=account.cs_plan,
        start_date=account.start_date,
        status=account.status,  # type: ignore[arg-type]
        custom=account.custom or {},
    )


def create_account(session: Session, *, data: AccountCreate) -> Account:
    if repository.get_account_by_external_id(session, data.external_id) is not None:
        raise Conflict(
            "An account with external id {external_id} already exists.",
            external_id=data.external_id,
        )
    fields = data.model_dump(exclude={"owner_email"})
    account = Account(**fields, owner_id=_owner_id(session, data.owner_email))
    session.add(account)
    session.flush()
    return get_account(session, external_id=data.external_id)


def update_account(session: Session, *, external_id: str, data: AccountUpdate) -> Account:
    account = get_account(session, external_id=external_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "owner_email" in changes:
        account.owner_id = _owner_id(session, changes.pop("owner_email"))
    for field, value in changes.items():
        if value is None and field in {"name", "status", "custom"}:
            raise InvalidInput("{field} cannot be empty.", field=field)
        setattr(account, field, value)
    account.updated_at = utcnow()
    session.flush()
    session.expire(account, ["owner"])
    return get_account(session, external_id=external_id)


def delete_account(session: Session, *, external_id: str) -> None:
    session.delete(get_account(session, external_id=external_id))
    session.flush()


def get_contact(session: Session, *, external_id: str) -> Contact:
    contact = repository.get_contact_by_external_id(session, external_id)
    if contact is None:
        raise NotFound("No contact with external id {external_id}.", external_id=external_id)
    return contact


def contact_to_read(contact: Contact) -> ContactRead:
    return ContactRead(
        id=contact.id,
        external_id=contact.external_id,
        account_external_id=contact.account.external_id,
        name=contact.name,
        email=contact.email,
        role=contact.role,
        is_champion=contact.is_champion,
        created_on=contact.created_on,
        deactivated_on=contact.deactivated_on,
    )


def _account_id_for(session: Session, account_external_id: str) -> int:
    account = repository.get_account_by_external_id(session, account_external_id)
    if account is None:
        raise InvalidInput(
            "No account with external id {external_id}.", external_id=account_external_id
        )
    return account.id


def create_contact(session: Session, *, data: ContactCreate) -> Contact:
    if repository.get_contact_by_external_id(session, data.external_id) is not None:
        raise Conflict(
            "A contact with external id {external_id} already exists.", external_id=data.external_id
        )
    contact = Contact(
        **data.model_dump(exclude={"account_external_id"}),
        account_id=_account_id_for(session, data.account_external_id),
    )
    session.add(contact)
    session.flush()
    return get_contact(session, external_id=data.external_id)


def update_contact(session: Session, *, external_id: str, data: ContactUpdate) -> Contact:
    contact = get_contact(session, external_id=external_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "account_external_id" in changes:
        contact.account_id = _account_id_for(session, changes.pop("account_external_id"))
    for field, value in changes.items():
        if value is None and field in {"name", "is_champion"}:
            raise InvalidInput("{field} cannot be empty.", field=field)
        setattr(contact, field, value)
    contact.updated_at = utcnow()
    session.flush()
    session.expire(contact, ["account"])
    return get_contact(session, external_id=external_id)


def delete_contact(session: Session, *, external_id: str) -> None:
    session.delete(get_contact(session, external_id=external_id))
    session.flush()

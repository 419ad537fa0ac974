"""Account, contact and subscription use cases. Services flush; the boundary commits."""

from __future__ import annotations

from sqlalchemy.orm import Session, selectinload

from hatake.accounts import repository
from hatake.accounts.models import Account, Contact, Subscription
from hatake.accounts.schemas import SubscriptionFields
from hatake.core.errors import InvalidField, NotFound
from hatake.core.records import Records, Reference
from hatake.team import repository as team_repository


def user_id_for(session: Session, email: str, *, field: str) -> int:
    """The team user with ``email``; 422 naming ``field`` when there is none."""
    user = team_repository.get_user_by_email(session, email)
    if user is None:
        raise InvalidField(
            "No team user has the email {email}.", field=field, value=email, email=email
        )
    return user.id


def account_id_for(session: Session, external_id: str, _account_id: int | None = None) -> int:
    """The account a payload names; 422 naming the field when it does not exist."""
    account = repository.get_account_by_external_id(session, external_id)
    if account is None:
        raise InvalidField(
            "No account with external id {external_id}.",
            field="account_external_id",
            value=external_id,
            external_id=external_id,
        )
    return account.id


def contact_id_for(session: Session, external_id: str, account_id: int | None) -> int:
    """The contact a payload names, which must belong to the row's account."""
    contact = repository.get_contact_by_external_id(session, external_id)
    if contact is None or (account_id is not None and contact.account_id != account_id):
        raise InvalidField(
            "No contact with external id {external_id} at this account.",
            field="contact_external_id",
            value=external_id,
            external_id=external_id,
        )
    return contact.id


def user_reference(column: str, field: str) -> Reference:
    """A payload field holding a team member's email, stored as a user id in ``column``."""
    return Reference(
        column, lambda session, email, _account: user_id_for(session, email, field=field)
    )


ACCOUNT = Reference("account_id", account_id_for)
CONTACT = Reference("contact_id", contact_id_for)


ACCOUNTS = Records(
    Account,
    not_found="No account with external id {external_id}.",
    taken="An account with external id {external_id} already exists.",
    load=(selectinload(Account.owner),),
    required=frozenset({"name", "status", "custom"}),
    references={"owner_email": user_reference("owner_id", "owner_email")},
)
CONTACTS = Records(
    Contact,
    not_found="No contact with external id {external_id}.",
    taken="A contact with external id {external_id} already exists.",
    load=repository.CONTACT_LOAD,
    required=frozenset({"name", "is_champion"}),
    references={"account_external_id": ACCOUNT},
)


def get_account(session: Session, *, external_id: str) -> Account:
    return ACCOUNTS.get(session, external_id)


def account_by_id(session: Session, account_id: int) -> Account:
    """The account (its owner loaded) behind a page's ``/accounts/{id}`` URL; 404 if none."""
    account = repository.get_account(session, account_id)
    if account is None:
        raise NotFound("No account with id {account_id}.", account_id=account_id)
    return account


def _term_ordered(subscription: Subscription) -> None:
    if subscription.end_date is not None and subscription.end_date < subscription.start_date:
        raise InvalidField(
            "end_date {value} is before start_date {start}.",
            field="end_date",
            value=subscription.end_date.isoformat(),
            start=subscription.start_date.isoformat(),
        )


SUBSCRIPTIONS = Records(
    Subscription,
    not_found="No subscription with external id {external_id}.",
    taken="A subscription with external id {external_id} already exists.",
    load=repository.SUBSCRIPTION_LOAD,
    required=frozenset(SubscriptionFields.model_fields) - {"seats", "end_date"},
    references={"account_external_id": ACCOUNT},
    settle=_term_ordered,
)

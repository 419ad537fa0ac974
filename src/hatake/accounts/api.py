"""REST API for accounts, contacts and subscriptions (bearer tokens; problem+json errors)."""

from __future__ import annotations

from fastapi import APIRouter

from hatake.accounts import repository, service
from hatake.accounts.schemas import (
    AccountCreate,
    AccountFilters,
    AccountRead,
    AccountUpdate,
    ContactCreate,
    ContactRead,
    ContactUpdate,
    SubscriptionCreate,
    SubscriptionFilters,
    SubscriptionRead,
    SubscriptionUpdate,
)
from hatake.core.schemas import ListFilters
from hatake.web.api import Resource, add_routes

router = APIRouter(prefix="/api/v1")

add_routes(
    router,
    Resource(
        path="/accounts", tag="accounts", noun="account", records=service.ACCOUNTS,
        read=AccountRead, create=AccountCreate, update=AccountUpdate, filters=AccountFilters,
        list_rows=repository.list_accounts, sorts=list(repository.ACCOUNT_SORTS),
    ),
)  # fmt: skip
add_routes(
    router,
    Resource(
        path="/contacts", tag="contacts", noun="contact", records=service.CONTACTS,
        read=ContactRead, create=ContactCreate, update=ContactUpdate, filters=ListFilters,
        list_rows=repository.list_contacts, sorts=list(repository.CONTACT_SORTS),
    ),
)  # fmt: skip
add_routes(
    router,
    Resource(
        path="/subscriptions", tag="subscriptions", noun="subscription",
        records=service.SUBSCRIPTIONS, read=SubscriptionRead, create=SubscriptionCreate,
        update=SubscriptionUpdate, filters=SubscriptionFilters,
        list_rows=repository.list_subscriptions, sorts=list(repository.SUBSCRIPTION_SORTS),
    ),
)  # fmt: skip

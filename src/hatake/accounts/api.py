"""REST API for accounts and contacts (bearer tokens; problem+json errors)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from hatake.accounts import repository, service
from hatake.accounts.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    ContactCreate,
    ContactRead,
    ContactUpdate,
    Page,
)
from hatake.core.errors import InvalidInput
from hatake.web.deps import DbSession, ReadToken, WriteToken

router = APIRouter(prefix="/api/v1")

PROBLEM = {"content": {"application/problem+json": {}}}
ERRORS = {
    401: {"description": "Missing, unknown or revoked token", **PROBLEM},
    403: {"description": "The token lacks the scope", **PROBLEM},
    404: {"description": "Not found", **PROBLEM},
}
Limit = Annotated[int, Query(ge=1, le=500, description="Page size")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page")]


def _after_id(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isdigit():
        raise InvalidInput("The cursor {cursor} is not valid.", cursor=cursor)
    return int(cursor)


@router.get("/accounts", tags=["accounts"], responses=ERRORS)
def list_accounts(
    session: DbSession, _token: ReadToken, limit: Limit = 100, cursor: Cursor = None
) -> Page[AccountRead]:
    accounts = repository.list_accounts_after(session, after_id=_after_id(cursor), limit=limit)
    next_cursor = str(accounts[-1].id) if len(accounts) == limit else None
    return Page[AccountRead](items=[service.to_read(a) for a in accounts], next_cursor=next_cursor)


@router.post(
    "/accounts",
    tags=["accounts"],
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 409: {"description": "External id taken", **PROBLEM}},
)
def create_account(session: DbSession, _token: WriteToken, data: AccountCreate) -> AccountRead:
    return service.to_read(service.create_account(session, data=data))


@router.get("/accounts/{external_id}", tags=["accounts"], responses=ERRORS)
def get_account(session: DbSession, _token: ReadToken, external_id: str) -> AccountRead:
    return service.to_read(service.get_account(session, external_id=external_id))


@router.patch("/accounts/{external_id}", tags=["accounts"], responses=ERRORS)
def update_account(
    session: DbSession, _token: WriteToken, external_id: str, data: AccountUpdate
) -> AccountRead:
    return service.to_read(service.update_account(session, external_id=external_id, data=data))


@router.delete("/accounts/{external_id}", tags=["accounts"], status_code=204, responses=ERRORS)
def delete_account(session: DbSession, _token: WriteToken, external_id: str) -> Response:
    service.delete_account(session, external_id=external_id)
    return Response(status_code=204)


@router.get("/contacts", tags=["contacts"], responses=ERRORS)
def list_contacts(
    session: DbSession,
    _token: ReadToken,
    limit: Limit = 100,
    cursor: Cursor = None,
    account: Annotated[str | None, Query(description="Account external id")] = None,
) -> Page[ContactRead]:
    account_id = service.get_account(session, external_id=account).id if account else None
    contacts = repository.list_contacts_after(
        session, after_id=_after_id(cursor), limit=limit, account_id=account_id
    )
    next_cursor = str(contacts[-1].id) if len(contacts) == limit else None
    return Page[ContactRead](
        items=[service.contact_to_read(c) for c in contacts], next_cursor=next_cursor
    )


@router.post(
    "/contacts",
    tags=["contacts"],
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 409: {"description": "External id taken", **PROBLEM}},
)
def create_contact(session: DbSession, _token: WriteToken, data: ContactCreate) -> ContactRead:
    return service.contact_to_read(service.create_contact(session, data=data))


@router.get("/contacts/{external_id}", tags=["contacts"], responses=ERRORS)
def get_contact(session: DbSession, _token: ReadToken, external_id: str) -> ContactRead:
    return service.contact_to_read(service.get_contact(session, external_id=external_id))


@router.patch("/contacts/{external_id}", tags=["contacts"], responses=ERRORS)
def update_contact(
    session: DbSession, _token: WriteToken, external_id: str, data: ContactUpdate
) -> ContactRead:
    return service.contact_to_read(
        service.update_contact(session, external_id=external_id, data=data)
    )


@router.delete("/contacts/{external_id}", tags=["contacts"], status_code=204, responses=ERRORS)
def delete_contact(session: DbSession, _token: WriteToken, external_id: str) -> Response:
    service.delete_contact(session, external_id=external_id)
    return Response(status_code=204)

"""State-store look-ups the definition pages need: the account behind an external id that the
analytics store names, and the names of the people who saved a definition version."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.team.models import User


@dataclass(frozen=True)
class AccountRef:
    id: int  # what /accounts/{id} takes
    external_id: str
    name: str


def account_refs(session: Session, external_ids: Collection[str]) -> dict[str, AccountRef]:
    """Accounts by external id; ids that match no account are simply absent."""
    if not external_ids:
        return {}
    rows = session.execute(
        select(Account.id, Account.external_id, Account.name).where(
            Account.external_id.in_(sorted(set(external_ids)))
        )
    ).all()
    return {row.external_id: AccountRef(row.id, row.external_id, row.name) for row in rows}


def user_names(session: Session, user_ids: Collection[int | None]) -> dict[int, str]:
    ids = sorted({user_id for user_id in user_ids if user_id is not None})
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()
    return {row.id: row.name for row in rows}

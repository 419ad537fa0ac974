from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from hatake.core.errors import Conflict, InvalidInput, Unauthorized
from hatake.team import service
from hatake.team.models import ApiToken
from tests.helpers import PASSWORD, create_user


def test_passwords_are_hashed_with_argon2(session: Session) -> None:
    user = create_user(session, email="Sato@Example.com")
    assert user.email == "sato@example.com"
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert service.authenticate(session, email="sato@example.com", password=PASSWORD) == user
    with pytest.raises(Unauthorized):
        service.authenticate(session, email="sato@example.com", password="nope")


def test_duplicate_email_and_unknown_role_are_refused(session: Session) -> None:
    create_user(session, email="sato@example.com")
    with pytest.raises(Conflict):
        create_user(session, email="SATO@example.com")
    with pytest.raises(InvalidInput) as error:
        create_user(session, role="owner")
    assert str(error.value) == "Unknown role owner; use one of admin, manager, csm, viewer."


def test_tokens_store_only_a_digest(session: Session) -> None:
    token, plain = service.create_token(session, name="crm", scopes=["read", "write", "read"])
    assert token.scopes == ["read", "write"]
    assert plain.startswith("hk_")
    stored = session.get(ApiToken, token.id)
    assert stored is not None
    assert plain not in (stored.token_digest, stored.token_prefix)
    assert service.authenticate_token(session, plain=plain) == token
    service.revoke_token(session, token_id=token.id)
    with pytest.raises(Unauthorized):
        service.authenticate_token(session, plain=plain)


def test_unknown_scope_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput):
        service.create_token(session, name="x", scopes=["admin"])

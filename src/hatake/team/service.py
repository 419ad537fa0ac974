"""Team use cases. Services flush; the boundary commits."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from hatake.core.db import utcnow
from hatake.core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from hatake.team import repository
from hatake.team.models import ROLES, SCOPES, ApiToken, OrgSettings, User
from hatake.team.security import hash_password, new_api_token, token_digest, verify_password

DEFAULT_TIME_ZONE = "Asia/Tokyo"


def org_today(session: Session, now: datetime | None = None) -> date:
    """Today in the organisation's time zone: every page, report and command's default day."""
    org = repository.get_org(session)
    zone_name = org.time_zone if org is not None else DEFAULT_TIME_ZONE
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIME_ZONE)
    return (now or utcnow()).astimezone(zone).date()


def ensure_org(session: Session) -> OrgSettings:
    org = repository.get_org(session)
    if org is None:
        org = OrgSettings(
            id=1,
            name="hatake",
            time_zone=DEFAULT_TIME_ZONE,
            currency="JPY",
            fiscal_year_start_month=4,
            default_locale="ja",
        )
        session.add(org)
        session.flush()
    return org


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str = "csm",
    password: str | None = None,
    locale: str | None = None,
) -> User:
    if role not in ROLES:
        raise InvalidInput(
            "Unknown role {role}; use one of {choices}.", role=role, choices=", ".join(ROLES)
        )
    if repository.get_user_by_email(session, email) is not None:
        raise Conflict("A user with the email {email} already exists.", email=email)
    user = User(
        email=email.strip().lower(),
        name=name,
        role=role,
        locale=locale,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str) -> User:
    user = repository.get_user_by_email(session, email)
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        raise Unauthorized("Wrong email or password.")
    return user


def set_user_locale(session: Session, *, user: User, locale: str) -> None:
    if locale not in ("ja", "en"):
        raise InvalidInput("Unknown language {locale}.", locale=locale)
    user.locale = locale
    session.flush()


def create_token(
    session: Session, *, name: str, scopes: list[str], user: User | None = None
) -> tuple[ApiToken, str]:
    """Mint a token; the plain value is returned once and never stored."""
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise InvalidInput(
            "Unknown scope {scope}; use one of {choices}.",
            scope=", ".join(unknown) or "-",
            choices=", ".join(SCOPES),
        )
    plain = new_api_token()
    token = ApiToken(
        name=name,
        token_prefix=plain[:10],
        token_digest=token_digest(plain),
        scopes=sorted(set(scopes)),
        user_id=user.id if user else None,
    )
    session.add(token)
    session.flush()
    return token, plain


def authenticate_token(session: Session, *, plain: str) -> ApiToken:
    token = repository.get_token_by_digest(session, token_digest(plain))
    if token is None or token.revoked_at is not None:
        raise Unauthorized("The API token is unknown or revoked.")
    return token


def revoke_token(session: Session, *, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No API token with id {token_id}.", token_id=token_id)
    token.revoked_at = utcnow()
    session.flush()
    return token

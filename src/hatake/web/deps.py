"""Request dependencies: the request-scoped transaction, the signed-in user, API tokens, CSRF."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from hatake.core.db import transaction, utcnow
from hatake.core.errors import Forbidden, HatakeError, RateLimited, Unauthorized
from hatake.core.i18n import gettext_for, negotiate
from hatake.core.runtime import Runtime
from hatake.team import repository as team_repository
from hatake.team import service as team_service
from hatake.team.models import ApiToken, User
from hatake.web.ratelimit import TokenBuckets


@dataclass(frozen=True)
class Viewer:
    """Who is signed in, copied out of the ORM row so that error pages rendered after a
    rollback can still show it."""

    id: int
    name: str
    email: str
    role: str
    locale: str | None


class LoginRequired(HatakeError):
    """Raised on a web page when nobody is signed in; rendered as a redirect to /login."""

    status_code = 303
    message_key = "Please sign in."


class CsrfFailed(HatakeError):
    status_code = 403
    message_key = "The form expired or was not sent from hatake. Reload the page and try again."


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def db_session(request: Request) -> Iterator[Session]:
    """The request owns the transaction: commit when the route returns, roll back on error."""
    with transaction(get_runtime(request).sessions) as session:
        yield session


# scope="function": the commit runs before the response is sent, so a client never sees a
# success for data that then failed to commit.
DbSession = Annotated[Session, Depends(db_session, scope="function")]


def request_locale(request: Request) -> str:
    """The user's own setting wins; otherwise the session's choice, then Accept-Language."""
    viewer: Viewer | None = getattr(request.state, "user", None)
    if viewer is not None and viewer.locale:
        return viewer.locale
    chosen = request.session.get("locale")
    if chosen in ("ja", "en"):
        return str(chosen)
    return negotiate(
        request.headers.get("accept-language"), get_runtime(request).settings.default_locale
    )


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Every state-changing form carries the session's token (field or htmx header)."""
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise CsrfFailed()


CsrfChecked = Depends(verify_csrf)


def optional_user(request: Request, session: DbSession) -> User | None:
    user_id = request.session.get("user_id")
    user = team_repository.get_user(session, int(user_id)) if user_id else None
    if user is not None and not user.is_active:
        user = None
    request.state.user = (
        Viewer(id=user.id, name=user.name, email=user.email, role=user.role, locale=user.locale)
        if user is not None
        else None
    )
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


_BUCKETS_LOCK = threading.Lock()


def _rate_limits(request: Request) -> TokenBuckets | None:
    """The app's token buckets, made on first use; None when limits are off."""
    state = request.app.state
    buckets: TokenBuckets | None = getattr(state, "rate_limits", None)
    if buckets is None:
        per_minute = get_runtime(request).settings.api_rate_limit_per_minute
        if per_minute == 0:
            return None
        with _BUCKETS_LOCK:
            buckets = getattr(state, "rate_limits", None) or TokenBuckets(per_minute)
            state.rate_limits = buckets
    return buckets


def api_token(request: Request, response: Response, session: DbSession) -> ApiToken:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value:
        raise Unauthorized("Send an API token as 'Authorization: Bearer <token>'.")
    token = team_service.authenticate_token(session, plain=value.strip())
    buckets = _rate_limits(request)
    if buckets is not None:
        decision = buckets.take(token.id)
        if not decision.allowed:
            raise RateLimited(seconds=decision.retry_after, limit=decision.limit)
        response.headers["RateLimit-Limit"] = str(decision.limit)
        response.headers["RateLimit-Remaining"] = str(decision.remaining)
    token.last_used_at = utcnow()
    return token


def require_scope(scope: str) -> Callable[[ApiToken], ApiToken]:
    def check(token: Annotated[ApiToken, Depends(api_token)]) -> ApiToken:
        if scope not in token.scopes:
            raise Forbidden("This token lacks the {scope} scope.", scope=scope)
        return token

    return check


ReadToken = Annotated[ApiToken, Depends(require_scope("read"))]
WriteToken = Annotated[ApiToken, Depends(require_scope("write"))]
IngestToken = Annotated[ApiToken, Depends(require_scope("ingest"))]


def gettext_of(request: Request):  # type: ignore[no-untyped-def]
    return gettext_for(request_locale(request))

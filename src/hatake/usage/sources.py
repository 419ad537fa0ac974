"""Sources of usage events and their write keys. Services flush; the boundary commits."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hatake.core.db import transaction, utcnow
from hatake.core.errors import Conflict, InvalidInput, NotFound
from hatake.team.security import token_digest
from hatake.usage.models import Source

WRITE_KEY_PREFIX = "wk_"


def create_source(session: Session, *, name: str) -> tuple[Source, str]:
    """A new source and its write key; the key is returned once and only its digest kept."""
    name = name.strip()
    if not name:
        raise InvalidInput("{field} cannot be empty.", field="name")
    if session.scalar(select(Source).where(Source.name == name)) is not None:
        raise Conflict("A source named {name} already exists.", name=name)
    key = WRITE_KEY_PREFIX + secrets.token_urlsafe(24)
    source = Source(name=name, key_prefix=key[:10], key_digest=token_digest(key))
    session.add(source)
    session.flush()
    return source, key


def list_sources(session: Session) -> Sequence[Source]:
    return session.scalars(select(Source).order_by(Source.id)).all()


def revoke_source(session: Session, *, name: str) -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        raise NotFound("No source named {name}.", name=name)
    if source.revoked_at is None:
        source.revoked_at = utcnow()
        session.flush()
    return source


class WriteKeys:
    """Write key → source id, cached for ``ttl`` seconds so a busy sender does not cost a
    state-store query per request; a revoked key stops working within ``ttl``."""

    def __init__(self, sessions: sessionmaker[Session], ttl: float = 10.0) -> None:
        self._sessions = sessions
        self._ttl = ttl
        self._known: dict[str, tuple[int | None, float]] = {}
        self._lock = threading.Lock()

    def cached(self, key: str) -> tuple[bool, int | None]:
        """(whether the cache answers, the source id or None for an unknown key)."""
        entry = self._known.get(token_digest(key))
        if entry is None or entry[1] < time.monotonic():
            return False, None
        return True, entry[0]

    def look_up(self, key: str) -> int | None:
        """The source id of a live key, from the state store; stamps the source as used."""
        digest = token_digest(key)
        with transaction(self._sessions) as session:
            source = session.scalar(select(Source).where(Source.key_digest == digest))
            source_id = None
            if source is not None and source.revoked_at is None:
                source.last_used_at = utcnow()
                source_id = source.id
        with self._lock:
            self._known[digest] = (source_id, time.monotonic() + self._ttl)
        return source_id

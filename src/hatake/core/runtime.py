"""What a boundary (the app factory, a CLI command, a job) builds once and hands down."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hatake.core import migrate
from hatake.core.db import make_engine, make_session_factory
from hatake.core.settings import Settings

if TYPE_CHECKING:
    from ibis.backends.duckdb import Backend as DuckDBBackend


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    _analytics: DuckDBBackend | None = field(default=None, repr=False)
    # One DuckDB connection is not safe for concurrent queries; web threads take turns.
    analytics_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def analytics(self) -> DuckDBBackend:
        """The analytics store, opened on first use and kept for the life of the runtime."""
        if self._analytics is None:
            from hatake.usage import store

            self._analytics = store.connect(self.settings.analytics_file)
        return self._analytics

    def close(self) -> None:
        if self._analytics is not None:
            self._analytics.disconnect()
            self._analytics = None
        self.engine.dispose()


def open_runtime(settings: Settings | None = None, *, run_migrations: bool = True) -> Runtime:
    settings = settings or Settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.state_url)
    if run_migrations:
        migrate.upgrade(engine)
    return Runtime(settings=settings, engine=engine, sessions=make_session_factory(engine))

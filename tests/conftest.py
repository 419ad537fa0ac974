"""Shared fixtures. The `backend` fixture runs a test on SQLite and on a real PostgreSQL server;
both schemas are built with the real Alembic migrations."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from hatake.core import migrate
from hatake.core.db import Base, make_engine, make_session_factory
from hatake.core.runtime import Runtime
from hatake.core.settings import Settings

POSTGRES_ADMIN_URL = os.environ.get(
    "HATAKE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "hatake.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """A database of its own for this test run (and xdist worker), migrated once, dropped after."""
    name = f"hatake_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """An empty, migrated state database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "hatake.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    factory = make_session_factory(engine)
    with factory() as session:
        yield session
        session.rollback()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a throwaway HATAKE_HOME on the backend under test, also exported to the
    environment so CLI commands and servers started by the test see the same stores."""
    home = tmp_path / "home"
    monkeypatch.setenv("HATAKE_HOME", str(home))
    monkeypatch.setenv("HATAKE_DATABASE_URL", database_url)
    monkeypatch.setenv("HATAKE_SECRET_KEY", "test-secret")
    return Settings()


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    from hatake.core.runtime import open_runtime

    runtime = open_runtime(settings)
    yield runtime
    runtime.close()


from tests.browser import browser  # noqa: E402, F401  (fixtures shared by every test folder)
from tests.live import live_server  # noqa: E402, F401

# No timing assertions in unit tests: Hypothesis' per-example deadline would fail a correct
# property on a busy CI machine.
hypothesis_settings.register_profile("hatake", deadline=None)
hypothesis_settings.load_profile("hatake")

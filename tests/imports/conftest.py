"""Fixtures for import tests on both backends: a team user and a one-call importer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from hatake.core.settings import Settings
from hatake.imports.report import ImportReport
from hatake.imports.service import run_import
from hatake.team.models import User
from tests.helpers import create_user

Importer = Callable[..., ImportReport]


@pytest.fixture(autouse=True)
def dollar_rate(settings: Settings) -> None:
    """The import files hold a USD subscription, and an import refuses a currency the revenue
    reports could not convert into the organisation's: give them a rate."""
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text("[revenue.rates]\nUSD = 150.0\n")


@pytest.fixture
def csm(session: Session) -> User:
    user = create_user(session, email="csm@example.com", name="佐藤 CSM")
    session.commit()
    return user


@pytest.fixture
def import_file(session: Session, settings: Settings) -> Importer:
    """Import like the CLI does: one transaction, committed when the import succeeds."""

    def run(entity: str, path: Path, **options: Any) -> ImportReport:
        try:
            report = run_import(session, entity=entity, path=path, settings=settings, **options)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        session.expire_all()
        return report

    return run

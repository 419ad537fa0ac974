"""The schema built by the migrations matches the models, and timestamps stay UTC, on both
backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from hatake.core.db import Base
from tests.helpers import create_account, create_subscription, create_touchpoint


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_timestamps_are_stored_in_utc(session: Session) -> None:
    account = create_account(session)
    jst = timezone(timedelta(hours=9))
    touch = create_touchpoint(session, account, occurred_at=datetime(2026, 4, 1, 9, 0, tzinfo=jst))
    session.commit()
    session.expire_all()
    assert touch.occurred_at == datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
    assert touch.occurred_at.tzinfo is not None


def test_naive_timestamps_are_refused(session: Session) -> None:
    account = create_account(session)
    with pytest.raises(StatementError, match="naive datetime"):
        create_touchpoint(session, account, occurred_at=datetime(2026, 4, 1, 9, 0))


@pytest.mark.parametrize(
    "overrides",
    [{"mrr_minor": -1}, {"seats": -2}, {"status": "paused"}, {"billing_period": "weekly"}],
)
def test_the_database_refuses_impossible_subscriptions(
    session: Session, overrides: dict[str, object]
) -> None:
    account = create_account(session)
    with pytest.raises(IntegrityError):
        create_subscription(session, account, **overrides)

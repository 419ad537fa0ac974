"""State-store queries the demo loader needs."""

from __future__ import annotations

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.accounts.portfolio_models import AccountOwnerChange
from hatake.coverage.models import Task, TaskComment, Touchpoint
from hatake.support.models import Ticket
from hatake.voc.models import SurveyResponse

# Children first; tables added later that refer to accounts go with them (ON DELETE CASCADE).
CUSTOMER_TABLES = (
    AccountOwnerChange,
    TaskComment,
    Task,
    SurveyResponse,
    Ticket,
    Touchpoint,
    Subscription,
    Contact,
    Account,
)
IdModel = type[Account] | type[Contact] | type[Task]


def has_accounts(session: Session) -> bool:
    return session.scalar(select(Account.id).limit(1)) is not None


def delete_customer_data(session: Session) -> None:
    """Empty the customer tables and, through their foreign keys, whatever refers to them.

    PostgreSQL truncates (CASCADE) in one statement, still inside the transaction: a DELETE
    would check each deleted contact against the contact_id columns of touchpoints, tickets
    and survey answers, which have no index, and take hours for a large demo. SQLite removes
    rows physically, so deleting children first leaves those checks nothing to scan."""
    if session.get_bind().dialect.name == "postgresql":
        tables = ", ".join(model.__tablename__ for model in CUSTOMER_TABLES)
        session.execute(text(f"TRUNCATE {tables} CASCADE"))
        return
    for model in CUSTOMER_TABLES:
        session.execute(delete(model))


def max_id(session: Session, model: IdModel) -> int:
    return int(session.scalar(select(func.coalesce(func.max(model.id), 0))))


def advance_id_sequences(session: Session, models: tuple[IdModel, ...]) -> None:
    """After rows were inserted with explicit ids, move PostgreSQL's id sequences past them
    (SQLite picks max(id) + 1 by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        )

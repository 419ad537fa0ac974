"""State-store facts per account and day, for a whole range of days at once.

The rows that matter (contract terms, contacts, tickets, NPS answers, meaningful touches, CSM
ratings) are read once through SQLAlchemy and handed to an in-memory DuckDB as Arrow, which
turns them into one row per account under contract per day. Each fact only uses rows dated on
or before its day, and days are calendar days in the organisation's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.coverage.models import Touchpoint
from hatake.health.models import CsmSentiment
from hatake.support.models import Ticket
from hatake.usage.rollups import local_day_sql
from hatake.voc.models import SurveyResponse

MRR_CHANGE_DAYS = 90


def _arrow(session: Session, statement: Any, schema: pa.Schema) -> pa.Table:
    # Core rows, not ORM loading: hundreds of thousands of contacts are read per refresh.
    rows = session.connection().execute(statement).all()
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.table(
        [pa.array(column, type=field.type) for column, field in zip(columns, schema, strict=True)],
        schema=schema,
    )


_TEXT, _DAY, _INT, _MOMENT = pa.string(), pa.date32(), pa.int64(), pa.timestamp("us", tz="UTC")


def _source_tables(session: Session, custom_keys: Sequence[str]) -> dict[str, pa.Table]:
    account = Account.external_id
    tables = {
        "subscriptions": _arrow(
            session,
            select(
                account, Subscription.plan, Subscription.seats, Subscription.mrr_minor,
                Subscription.start_date, Subscription.end_date,
            ).join(Account, Account.id == Subscription.account_id),
            pa.schema([("account_id", _TEXT), ("plan", _TEXT), ("seats", _INT),
                       ("mrr_minor", _INT), ("start_date", _DAY), ("end_date", _DAY)]),
        ),
        # Grouped: many contacts of an account share their dates.
        "contacts": _arrow(
            session,
            select(account, Contact.is_champion, Contact.created_on, Contact.deactivated_on,
                   func.count())
            .join(Account, Account.id == Contact.account_id)
            .group_by(account, Contact.is_champion, Contact.created_on, Contact.deactivated_on),
            pa.schema([("account_id", _TEXT), ("is_champion", pa.bool_()),
                       ("created_on", _DAY), ("deactivated_on", _DAY), ("people", _INT)]),
        ),
        "tickets": _arrow(
            session,
            select(account, Ticket.opened_at, Ticket.resolved_at)
            .join(Account, Account.id == Ticket.account_id),
            pa.schema([("account_id", _TEXT), ("opened_at", _MOMENT), ("resolved_at", _MOMENT)]),
        ),
        "answers": _arrow(
            session,
            select(account, SurveyResponse.responded_on, SurveyResponse.nps)
            .join(Account, Account.id == SurveyResponse.account_id),
            pa.schema([("account_id", _TEXT), ("day", _DAY), ("nps", _INT)]),
        ),
        "touches": _arrow(
            session,
            select(account, Touchpoint.occurred_at)
            .join(Account, Account.id == Touchpoint.account_id)
            .where(Touchpoint.is_meaningful.is_(True)),
            pa.schema([("account_id", _TEXT), ("occurred_at", _MOMENT)]),
        ),
        "ratings": _arrow(
            session,
            select(account, CsmSentiment.noted_on, CsmSentiment.rating, CsmSentiment.id)
            .join(Account, Account.id == CsmSentiment.account_id),
            pa.schema([("account_id", _TEXT), ("day", _DAY), ("rating", _INT), ("id", _INT)]),
        ),
    }  # fmt: skip
    customs = session.execute(select(Account.external_id, Account.custom)).all()
    tables["customs"] = pa.table(
        {
            "account_id": pa.array([row[0] for row in customs], _TEXT),
            **{
                f"custom.{key}": pa.array(
                    [_custom_text((row[1] or {}).get(key)) for row in customs], _TEXT
                )
                for key in custom_keys
            },
        }
    )
    return tables


def _custom_text(value: Any) -> str | None:
    # Custom fields may hold numbers or categories; they travel as text and the factor reads
    # them with the scoring function's own expectations.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)


def account_day_facts(
    session: Session,
    *,
    start: date,
    end: date,
    time_zone: str,
    stale_ticket_days: int,
    custom_keys: Sequence[str] = (),
    usage: pa.Table | None = None,
) -> pa.Table:
    """One row per account with a contract term running on the day, per day in [start, end],
    with the usage features joined on when given."""
    tables = _source_tables(session, custom_keys)
    con = duckdb.connect()
    try:
        con.execute("SET asof_loop_join_threshold = 0")
        for name, table in tables.items():
            con.register(name, table)
        if usage is not None:
            con.register("usage", usage)
        return con.execute(
            _query(start, end, time_zone, stale_ticket_days, custom_keys, usage is not None)
        ).to_arrow_table()
    finally:
        con.close()


def _query(
    start: date,
    end: date,
    time_zone: str,
    stale_days: int,
    custom_keys: Sequence[str],
    with_usage: bool,
) -> str:
    earlier = start - timedelta(days=MRR_CHANGE_DAYS)
    opened = local_day_sql("opened_at", time_zone)
    resolved = local_day_sql("resolved_at", time_zone)
    touched = local_day_sql("occurred_at", time_zone)
    customs = "".join(f', c."custom.{key}"' for key in custom_keys)
    usage_columns = ", u.* EXCLUDE (account_id, day)" if with_usage else ""
    usage_join = (
        "LEFT JOIN usage u ON u.account_id = t.account_id AND u.day = t.day" if with_usage else ""
    )
    return f"""
    WITH
    calendar AS (
      SELECT CAST(d AS DATE) AS day
      FROM generate_series(TIMESTAMP '{earlier}', TIMESTAMP '{end}', INTERVAL '1 day') AS s(d)
    ),
    -- A term runs from its start date up to, not including, its end date.
    terms AS (
      SELECT s.account_id, c.day, arg_max(s.plan, s.start_date) AS plan,
             sum(s.seats) AS seats, sum(s.mrr_minor) AS mrr_minor,
             min(s.end_date) AS renewal_date
      FROM calendar c JOIN subscriptions s
        ON s.start_date <= c.day AND (s.end_date IS NULL OR s.end_date > c.day)
      GROUP BY s.account_id, c.day
    ),
    grid AS (
      SELECT t.*, t.day - {MRR_CHANGE_DAYS} AS earlier_day, t.day - 30 AS month_ago,
             t.day - 60 AS two_months_ago, t.day - {stale_days} AS stale_day
      FROM terms t WHERE t.day >= DATE '{start}'
    ),
    contact_steps AS (
      SELECT account_id, day, sum(sum(people)) OVER by_day AS people,
             sum(sum(champions)) OVER by_day AS champions
      FROM (
        SELECT account_id, coalesce(created_on, DATE '1900-01-01') AS day, people,
               people * CAST(is_champion AS INTEGER) AS champions FROM contacts
        UNION ALL
        SELECT account_id, deactivated_on, -people, -people * CAST(is_champion AS INTEGER)
        FROM contacts
        WHERE deactivated_on IS NOT NULL
      ) GROUP BY account_id, day
      WINDOW by_day AS (PARTITION BY account_id ORDER BY day)
    ),
    ticket_days AS (
      SELECT account_id, {opened} AS opened, {resolved} AS resolved FROM tickets
    ),
    -- Open at the end of a day: opened on or before it, not resolved by its end.
    open_steps AS (
      SELECT account_id, day, sum(sum(step)) OVER (PARTITION BY account_id ORDER BY day) AS n
      FROM (
        SELECT account_id, opened AS day, 1 AS step FROM ticket_days
        UNION ALL
        SELECT account_id, resolved, -1 FROM ticket_days WHERE resolved IS NOT NULL
      ) GROUP BY account_id, day
    ),
    -- Open and older than the stale limit: counted from the day it turns stale.
    stale_steps AS (
      SELECT account_id, day, sum(sum(step)) OVER (PARTITION BY account_id ORDER BY day) AS n
      FROM (
        SELECT account_id, opened + {stale_days} AS day, 1 AS step FROM ticket_days
        WHERE resolved IS NULL OR resolved > opened + {stale_days}
        UNION ALL
        SELECT account_id, resolved, -1 FROM ticket_days
        WHERE resolved IS NOT NULL AND resolved > opened + {stale_days}
      ) GROUP BY account_id, day
    ),
    opened_totals AS (
      SELECT account_id, opened AS day,
             sum(count(*)) OVER (PARTITION BY account_id ORDER BY opened) AS n
      FROM ticket_days GROUP BY account_id, opened
    ),
    nps AS (SELECT account_id, day, avg(nps) AS nps FROM answers GROUP BY account_id, day),
    touch_days AS (SELECT DISTINCT account_id, {touched} AS day FROM touches),
    rating_days AS (
      SELECT account_id, day, arg_max(rating, id) AS rating FROM ratings GROUP BY account_id, day
    )
    SELECT t.account_id, t.day, t.plan, CAST(t.seats AS DOUBLE) AS seats,
      CAST(t.mrr_minor AS DOUBLE) AS mrr_minor,
      CAST(before.mrr_minor AS DOUBLE) AS mrr_minor_earlier,
      t.renewal_date,
      CAST(coalesce(cs.people, 0) AS DOUBLE) AS active_contacts,
      CAST(coalesce(cs.champions, 0) AS DOUBLE) AS champions,
      CAST(coalesce(os.n, 0) AS DOUBLE) AS open_tickets,
      CAST(coalesce(ss.n, 0) AS DOUBLE) AS old_open_tickets,
      CAST(coalesce(o_now.n, 0) - coalesce(o_month.n, 0) AS DOUBLE) AS tickets_30d,
      CAST(coalesce(o_month.n, 0) - coalesce(o_two.n, 0) AS DOUBLE) AS tickets_previous_30d,
      n.nps AS latest_nps,
      td.day AS last_meaningful_touch_day,
      CAST(r.rating AS DOUBLE) AS csm_sentiment
      {customs}{usage_columns}
    FROM grid t
    LEFT JOIN terms before ON before.account_id = t.account_id AND before.day = t.earlier_day
    ASOF LEFT JOIN contact_steps cs ON cs.account_id = t.account_id AND cs.day <= t.day
    ASOF LEFT JOIN open_steps os ON os.account_id = t.account_id AND os.day <= t.day
    ASOF LEFT JOIN stale_steps ss ON ss.account_id = t.account_id AND ss.day <= t.day
    ASOF LEFT JOIN opened_totals o_now ON o_now.account_id = t.account_id AND o_now.day <= t.day
    ASOF LEFT JOIN opened_totals o_month
      ON o_month.account_id = t.account_id AND o_month.day <= t.month_ago
    ASOF LEFT JOIN opened_totals o_two
      ON o_two.account_id = t.account_id AND o_two.day <= t.two_months_ago
    ASOF LEFT JOIN nps n ON n.account_id = t.account_id AND n.day <= t.day
    ASOF LEFT JOIN touch_days td ON td.account_id = t.account_id AND td.day <= t.day
    ASOF LEFT JOIN rating_days r ON r.account_id = t.account_id AND r.day <= t.day
    LEFT JOIN customs c ON c.account_id = t.account_id
    {usage_join}
    ORDER BY t.day, t.account_id
    """

"""State-store facts per account and day, for a whole range of days at once.

The rows that can matter for a range of days (contract terms, contacts, tickets, NPS answers,
meaningful touches, CSM ratings) are read once through SQLAlchemy Core, with what happened
before the range summed up in SQL: one refreshed day reads about one row per account, not every
contact ever created. The facts are then worked out in dense (account x day) NumPy arrays:
running sums of +1/-1 steps for counts, the latest value on or before each day for answers,
touches and ratings. Each fact only uses rows dated on or before its day, and days are
calendar days in the organisation's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Integer, case, cast, func, or_, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.coverage.models import Touchpoint
from hatake.health.models import CsmSentiment
from hatake.support.models import Ticket
from hatake.usage.rollups import local_days
from hatake.voc.models import SurveyResponse

MRR_CHANGE_DAYS = 90
TICKET_WINDOW_DAYS = 30  # tickets opened in the last 30 days, and in the 30 before
# A UTC moment's local day is at most this far from its UTC day (UTC-12 … UTC+14).
_ZONE_MARGIN = timedelta(days=1)
NAT = np.datetime64("NaT", "D")


def _arrow(session: Session, statement: Any, schema: pa.Schema) -> pa.Table:
    # Core rows, not ORM loading: a backfill reads hundreds of thousands of contacts.
    rows = session.connection().execute(statement).all()
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.table(
        [pa.array(column, type=field.type) for column, field in zip(columns, schema, strict=True)],
        schema=schema,
    )


_TEXT, _DAY, _INT, _MOMENT = pa.string(), pa.date32(), pa.int64(), pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class StateRows:
    """What the state store knows that can matter for any day in [start, end]. Rows dated
    before ``start`` are summed up per account (contacts), or only the latest is kept
    (touches); the facts of any range inside [start, end] can be computed from them."""

    start: date
    end: date
    time_zone: str
    tables: dict[str, pa.Table]


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def read_state(
    session: Session,
    *,
    start: date,
    end: date,
    time_zone: str,
    custom_keys: Sequence[str] = (),
) -> StateRows:
    """Read the rows the facts of [start, end] need, in a few aggregated queries."""
    account = Account.external_id
    earliest = start - timedelta(days=MRR_CHANGE_DAYS)
    # UTC bounds a little wider than the local days, so no row of a local day is missed.
    since, until = _moment(start) - _ZONE_MARGIN, _moment(end + timedelta(days=1)) + _ZONE_MARGIN
    ticket_lookback = since - timedelta(days=2 * TICKET_WINDOW_DAYS + 1)
    # Contacts created (or deactivated) before the range count from its first day on.
    created = case(
        (or_(Contact.created_on.is_(None), Contact.created_on < start), None),
        else_=Contact.created_on,
    )
    deactivated = case((Contact.deactivated_on < start, None), else_=Contact.deactivated_on)
    champions = func.sum(cast(Contact.is_champion, Integer))
    earlier_touch = (
        select(Touchpoint.account_id, func.max(Touchpoint.occurred_at).label("occurred_at"))
        .where(Touchpoint.is_meaningful.is_(True), Touchpoint.occurred_at < since)
        .group_by(Touchpoint.account_id)
        .subquery()
    )
    tables = {
        "subscriptions": _arrow(
            session,
            select(account, Subscription.plan, Subscription.seats, Subscription.mrr_minor,
                   Subscription.start_date, Subscription.end_date)
            .join(Account, Account.id == Subscription.account_id)
            .where(Subscription.start_date <= end,
                   or_(Subscription.end_date.is_(None), Subscription.end_date > earliest))
            .order_by(Subscription.start_date, Subscription.id),
            pa.schema([("account_id", _TEXT), ("plan", _TEXT), ("seats", _INT),
                       ("mrr_minor", _INT), ("start_date", _DAY), ("end_date", _DAY)]),
        ),
        "contacts": _arrow(
            session,
            select(account, created.label("day"), func.count(), champions)
            .join(Account, Account.id == Contact.account_id)
            .where(or_(Contact.created_on.is_(None), Contact.created_on <= end))
            .group_by(account, created),
            pa.schema([("account_id", _TEXT), ("day", _DAY), ("people", _INT),
                       ("champions", _INT)]),
        ),
        "deactivations": _arrow(
            session,
            select(account, deactivated.label("day"), func.count(), champions)
            .join(Account, Account.id == Contact.account_id)
            .where(Contact.deactivated_on <= end)
            .group_by(account, deactivated),
            pa.schema([("account_id", _TEXT), ("day", _DAY), ("people", _INT),
                       ("champions", _INT)]),
        ),
        # A ticket resolved before the range and opened before the windows that reach into it
        # changes no count on any day of the range.
        "tickets": _arrow(
            session,
            select(account, Ticket.opened_at, Ticket.resolved_at)
            .join(Account, Account.id == Ticket.account_id)
            .where(Ticket.opened_at < until,
                   or_(Ticket.resolved_at.is_(None), Ticket.resolved_at >= since,
                       Ticket.opened_at >= ticket_lookback)),
            pa.schema([("account_id", _TEXT), ("opened_at", _MOMENT), ("resolved_at", _MOMENT)]),
        ),
        "answers": _arrow(
            session,
            select(account, SurveyResponse.responded_on, func.sum(SurveyResponse.nps),
                   func.count())
            .join(Account, Account.id == SurveyResponse.account_id)
            .where(SurveyResponse.responded_on <= end)
            .group_by(account, SurveyResponse.responded_on),
            pa.schema([("account_id", _TEXT), ("day", _DAY), ("nps_sum", _INT),
                       ("answers", _INT)]),
        ),
        "touches": _arrow(
            session,
            select(account, earlier_touch.c.occurred_at)
            .join(Account, Account.id == earlier_touch.c.account_id)
            .union_all(
                select(account, Touchpoint.occurred_at)
                .join(Account, Account.id == Touchpoint.account_id)
                .where(Touchpoint.is_meaningful.is_(True), Touchpoint.occurred_at >= since,
                       Touchpoint.occurred_at < until)
            ),
            pa.schema([("account_id", _TEXT), ("occurred_at", _MOMENT)]),
        ),
        "ratings": _arrow(
            session,
            select(account, CsmSentiment.noted_on, CsmSentiment.rating, CsmSentiment.id)
            .join(Account, Account.id == CsmSentiment.account_id)
            .where(CsmSentiment.noted_on <= end),
            pa.schema([("account_id", _TEXT), ("day", _DAY), ("rating", _INT), ("id", _INT)]),
        ),
    }  # fmt: skip
    if custom_keys:
        customs = session.execute(
            select(Account.external_id, Account.custom).where(
                Account.id.in_(select(Subscription.account_id).distinct())
            )
        ).all()
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
    return StateRows(start=start, end=end, time_zone=time_zone, tables=tables)


def _custom_text(value: Any) -> str | None:
    # Custom fields may hold numbers or categories; they travel as text and the factor reads
    # them with the scoring function's own expectations.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)


def _days(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype="datetime64[D]")


class _Grid:
    """Dense (account x day) arrays over [base, end]; a step dated before ``base`` counts from
    its first day, one after ``end`` lands in a spare last column that is dropped."""

    def __init__(self, accounts: pa.Array, base: date, end: date) -> None:
        self.accounts = accounts
        self.base = np.datetime64(base, "D")
        self.days = (end - base).days + 1
        self.width = self.days + 1

    def rows(self, account_ids: pa.ChunkedArray | pa.Array) -> np.ndarray:
        """Each id's row (-1 for an account without a contract term in the range)."""
        found = pc.index_in(account_ids, value_set=self.accounts)
        return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)

    def column(self, days: np.ndarray) -> np.ndarray:
        """Each day's column: 0 for days before the grid, ``self.days`` after it or NaT."""
        offsets = (days - self.base).astype("timedelta64[D]").astype(np.int64)
        offsets = np.where(np.isnat(days), self.days, offsets)
        return np.clip(offsets, 0, self.days)

    def add(
        self, rows: np.ndarray, days: np.ndarray, weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Sum of ``weights`` (or a count) per cell; rows of -1 are left out."""
        keep = rows >= 0
        cells = rows[keep] * self.width + self.column(days[keep])
        counts = np.bincount(
            cells,
            weights=None if weights is None else weights[keep],
            minlength=len(self.accounts) * self.width,
        )
        return counts.reshape(len(self.accounts), self.width)[:, : self.days]

    def running(
        self, rows: np.ndarray, days: np.ndarray, weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Running sum per account of steps on ``days``."""
        return np.cumsum(self.add(rows, days, weights), axis=1)

    def latest(self, rows: np.ndarray, days: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The value of the latest row on or before each day (NaN before any); rows must be in
        the order in which a later one wins on the same day."""
        keep = (rows >= 0) & ~np.isnat(days) & (days <= self.base + (self.days - 1))
        rows, days, values = rows[keep], days[keep], values[keep]
        order = np.argsort(days, kind="stable")
        cells = rows[order] * self.width + self.column(days[order])
        # The last row of each cell in that order.
        cells_from_end, first_from_end = np.unique(cells[::-1], return_index=True)
        chosen = order[len(order) - 1 - first_from_end]
        current = np.full(len(self.accounts) * self.width, -1, dtype=np.int64)
        current[cells_from_end] = np.arange(len(chosen))
        current = current.reshape(len(self.accounts), self.width)[:, : self.days]
        index = np.maximum.accumulate(current, axis=1)
        # The index grows with the cell along a row, so the running maximum is the latest.
        chosen_values = np.append(values[chosen].astype(float), np.nan)
        return chosen_values[index]


def facts_for_days(
    state: StateRows,
    *,
    start: date,
    end: date,
    stale_ticket_days: int,
    usage: pa.Table | None = None,
) -> pa.Table:
    """One row per account with a contract term running on the day, per day in [start, end]
    (inside the range ``state`` was read for), with the usage features joined on when
    given."""
    if start < state.start or end > state.end:
        raise ValueError(f"{start}…{end} is outside the rows read for {state.start}…{state.end}")
    tables = state.tables
    subscriptions = tables["subscriptions"]
    grid = _Grid(pc.unique(subscriptions["account_id"]).sort(), start, end)
    rows = grid.rows(subscriptions["account_id"])
    starts, ends = _days(subscriptions["start_date"]), _days(subscriptions["end_date"])

    def span(weights: np.ndarray | None = None, later: int = 0) -> np.ndarray:
        """Running sum over each term's days [start, end), or over the days ``later`` days
        after them (what was running ``later`` days before each day)."""
        shift = np.timedelta64(later, "D")
        return grid.running(rows, starts + shift, weights) - grid.running(
            rows, ends + shift, weights
        )

    terms = span()
    seats = subscriptions["seats"]
    seat_sum = span(np.nan_to_num(np.asarray(seats.to_numpy(zero_copy_only=False), float)))
    seat_terms = span(pc.is_valid(seats).to_numpy(zero_copy_only=False).astype(float))
    mrr_minor = subscriptions["mrr_minor"].to_numpy().astype(float)
    mrr = span(mrr_minor)
    mrr_earlier = np.where(
        span(later=MRR_CHANGE_DAYS) > 0, span(mrr_minor, later=MRR_CHANGE_DAYS), np.nan
    )
    # The newest term's plan: terms come ordered by start date, so a later one overwrites.
    plans = pc.unique(subscriptions["plan"])
    plan_codes = pc.index_in(subscriptions["plan"], value_set=plans).to_numpy()
    plan = np.full((len(grid.accounts), grid.days), -1)
    renewal = np.full((len(grid.accounts), grid.days), NAT)
    first, last = grid.column(starts), grid.column(ends)
    for index in range(len(rows)):
        plan[rows[index], first[index] : last[index]] = plan_codes[index]
    # The nearest renewal: the earliest end among the running terms.
    for index in np.argsort(ends)[::-1]:
        if not np.isnat(ends[index]):
            renewal[rows[index], first[index] : last[index]] = ends[index]

    contacts, deactivations = tables["contacts"], tables["deactivations"]
    contact_rows, gone_rows = (
        grid.rows(contacts["account_id"]),
        grid.rows(deactivations["account_id"]),
    )
    contact_days = np.where(np.isnat(_days(contacts["day"])), grid.base, _days(contacts["day"]))
    gone_days = np.where(
        np.isnat(_days(deactivations["day"])), grid.base, _days(deactivations["day"])
    )

    def people(column: str) -> np.ndarray:
        return grid.running(
            contact_rows, contact_days, contacts[column].to_numpy().astype(float)
        ) - grid.running(gone_rows, gone_days, deactivations[column].to_numpy().astype(float))

    tickets = tables["tickets"]
    ticket_rows = grid.rows(tickets["account_id"])
    opened = local_days(tickets["opened_at"].to_numpy(), state.time_zone)
    resolved = local_days(tickets["resolved_at"].to_numpy(), state.time_zone)
    stale = opened + np.timedelta64(stale_ticket_days, "D")
    stale_rows = np.where(np.isnat(resolved) | (resolved > stale), ticket_rows, -1)
    # Tickets opened by each day, by 30 days before it and by 60 days before it.
    opened_by = [
        grid.running(ticket_rows, opened + np.timedelta64(days, "D"))
        for days in (0, TICKET_WINDOW_DAYS, 2 * TICKET_WINDOW_DAYS)
    ]

    answers, ratings, touches = tables["answers"], tables["ratings"], tables["touches"]
    nps = grid.latest(
        grid.rows(answers["account_id"]),
        _days(answers["day"]),
        answers["nps_sum"].to_numpy() / answers["answers"].to_numpy(),
    )
    # The same day's ratings in the order they were entered: the last one wins.
    by_entry = pc.sort_indices(ratings, sort_keys=[("id", "ascending")])
    ratings = ratings.take(by_entry)
    rating = grid.latest(
        grid.rows(ratings["account_id"]), _days(ratings["day"]), ratings["rating"].to_numpy()
    )
    touch_days = local_days(touches["occurred_at"].to_numpy(), state.time_zone)
    touch_offsets = (touch_days - grid.base).astype(np.int64).astype(float)
    touch = grid.latest(grid.rows(touches["account_id"]), touch_days, touch_offsets)

    plan_names = np.array([*plans.to_pylist(), None], dtype=object)
    columns: dict[str, np.ndarray] = {
        "plan": plan_names[plan],
        "seats": np.where(seat_terms > 0, seat_sum, np.nan),
        "mrr_minor": mrr,
        "mrr_minor_earlier": mrr_earlier,
        "renewal_date": renewal,
        "active_contacts": people("people"),
        "champions": people("champions"),
        "open_tickets": opened_by[0] - grid.running(ticket_rows, resolved),
        "old_open_tickets": (
            grid.running(stale_rows, stale)
            - grid.running(np.where(np.isnat(resolved), -1, stale_rows), resolved)
        ),
        "tickets_30d": opened_by[0] - opened_by[1],
        "tickets_previous_30d": opened_by[1] - opened_by[2],
        "latest_nps": nps,
        "last_meaningful_touch_day": np.where(
            np.isnan(touch), NAT, grid.base + np.nan_to_num(touch).astype(int)
        ),
        "csm_sentiment": rating,
    }
    return _table(grid, terms > 0, start, columns, tables.get("customs"), usage)


def _table(
    grid: _Grid,
    running: np.ndarray,
    start: date,
    columns: dict[str, np.ndarray],
    customs: pa.Table | None,
    usage: pa.Table | None,
) -> pa.Table:
    """The cells of accounts under contract, day by day and accounts in id order, with each
    account's custom fields and the usage features of its day."""

    def flat(values: np.ndarray) -> np.ndarray:
        return values.T[running.T]

    days = np.datetime64(start, "D") + np.arange(running.shape[1])
    account_rows = flat(np.broadcast_to(np.arange(len(grid.accounts))[:, None], running.shape))
    output: dict[str, pa.Array] = {
        "account_id": grid.accounts.take(pa.array(account_rows)),
        "day": pa.array(flat(np.broadcast_to(days[None, :], running.shape)), pa.date32()),
    }
    for name, values in columns.items():
        if values.dtype.kind == "M":
            output[name] = pa.array(flat(values), pa.date32(), from_pandas=True)
        elif values.dtype.kind == "O":
            output[name] = pa.array(flat(values), pa.string())
        else:
            output[name] = pa.array(flat(values).astype(np.float64), from_pandas=True)
    if customs is not None:
        # Each account's row in `customs` (null where it has none).
        where = np.full(len(grid.accounts), -1)
        found = grid.rows(customs["account_id"])
        where[found[found >= 0]] = np.flatnonzero(found >= 0)
        chosen = pa.array(where[account_rows], mask=where[account_rows] < 0)
        for name in customs.column_names[1:]:
            output[name] = customs[name].take(chosen)
    if usage is not None:
        usage_rows = grid.rows(usage["account_id"])
        usage_days = (_days(usage["day"]) - days[0]).astype(np.int64)
        for name in usage.column_names[2:]:
            values = usage[name].to_numpy(zero_copy_only=False)
            dense = np.full(
                running.shape,
                NAT if values.dtype.kind == "M" else np.nan,
                dtype=values.dtype if values.dtype.kind == "M" else np.float64,
            )
            known = usage_rows >= 0
            dense[usage_rows[known], usage_days[known]] = values[known]
            output[name] = pa.array(flat(dense), usage.schema.field(name).type, from_pandas=True)
    return pa.table(output)


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
    state = read_state(session, start=start, end=end, time_zone=time_zone, custom_keys=custom_keys)
    return facts_for_days(
        state, start=start, end=end, stale_ticket_days=stale_ticket_days, usage=usage
    )

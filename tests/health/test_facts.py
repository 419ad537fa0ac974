"""State facts per account and day agree with counting the rows by hand, for a range of days and
for single days (which read what happened before them summed up), across a DST switch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from hatake.health import facts
from hatake.health.models import CsmSentiment
from tests.helpers import (
    create_account,
    create_contact,
    create_subscription,
    create_survey_response,
    create_ticket,
    create_touchpoint,
)

ZONE = "America/New_York"  # DST starts on 2026-03-08, inside the range
START, END = date(2026, 3, 1), date(2026, 3, 20)
STALE_DAYS = 14


@dataclass(frozen=True)
class Term:
    account: str
    plan: str
    seats: int | None
    mrr: int
    start: date
    end: date | None


@dataclass(frozen=True)
class Person:
    account: str
    champion: bool
    created: date | None
    deactivated: date | None


@dataclass(frozen=True)
class Issue:
    account: str
    opened: datetime
    resolved: datetime | None


TERMS = [
    Term("A", "standard", 10, 50_000, date(2025, 6, 1), date(2026, 3, 5)),
    Term("A", "addon", 5, 1_000, date(2026, 1, 1), date(2026, 3, 15)),
    Term("A", "pro", None, 80_000, date(2026, 3, 5), None),
    Term("B", "standard", 3, 20_000, date(2026, 3, 10), None),
    Term("B", "old", 4, 9_000, date(2025, 1, 1), date(2025, 12, 5)),
]
PEOPLE = [
    Person("A", False, None, None),
    Person("A", True, date(2026, 3, 3), None),
    Person("A", True, date(2025, 5, 1), date(2026, 3, 10)),
    Person("A", False, date(2026, 3, 25), None),
    Person("B", False, date(2026, 2, 1), date(2026, 2, 15)),
    Person("C", True, date(2026, 1, 1), None),
]
ISSUES = [
    Issue("A", datetime(2026, 1, 20, 12, tzinfo=UTC), None),
    # 22:00 on 1 March in New York, resolved at 00:30 on 12 March there.
    Issue("A", datetime(2026, 3, 2, 3, tzinfo=UTC), datetime(2026, 3, 12, 4, 30, tzinfo=UTC)),
    Issue("A", datetime(2026, 2, 10, 12, tzinfo=UTC), datetime(2026, 2, 12, 12, tzinfo=UTC)),
    Issue("A", datetime(2025, 10, 1, 12, tzinfo=UTC), datetime(2025, 10, 5, 12, tzinfo=UTC)),
    Issue("A", datetime(2026, 3, 10, 15, tzinfo=UTC), datetime(2026, 3, 30, 15, tzinfo=UTC)),
    Issue("B", datetime(2026, 1, 25, 15, tzinfo=UTC), datetime(2026, 3, 4, 2, tzinfo=UTC)),
    Issue("C", datetime(2026, 3, 5, 15, tzinfo=UTC), None),
]
# (account, day, NPS)
ANSWERS = [
    ("A", date(2026, 2, 20), 9), ("A", date(2026, 2, 20), 6), ("A", date(2026, 3, 11), 3),
    ("B", date(2026, 3, 25), 10),
]  # fmt: skip
# (account, moment, meaningful)
TOUCHES = [
    ("A", datetime(2026, 2, 1, 10, tzinfo=UTC), True),
    ("A", datetime(2026, 3, 9, 3, 30, tzinfo=UTC), True),  # 23:30 on 8 March in New York
    ("A", datetime(2026, 3, 12, 15, tzinfo=UTC), False),
    ("B", datetime(2025, 12, 1, 15, tzinfo=UTC), True),
]
# (account, day, rating) in the order they are entered
RATINGS = [
    ("A", date(2026, 3, 4), 2), ("A", date(2026, 3, 4), 4), ("A", date(2026, 3, 18), 5),
    ("A", date(2026, 2, 1), 1), ("B", date(2026, 4, 1), 3),
]  # fmt: skip


def _local(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(ZoneInfo(ZONE)).date()


def _expected(account: str, day: date) -> dict[str, object] | None:
    """Every fact counted from the rows themselves."""
    running = [t for t in TERMS if t.account == account and t.start <= day < (t.end or date.max)]
    if not running:
        return None
    earlier_day = day - timedelta(days=90)
    earlier = [
        t for t in TERMS if t.account == account and t.start <= earlier_day < (t.end or date.max)
    ]
    seats = [t.seats for t in running if t.seats is not None]
    ends = [t.end for t in running if t.end is not None]
    people = [
        p for p in PEOPLE
        if p.account == account and (p.created is None or p.created <= day)
        and (p.deactivated is None or p.deactivated > day)
    ]  # fmt: skip
    issues = [(_local(i.opened), _local(i.resolved)) for i in ISSUES if i.account == account]
    open_now = [(o, r) for o, r in issues if o <= day and (r is None or r > day)]
    answered = sorted({d for a, d, _ in ANSWERS if a == account and d <= day})
    touched = [_local(m) for a, m, meaningful in TOUCHES if a == account and meaningful]
    rated = [(d, n, r) for n, (a, d, r) in enumerate(RATINGS) if a == account and d <= day]
    return {
        "plan": max(running, key=lambda t: t.start).plan,
        "seats": float(sum(seats)) if seats else None,
        "mrr_minor": float(sum(t.mrr for t in running)),
        "mrr_minor_earlier": float(sum(t.mrr for t in earlier)) if earlier else None,
        "renewal_date": min(ends) if ends else None,
        "active_contacts": float(len(people)),
        "champions": float(sum(p.champion for p in people)),
        "open_tickets": float(len(open_now)),
        "old_open_tickets": float(sum(o + timedelta(days=STALE_DAYS) <= day for o, _ in open_now)),
        "tickets_30d": float(sum(day - timedelta(days=30) < o <= day for o, _ in issues)),
        "tickets_previous_30d": float(
            sum(day - timedelta(days=60) < o <= day - timedelta(days=30) for o, _ in issues)
        ),
        "latest_nps": (
            sum(n for a, d, n in ANSWERS if a == account and d == answered[-1])
            / sum(1 for a, d, _ in ANSWERS if a == account and d == answered[-1])
            if answered
            else None
        ),
        "last_meaningful_touch_day": max((d for d in touched if d <= day), default=None),
        "csm_sentiment": float(max(rated)[2]) if rated else None,
    }


@pytest.fixture
def portfolio(session: Session) -> Session:
    accounts = {key: create_account(session, external_id=f"F-{key}") for key in "ABC"}
    for term in TERMS:
        create_subscription(
            session, accounts[term.account], plan=term.plan, seats=term.seats,
            mrr_minor=term.mrr, start_date=term.start, end_date=term.end,
        )  # fmt: skip
    contacts = {}
    for person in PEOPLE:
        contacts[person.account] = create_contact(
            session, accounts[person.account], is_champion=person.champion,
            created_on=person.created, deactivated_on=person.deactivated,
        )  # fmt: skip
    for issue in ISSUES:
        create_ticket(
            session, accounts[issue.account], opened_at=issue.opened,
            resolved_at=issue.resolved, status="open" if issue.resolved is None else "resolved",
        )  # fmt: skip
    for account, day, nps in ANSWERS:
        create_survey_response(session, contacts[account], responded_on=day, nps=nps)
    for account, moment, meaningful in TOUCHES:
        create_touchpoint(session, accounts[account], occurred_at=moment, is_meaningful=meaningful)
    for account, day, rating in RATINGS:
        session.add(CsmSentiment(account_id=accounts[account].id, rating=rating, noted_on=day))
        session.flush()
    return session


def _check(table_rows: list[dict[str, object]], days: list[date]) -> None:
    rows = {(row["account_id"], row["day"]): row for row in table_rows}
    assert {day for _, day in rows} <= set(days)
    for day in days:
        for account in "ABC":
            expected = _expected(account, day)
            row = rows.get((f"F-{account}", day))
            if expected is None:
                assert row is None, (account, day)
                continue
            assert row is not None, (account, day)
            assert {name: row[name] for name in expected} == expected, (account, day)


def test_facts_match_the_rows_counted_by_hand(portfolio: Session) -> None:
    days = [START + timedelta(days=offset) for offset in range((END - START).days + 1)]
    table = facts.account_day_facts(
        portfolio, start=START, end=END, time_zone=ZONE, stale_ticket_days=STALE_DAYS
    )
    _check(table.to_pylist(), days)
    assert [(row["day"], row["account_id"]) for row in table.to_pylist()] == sorted(
        (row["day"], row["account_id"]) for row in table.to_pylist()
    )
    for day in (START, date(2026, 3, 8), date(2026, 3, 12), END):
        one = facts.account_day_facts(
            portfolio, start=day, end=day, time_zone=ZONE, stale_ticket_days=STALE_DAYS
        )
        _check(one.to_pylist(), [day])


def test_a_pass_inside_the_rows_read_for_a_longer_range(portfolio: Session) -> None:
    """A backfill reads the state once and computes its passes from it."""
    state = facts.read_state(portfolio, start=START, end=END, time_zone=ZONE)
    part = facts.facts_for_days(
        state, start=date(2026, 3, 9), end=date(2026, 3, 13), stale_ticket_days=STALE_DAYS
    )
    _check(part.to_pylist(), [date(2026, 3, 9) + timedelta(days=n) for n in range(5)])
    with pytest.raises(ValueError, match="outside"):
        facts.facts_for_days(state, start=END, end=END + timedelta(days=1), stale_ticket_days=1)

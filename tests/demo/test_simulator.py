from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hatake.demo.profiles import draw_profiles
from hatake.demo.records import LATE_RENEWAL_DAYS
from hatake.demo.simulator import CHUNK_SIZE, Chunk, DemoOptions, generate, stream
from hatake.demo.timeline import Timeline

TODAY = date(2026, 11, 23)
JST = timedelta(hours=9)


def _run(**options: Any) -> list[Chunk]:
    return list(generate(DemoOptions(**{"today": TODAY, **options})))


def _digest(chunks: list[Chunk]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        for rows in (
            chunk.accounts,
            chunk.contacts,
            chunk.subscriptions,
            chunk.touchpoints,
            chunk.tickets,
            chunk.survey_responses,
        ):
            digest.update(repr(rows).encode())
        for table in (chunk.events, chunk.truth_accounts, chunk.truth_monthly):
            digest.update(repr(table.to_pylist()).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    first = _run(accounts=15, months=3, seed=5)
    assert _digest(first) == _digest(_run(accounts=15, months=3, seed=5))
    assert _digest(first) != _digest(_run(accounts=15, months=3, seed=6))


def test_tenure_and_seat_bands_of_the_priority_matrix_are_all_populated() -> None:
    timeline = Timeline.build(TODAY, 18)
    profiles = draw_profiles(500, timeline, "ja", stream(42, 0))
    tenure = (timeline.n_months - 1) - profiles.start_month
    tenure_band = np.digitize(tenure, [4, 8, 12])  # 0-3, 4-7, 8-11, 12+ months
    seat_band = np.digitize(profiles.seats, [6, 11, 21])  # 1-5, 6-10, 11-20, 21+ IDs
    assert set(tenure_band.tolist()) == {0, 1, 2, 3}
    assert set(seat_band.tolist()) == {0, 1, 2, 3}
    assert len(set(profiles.name)) == 500


def check_invariants(chunks: list[Chunk], options: DemoOptions) -> None:
    """What must hold for any run: references, dates, money, scores."""
    timeline = Timeline.build(options.today, options.months)
    window_start = datetime.combine(timeline.window_start, datetime.min.time(), UTC) - JST
    today = datetime.combine(options.today, datetime.min.time(), UTC) - JST
    accounts = {row["id"]: row for chunk in chunks for row in chunk.accounts}
    assert len(accounts) == options.accounts
    assert len({row["name"] for row in accounts.values()}) == options.accounts
    contacts = {row["id"]: row for chunk in chunks for row in chunk.contacts}
    assert len(contacts) == sum(len(chunk.contacts) for chunk in chunks)
    truth = {row["account_id"]: row for chunk in chunks for row in chunk.truth_accounts.to_pylist()}
    churned_on = {row["id"]: truth[row["external_id"]]["churned_on"] for row in accounts.values()}
    for account_id, day in churned_on.items():
        assert (day is not None) == (accounts[account_id]["status"] == "churned")

    for contact in contacts.values():
        account = accounts[contact["account_id"]]
        assert contact["created_on"] >= account["start_date"]
        if contact["deactivated_on"] is not None:
            assert contact["deactivated_on"] > contact["created_on"]
        assert contact["email"].startswith(contact["external_id"] + "@")

    terms: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in chunks:
        for row in chunk.subscriptions:
            terms[row["account_id"]].append(row)
    assert set(terms) == set(accounts)
    for account_id, rows in terms.items():
        rows.sort(key=lambda row: row["start_date"])
        assert rows[0]["start_date"] == accounts[account_id]["start_date"]
        for before, after in itertools.pairwise(rows):
            assert before["status"] == "ended"
            if before["end_date"] != after["start_date"]:  # a renewal signed late
                lapse = (after["start_date"] - before["end_date"]).days
                assert LATE_RENEWAL_DAYS[0] <= lapse < LATE_RENEWAL_DAYS[1]
                assert after["billing_period"] == "annual"
                assert after["plan"] != "free"
        last = rows[-1]
        if churned_on[account_id]:
            assert last["status"] == "cancelled"
            assert last["end_date"] == churned_on[account_id]
        else:
            assert last["status"] == "active"
        for row in rows:
            assert row["currency"] == "JPY"
            assert row["mrr_minor"] >= 0
            assert row["seats"] >= 0
            assert (row["mrr_minor"] == 0) == (row["plan"] == "free" or row["seats"] == 0)
            assert row["end_date"] is None or row["end_date"] >= row["start_date"]

    def within_life(account_id: int, moment: datetime) -> None:
        assert window_start <= moment < today
        end = churned_on[account_id]
        if end is not None:
            assert moment < datetime.combine(end, datetime.min.time(), UTC) - JST

    def of_its_account(row: dict[str, Any]) -> None:
        """The row's contact, if any, is a contact of the row's account."""
        if row["contact_id"] is not None:
            assert contacts[row["contact_id"]]["account_id"] == row["account_id"]

    for chunk in chunks:
        for row in chunk.touchpoints:
            of_its_account(row)
            within_life(row["account_id"], row["occurred_at"])
        for row in chunk.tickets:
            of_its_account(row)
            within_life(row["account_id"], row["opened_at"])
            if row["resolved_at"] is not None:
                assert row["opened_at"] <= row["first_response_at"] <= row["resolved_at"]
                assert row["status"] in ("resolved", "closed")
            else:
                assert row["status"] in ("open", "pending")
            assert row["csat"] is None or 1 <= row["csat"] <= 5
        for row in chunk.survey_responses:
            assert 0 <= row["nps"] <= 10
            assert row["contact_id"] is not None
            of_its_account(row)
            within_life(
                row["account_id"], datetime.combine(row["responded_on"], datetime.min.time(), UTC)
            )

    owner = {
        row["external_id"]: accounts[row["account_id"]]["external_id"] for row in contacts.values()
    }
    ends = {accounts[account_id]["external_id"]: day for account_id, day in churned_on.items()}
    message_ids: set[str] = set()
    for chunk in chunks:
        events = chunk.events
        message_ids.update(events.column("message_id").to_pylist())
        for account_id, user_id in zip(
            events.column("account_id").to_pylist(),
            events.column("user_id").to_pylist(),
            strict=True,
        ):
            assert owner[user_id] == account_id
        if events.num_rows:
            assert pc.min(events.column("timestamp")).as_py() >= window_start
            assert pc.max(events.column("timestamp")).as_py() < today
        last_event = events.group_by("account_id").aggregate([("timestamp", "max")]).to_pylist()
        for row in last_event:
            if ends[row["account_id"]] is not None:
                end = datetime.combine(ends[row["account_id"]], datetime.min.time(), UTC) - JST
                assert row["timestamp_max"] < end
    assert len(message_ids) == sum(chunk.events.num_rows for chunk in chunks)


def test_some_annual_renewals_are_signed_late() -> None:
    options = DemoOptions(accounts=400, months=24, seed=11, today=TODAY)
    chunks = list(generate(options))
    check_invariants(chunks, options)
    terms: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in chunks:
        for row in chunk.subscriptions:
            terms[row["account_id"]].append(row)
    lapses = [
        (after["start_date"] - before["end_date"]).days
        for rows in terms.values()
        for before, after in itertools.pairwise(sorted(rows, key=lambda row: row["start_date"]))
        if after["start_date"] != before["end_date"]
    ]
    renewals = sum(
        1
        for rows in terms.values()
        for row in rows[1:]
        if row["billing_period"] == "annual" and row["plan"] != "free"
    )
    # About LATE_RENEWAL_SHARE of the paid annual renewals (changes of plan or seats are
    # counted in the denominator too, so the share seen is a little lower).
    assert lapses
    assert len(lapses) < 0.1 * renewals
    assert all(LATE_RENEWAL_DAYS[0] <= days < LATE_RENEWAL_DAYS[1] for days in lapses)


def test_a_run_over_several_chunks_is_consistent() -> None:
    options = DemoOptions(accounts=CHUNK_SIZE + 30, months=4, seed=3, today=TODAY)
    chunks = list(generate(options))
    assert [len(chunk.accounts) for chunk in chunks] == [CHUNK_SIZE, 30]
    check_invariants(chunks, options)
    statuses = {row["status"] for chunk in chunks for row in chunk.accounts}
    assert statuses == {"active", "churned"}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    accounts=st.integers(1, 12),
    months=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
    locale=st.sampled_from(["ja", "en"]),
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)
def test_any_small_run_is_consistent(
    accounts: int, months: int, seed: int, locale: str, today: date
) -> None:
    options = DemoOptions(accounts=accounts, months=months, seed=seed, locale=locale, today=today)
    check_invariants(list(generate(options)), options)


@pytest.mark.parametrize(("locale", "industry"), [("ja", "建設業"), ("en", "Construction")])
def test_names_and_texts_follow_the_locale(locale: str, industry: str) -> None:
    chunks = _run(accounts=40, months=3, locale=locale)
    accounts = chunks[0].accounts
    assert industry in {row["industry"] for row in accounts}
    legal = (
        ("株式会社", "有限会社", "合同会社") if locale == "ja" else ("Inc.", "Ltd.", "LLC", "Corp.")
    )
    assert all(any(form in row["name"] for form in legal) for row in accounts)
    contact = chunks[0].contacts[0]
    assert " " in contact["name"]
    assert contact["email"].endswith(".example")

"""Portfolios on both backends: bulk assignment by segment, filter and external ids with its
history rows, refusals that write nothing, and the workload figures computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hatake.accounts import portfolio_service as service
from hatake.accounts.models import Account
from hatake.accounts.portfolio import Person, WorkloadLine, annual, totals, workload_lines
from hatake.accounts.portfolio_models import AccountOwnerChange
from hatake.accounts.repository import AccountFilter
from hatake.core.errors import InvalidField
from hatake.coverage import coverage_service
from hatake.coverage.cadence import CadenceConfig
from hatake.coverage.models import Task
from hatake.lifecycle.segment_models import Segment, SegmentMembership
from tests.helpers import create_account, create_subscription, create_touchpoint, create_user

DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
CADENCES = CadenceConfig(default_days=14)


def _task(session: Session, account: Account, assignee: int | None, **values: object) -> None:
    number = session.scalar(select(func.count()).select_from(Task)) or 0
    session.add(
        Task(
            external_id=f"T-{number}", account_id=account.id, title=f"task {number}",
            assignee_id=assignee, **values,
        )
    )  # fmt: skip
    session.flush()


def _build(session: Session) -> dict[str, int]:
    sato = create_user(session, name="A 佐藤", email="sato@example.com")
    suzuki = create_user(session, name="B 鈴木", email="suzuki@example.com")
    tanaka = create_user(session, name="C 田中", email="tanaka@example.com")
    boss = create_user(session, name="Z 部長", email="boss@example.com", role="manager")
    create_user(session, name="閲覧", email="viewer@example.com", role="viewer")
    start = date(2025, 1, 1)
    a1 = create_account(session, external_id="ACC-1", name="一", owner_id=sato.id)
    create_subscription(session, a1, mrr_minor=100_000, start_date=start)
    create_subscription(
        session, a1, mrr_minor=50_000, start_date=start, end_date=date(2025, 12, 31),
        status="ended",
    )  # fmt: skip
    a2 = create_account(session, external_id="ACC-2", name="二", owner_id=sato.id)
    create_subscription(session, a2, mrr_minor=30_000, start_date=start)
    create_subscription(session, a2, mrr_minor=20_000, currency="USD", start_date=start)
    a3 = create_account(session, external_id="ACC-3", name="三", owner_id=suzuki.id)
    create_subscription(session, a3, mrr_minor=80_000, start_date=start)
    a4 = create_account(session, external_id="ACC-4", name="四")
    create_subscription(session, a4, mrr_minor=10_000, start_date=start)
    a5 = create_account(
        session, external_id="ACC-5", name="五", owner_id=suzuki.id, status="churned"
    )
    create_subscription(
        session, a5, mrr_minor=40_000, start_date=start, end_date=date(2026, 3, 31),
        status="ended",
    )  # fmt: skip
    # Cadence 14 days: ACC-1 touched 3 days ago is covered; ACC-3 (20 days), ACC-2 and ACC-4
    # (never) are past it.
    create_touchpoint(session, a1, occurred_at=NOW - timedelta(days=3))
    create_touchpoint(session, a3, occurred_at=NOW - timedelta(days=20))
    _task(session, a1, sato.id, due_on=DAY - timedelta(days=1))  # overdue
    _task(session, a1, sato.id, due_on=DAY)  # due today: open, not overdue
    _task(session, a2, sato.id, due_on=DAY - timedelta(days=9), status="done", completed_at=NOW)
    _task(session, a3, suzuki.id)  # no date
    _task(session, a4, None, due_on=DAY - timedelta(days=5))  # nobody's, overdue
    segment = Segment(name="重点", definition={})
    session.add(segment)
    session.flush()
    session.add_all(
        [
            SegmentMembership(segment_id=segment.id, account_id=a1.id, entered_on=start),
            SegmentMembership(segment_id=segment.id, account_id=a3.id, entered_on=start),
            # ACC-2 left the segment: not a current member.
            SegmentMembership(
                segment_id=segment.id, account_id=a2.id, entered_on=start,
                left_on=date(2026, 6, 1),
            ),
        ]
    )  # fmt: skip
    session.flush()
    return {
        "sato": sato.id, "suzuki": suzuki.id, "tanaka": tanaka.id, "boss": boss.id,
        "segment": segment.id, "a1": a1.id, "a2": a2.id, "a3": a3.id, "a4": a4.id,
    }  # fmt: skip


def _owners(session: Session) -> dict[str, int | None]:
    session.expire_all()
    return dict(session.execute(select(Account.external_id, Account.owner_id)).all())


def _history(session: Session) -> list[tuple[int, int | None, int | None, int | None, str | None]]:
    rows = session.scalars(select(AccountOwnerChange).order_by(AccountOwnerChange.account_id)).all()
    return [(r.account_id, r.from_user_id, r.to_user_id, r.changed_by_id, r.reason) for r in rows]


def test_workload_figures(session: Session) -> None:
    ids = _build(session)
    report = coverage_service.build_report(session, day=DAY, cadences=CADENCES)
    result = service.workload(session, report=report)
    by_name = {line.owner.name if line.owner else None: line for line in result.lines}
    # Only CSMs get a line (the manager owns nothing); what nobody owns comes last.
    assert list(by_name) == ["A 佐藤", "B 鈴木", "C 田中", None]
    assert by_name["A 佐藤"] == WorkloadLine(
        owner=Person(ids["sato"], "A 佐藤", "sato@example.com"),
        accounts=2,
        arr_minor={"JPY": (100_000 + 30_000) * 12, "USD": 20_000 * 12},  # ended term left out
        overdue_touches=1,  # ACC-2
        open_tasks=2,
        overdue_tasks=1,
    )
    # ACC-5 is churned: neither counted nor in ARR (its term ended).
    suzuki = by_name["B 鈴木"]
    assert (suzuki.accounts, suzuki.arr_minor, suzuki.overdue_touches) == (1, {"JPY": 960_000}, 1)
    assert (suzuki.open_tasks, suzuki.overdue_tasks) == (1, 0)
    tanaka = by_name["C 田中"]
    assert (tanaka.accounts, tanaka.arr_minor, tanaka.open_tasks) == (0, {}, 0)
    nobody = by_name[None]
    assert (nobody.accounts, nobody.arr_minor, nobody.overdue_touches) == (1, {"JPY": 120_000}, 1)
    assert (nobody.open_tasks, nobody.overdue_tasks) == (1, 1)
    team = result.team
    assert team.accounts == 4
    assert team.arr_minor == {"JPY": 2_640_000, "USD": 240_000}
    assert (team.overdue_touches, team.open_tasks, team.overdue_tasks) == (3, 4, 2)
    # The overdue touches are the coverage report's uncovered accounts, not a recount.
    assert team.overdue_touches == len(report.uncovered)


def test_bulk_assign_by_segment_records_each_change(session: Session) -> None:
    ids = _build(session)
    plan = service.assign(
        session, selection=service.Selection(segment_id=ids["segment"]),
        to="tanaka@example.com", changed_by=ids["boss"], reason="担当替え", now=NOW,
    )  # fmt: skip
    assert (plan.matched, len(plan.changes)) == (2, 2)
    assert plan.from_owners == {ids["sato"]: 1, ids["suzuki"]: 1}
    owners = _owners(session)
    assert owners["ACC-1"] == owners["ACC-3"] == ids["tanaka"]
    assert owners["ACC-2"] == ids["sato"]  # left the segment: untouched
    assert _history(session) == [
        (ids["a1"], ids["sato"], ids["tanaka"], ids["boss"], "担当替え"),
        (ids["a3"], ids["suzuki"], ids["tanaka"], ids["boss"], "担当替え"),
    ]
    stamp = session.scalar(select(func.min(AccountOwnerChange.changed_at)))
    assert stamp == NOW
    # Again: the accounts are already theirs; nothing changes, no history row.
    again = service.assign(
        session, selection=service.Selection(segment_id=ids["segment"]),
        to=str(ids["tanaka"]), changed_by=ids["boss"], reason=None, now=NOW,
    )  # fmt: skip
    assert (again.matched, len(again.changes)) == (2, 0)
    assert len(_history(session)) == 2


def test_bulk_assign_by_the_accounts_list_filter(session: Session) -> None:
    ids = _build(session)
    selection = service.Selection(filters=AccountFilter(owner_id=ids["sato"], status="active"))
    preview = service.plan_assignment(session, selection=selection, to="suzuki@example.com")
    assert (preview.matched, len(preview.changes)) == (2, 2)
    assert _history(session) == []  # a preview writes nothing
    service.assign(
        session, selection=selection, to="suzuki@example.com", changed_by=None, reason=None,
        now=NOW, expected_changes=2,
    )  # fmt: skip
    owners = _owners(session)
    assert owners["ACC-1"] == owners["ACC-2"] == ids["suzuki"]
    assert [row[:4] for row in _history(session)] == [
        (ids["a1"], ids["sato"], ids["suzuki"], None),
        (ids["a2"], ids["sato"], ids["suzuki"], None),
    ]
    # The plan filter of the list ("standard" is every term here) with a search.
    by_plan = service.plan_assignment(
        session,
        selection=service.Selection(filters=AccountFilter(plan="standard", search="acc-4")),
        to="tanaka@example.com",
    )
    assert (by_plan.matched, by_plan.from_owners) == (1, {None: 1})


@pytest.mark.parametrize(
    ("selection", "to", "field", "value"),
    [
        (service.Selection(external_ids=("ACC-1", "NOPE")), "tanaka@example.com",
         "account_external_ids", "NOPE"),
        (service.Selection(segment_id=999), "tanaka@example.com", "segment_id", 999),
        (service.Selection(external_ids=("ACC-1",)), "nobody@example.com", "to",
         "nobody@example.com"),
        (service.Selection(external_ids=("ACC-1",)), "viewer@example.com", "to",
         "viewer@example.com"),
        (service.Selection(), "tanaka@example.com", "selection", None),
        (service.Selection(external_ids=("ACC-1",), segment_id=1), "tanaka@example.com",
         "selection", None),
    ],
)  # fmt: skip
def test_unknown_names_are_refused_and_nothing_is_written(
    session: Session, selection: service.Selection, to: str, field: str, value: object
) -> None:
    _build(session)
    before = _owners(session)
    with pytest.raises(InvalidField) as raised:
        service.assign(session, selection=selection, to=to, changed_by=None, reason=None, now=NOW)
    assert raised.value.params["field"] == field
    assert raised.value.params["value"] == value
    assert _owners(session) == before
    assert _history(session) == []


def test_a_changed_selection_since_the_preview_is_refused(session: Session) -> None:
    ids = _build(session)
    with pytest.raises(InvalidField, match="changed since the preview"):
        service.assign(
            session, selection=service.Selection(segment_id=ids["segment"]),
            to="tanaka@example.com", changed_by=None, reason=None, now=NOW, expected_changes=3,
        )  # fmt: skip
    assert _history(session) == []


def test_workload_lines_by_hand() -> None:
    ann, bob = Person(1, "Ann", "ann@x"), Person(2, "Bob", "bob@x")
    lines = workload_lines(
        [ann, bob],
        owned={1: 3, None: 0},
        mrr=[(1, "JPY", 1_000), (1, "JPY", 500), (1, "USD", 7), (2, "JPY", 10)],
        uncovered_owners=[1, 1, 2],
        tasks={2: (4, 1)},
    )
    assert lines == [
        WorkloadLine(ann, 3, {"JPY": 18_000, "USD": 84}, 2, 0, 0),
        WorkloadLine(bob, 0, {"JPY": 120}, 1, 4, 1),
    ]  # nobody's line is left out: it holds nothing
    assert totals(lines) == WorkloadLine(None, 3, {"JPY": 18_120, "USD": 84}, 3, 4, 1)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([1, 2, None]),
            st.sampled_from(["JPY", "USD"]),
            st.integers(min_value=0, max_value=10**9),
        ),
        max_size=30,
    )
)
def test_team_arr_is_twelve_times_all_mrr(mrr: list[tuple[int | None, str, int]]) -> None:
    lines = workload_lines(
        [Person(1, "a", "a@x"), Person(2, "b", "b@x")],
        owned={},
        mrr=mrr,
        uncovered_owners=[],
        tasks={},
    )
    for currency in ("JPY", "USD"):
        expected = sum(annual(amount) for _o, code, amount in mrr if code == currency)
        assert totals(lines).arr_minor.get(currency, 0) == expected

"""Segments: definition validation, filter evaluation on hand-built attributes, tenure months,
and membership enter/leave history over days."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from hatake.core.errors import InvalidInput
from hatake.lifecycle import segment_service
from hatake.lifecycle.segment_attributes import tenure_months
from hatake.lifecycle.segments import parse_definition
from tests.helpers import create_account

ATTRIBUTES = pa.table(
    {
        "account_id": [1, 2, 3, 4],
        "grade": ["at_risk", "healthy", None, "neutral"],
        "score": [31.0, 82.0, None, 55.0],
        "days_to_renewal": [40.0, 200.0, 10.0, None],
        "plan": ["standard", "enterprise", "free", "standard"],
        "owner": ["sato@example.com", None, "sato@example.com", "tanaka@example.com"],
        "custom.region": ["関東", "関西", None, "関東"],
    }
)


def members(document: object) -> set[int]:
    return segment_service.matching_accounts(ATTRIBUTES, document, ["region"])


def test_conditions_on_numbers_texts_and_missing_values() -> None:
    renewing_at_risk = {
        "match": "all",
        "conditions": [
            {"field": "grade", "op": "in", "value": ["at_risk", "neutral"]},
            {"field": "days_to_renewal", "op": "<=", "value": 90},
        ],
    }
    assert members(renewing_at_risk) == {1}
    either = {**renewing_at_risk, "match": "any"}
    assert members(either) == {1, 3, 4}
    assert members({"conditions": [{"field": "score", "op": "between", "value": [30, 55]}]}) == {
        1,
        4,
    }
    # A missing value never satisfies a comparison, only is_empty.
    assert members({"conditions": [{"field": "score", "op": "<", "value": 100}]}) == {1, 2, 4}
    assert members({"conditions": [{"field": "score", "op": "is_empty"}]}) == {3}
    assert members(
        {"conditions": [{"field": "owner", "op": "!=", "value": "sato@example.com"}]}
    ) == {4}
    assert members({"conditions": [{"field": "plan", "op": "not_in", "value": ["free"]}]}) == {
        1,
        2,
        4,
    }
    assert members({"conditions": [{"field": "owner", "op": "contains", "value": "SATO"}]}) == {
        1,
        3,
    }
    assert members({"conditions": [{"field": "custom.region", "op": "=", "value": "関東"}]}) == {
        1,
        4,
    }


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "A segment definition must be an object with match and conditions."),
        ({"conditions": []}, "A segment needs at least one condition."),
        ({"match": "some", "conditions": [{}]}, "match must be all or any, not {value}."),
        (
            {"conditions": [{"field": "colour", "op": "=", "value": "red"}]},
            "Condition {number}: unknown field {value}; use one of {choices}.",
        ),
        (
            {"conditions": [{"field": "score", "op": "contains", "value": "1"}]},
            "Condition {number} ({field}): the operator {value} does not apply; use one of "
            "{choices}.",
        ),
        (
            {"conditions": [{"field": "score", "op": "<", "value": "40"}]},
            "Condition {number} ({field}): {value} is not a number.",
        ),
        (
            {"conditions": [{"field": "score", "op": "between", "value": [60, 40]}]},
            "Condition {number} ({field}): {value} is not two numbers, low ≤ high.",
        ),
        (
            {"conditions": [{"field": "grade", "op": "in", "value": "at_risk"}]},
            "Condition {number} ({field}): {value} is not a list of texts.",
        ),
        (
            {"conditions": [{"field": "grade", "op": "=", "value": 3}]},
            "Condition {number} ({field}): {value} is not a text.",
        ),
        (
            {"conditions": [{"field": "custom.unknown", "op": "=", "value": "x"}]},
            "Condition {number}: unknown field {value}; use one of {choices}.",
        ),
    ],
)
def test_invalid_definitions_name_the_condition_and_problem(document: object, message: str) -> None:
    with pytest.raises(InvalidInput) as invalid:
        parse_definition(document, ["region"])
    assert invalid.value.message_key == message


@pytest.mark.parametrize(
    ("start", "day", "months"),
    [
        (date(2026, 1, 15), date(2026, 1, 15), 0),
        (date(2026, 1, 15), date(2026, 2, 14), 0),
        (date(2026, 1, 15), date(2026, 2, 15), 1),
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 3, 31), date(2026, 4, 30), 1),
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(2025, 11, 24), date(2026, 11, 23), 11),
        (date(2025, 11, 23), date(2026, 11, 23), 12),
        (date(2026, 12, 1), date(2026, 11, 23), None),
    ],
)
def test_tenure_months(start: date, day: date, months: int | None) -> None:
    assert tenure_months(start, day) == months


@given(st.dates(min_value=date(2000, 1, 1)), st.integers(min_value=0, max_value=3000))
def test_tenure_never_decreases_and_grows_about_a_month_per_30_days(
    start: date, offset: int
) -> None:
    later = date.fromordinal(start.toordinal() + offset)
    months = tenure_months(start, later)
    assert months is not None
    assert months * 28 <= offset < (months + 1) * 31 + 1
    next_day = date.fromordinal(later.toordinal() + 1)
    assert tenure_months(start, next_day) in (months, months + 1)


def test_membership_records_entering_and_leaving_over_days(session: Session) -> None:
    accounts = [create_account(session) for _ in range(3)]
    ids = [account.id for account in accounts]
    segment = segment_service.save_segment(
        session,
        name="更新間近の要注意",
        definition={"conditions": [{"field": "grade", "op": "=", "value": "at_risk"}]},
        description=None,
        custom_keys=[],
    )

    def day_with(grades: list[str | None]) -> pa.Table:
        return pa.table({"account_id": ids, "grade": grades})

    def refresh(day: date, grades: list[str | None]) -> None:
        segment_service.refresh_membership(
            session, day=day, attributes=day_with(grades), custom_keys=[]
        )

    refresh(date(2026, 11, 1), ["at_risk", "healthy", "at_risk"])
    refresh(date(2026, 11, 2), ["at_risk", "at_risk", "healthy"])
    refresh(date(2026, 11, 2), ["at_risk", "at_risk", "healthy"])  # the same day again
    refresh(date(2026, 11, 3), ["healthy", "at_risk", "at_risk"])
    assert segment_service.current_member_ids(session, segment.id) == {ids[1], ids[2]}
    assert segment_service.member_counts(session, segment.id) == [
        (date(2026, 11, 1), 2),
        (date(2026, 11, 2), 2),
        (date(2026, 11, 3), 2),
    ]
    changes = segment_service.recent_changes(session, segment.id)
    assert sorted(changes) == sorted(
        [
            (date(2026, 11, 1), "entered", ids[0]),
            (date(2026, 11, 1), "entered", ids[2]),
            (date(2026, 11, 2), "entered", ids[1]),
            (date(2026, 11, 2), "left", ids[2]),
            (date(2026, 11, 3), "left", ids[0]),
            (date(2026, 11, 3), "entered", ids[2]),
        ]
    )


def test_saving_an_invalid_segment_writes_nothing(session: Session) -> None:
    with pytest.raises(InvalidInput):
        segment_service.save_segment(
            session,
            name="bad",
            definition={"conditions": [{"field": "nope", "op": "=", "value": 1}]},
            description=None,
            custom_keys=[],
        )
    assert segment_service.list_segments(session) == []

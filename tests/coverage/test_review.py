"""The weekly review's pure parts: ISO weeks, comparisons, signs and colours."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.core.errors import InvalidField
from hatake.coverage.review import (
    Compared,
    Figures,
    IsoWeek,
    last_complete_week,
    measured_until,
    parse_week,
    rows,
    signed,
    team,
    tone,
    week_of,
    weeks_in,
)


def test_iso_weeks() -> None:
    week = parse_week("2026-W47")
    assert (week.monday, week.sunday, week.label) == (
        date(2026, 11, 16),
        date(2026, 11, 22),
        "2026-W47",
    )
    assert parse_week("2026w47") == parse_week(" 2026-w47 ") == week
    assert week.previous() == IsoWeek(2026, 46)
    # 2026 has 53 ISO weeks (it starts on a Thursday); 2025 has 52.
    assert (weeks_in(2026), weeks_in(2025)) == (53, 52)
    assert parse_week("2026-W53").next() == IsoWeek(2027, 1)
    assert parse_week("2026-W01").monday == date(2025, 12, 29)
    assert week_of(date(2027, 1, 3)) == IsoWeek(2026, 53)


@pytest.mark.parametrize(
    ("text", "english", "japanese"),
    [
        (
            "2026-47",
            "week: 2026-47 is not an ISO week; write it like 2026-W47.",
            "週 (week): 2026-47 はISO週ではありません。2026-W47 のように書いてください。",
        ),
        (
            "2025-W53",
            "week: 2025-W53 does not exist; 2025 has weeks 1 to 52.",
            "週 (week): 2025-W53 はありません。2025年は第1週から第52週までです。",
        ),
        (
            "2026-W00",
            "week: 2026-W00 does not exist; 2026 has weeks 1 to 53.",
            "週 (week): 2026-W00 はありません。2026年は第1週から第53週までです。",
        ),
        (
            "0000-W01",
            "week: 0000-W01 is not an ISO week; write it like 2026-W47.",
            "週 (week): 0000-W01 はISO週ではありません。2026-W47 のように書いてください。",
        ),
    ],
)
def test_a_bad_week_is_named_in_both_languages(text: str, english: str, japanese: str) -> None:
    from hatake.core.i18n import gettext_for

    with pytest.raises(InvalidField) as error:
        parse_week(text)
    assert error.value.params["field"] == "week"
    assert error.value.render(gettext_for("en")) == english
    assert error.value.render(gettext_for("ja")) == japanese


def test_the_week_measured() -> None:
    week = IsoWeek(2026, 47)
    assert measured_until(week, date(2026, 11, 30)) == date(2026, 11, 22)
    assert measured_until(week, date(2026, 11, 19)) == date(2026, 11, 19)  # still running
    with pytest.raises(InvalidField) as error:
        measured_until(IsoWeek(2026, 48), date(2026, 11, 19))
    assert "has not started yet (today is 2026-11-19)" in str(error.value)
    # Until Sunday ends, the last complete week is the one before.
    assert last_complete_week(date(2026, 11, 22)) == IsoWeek(2026, 46)
    assert last_complete_week(date(2026, 11, 23)) == IsoWeek(2026, 47)


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2998, 12, 31)))
def test_every_day_is_in_its_week(day: date) -> None:
    week = week_of(day)
    assert week.monday <= day <= week.sunday
    assert parse_week(week.label) == week
    assert week.previous().next() == week
    assert week.monday - week.previous().monday == timedelta(days=7)


def test_signs_and_tones() -> None:
    assert [signed(3), signed(-2), signed(0), signed(None)] == ["+3", "−2", "±0", "—"]
    assert signed(0.125, points=True) == "+12.5 pt"
    assert signed(-0.5, points=True) == "−50.0 pt"
    assert signed(0.0001, points=True) == "±0 pt"
    assert Compared(0.25, 0.75).change == -0.5
    assert Compared(1, None).change is None
    assert (tone("coverage", 0.1), tone("tasks_overdue", 1), tone("worsened", -1)) == (
        "good",
        "bad",
        "good",
    )
    assert (tone("accounts", 5), tone("tasks_done", 0), tone("tasks_done", None)) == ("", "", "")


def test_rows_and_the_team_total() -> None:
    sato = Figures(accounts=2, covered=1, touches=Counter({("phone", "meaningful"): 3}))
    suzuki_before = Figures(accounts=2, covered=2, tasks_done=1)
    review_rows = rows({"佐藤": sato, None: Figures(accounts=1)}, {"鈴木": suzuki_before})
    assert [row.csm for row in review_rows] == ["佐藤", "鈴木", None]  # the unassigned last
    assert review_rows[1].compared("accounts") == Compared(0, 2)
    assert review_rows[1].compared("coverage") == Compared(None, 1.0)
    total = team(review_rows)
    assert total.compared("accounts") == Compared(3, 2)
    assert total.compared("coverage") == Compared(1 / 3, 1.0)
    assert total.compared("meaningful_touches") == Compared(3, 0)
    assert total.compared("tasks_done") == Compared(0, 1)
    assert total.channel("phone", "meaningful") == Compared(3, 0)

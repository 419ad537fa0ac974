from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.voc.nps import net_promoter_score, nps_category


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_categories_at_the_edges(score: int, category: str) -> None:
    assert nps_category(score) == category


def test_out_of_range_answers_are_refused() -> None:
    with pytest.raises(ValueError, match="0-10"):
        nps_category(11)


def test_hand_computed_score() -> None:
    # 3 promoters (9, 10, 10), 1 passive (7), 1 detractor (3): (3 - 1) / 5 = 40
    assert net_promoter_score([9, 10, 10, 7, 3]) == 40.0
    assert net_promoter_score([]) is None


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1))
def test_score_is_bounded(scores: list[int]) -> None:
    assert -100.0 <= net_promoter_score(scores) <= 100.0

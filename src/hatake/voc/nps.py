"""NPS arithmetic (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

NpsCategory = Literal["promoter", "passive", "detractor"]


def nps_category(score: int) -> NpsCategory:
    if not 0 <= score <= 10:
        raise ValueError(f"NPS answers are 0-10, got {score}")
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


def net_promoter_score(scores: Iterable[int]) -> float | None:
    """% promoters − % detractors, from -100 to 100; None when nobody answered."""
    categories = [nps_category(score) for score in scores]
    if not categories:
        return None
    promoters = categories.count("promoter")
    detractors = categories.count("detractor")
    return 100.0 * (promoters - detractors) / len(categories)

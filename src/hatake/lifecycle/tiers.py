"""Touch tiers from ARR: pure rules. ARR is 12 x the MRR of the terms running on the day, in
minor units, per currency (JPY has no minor unit), compared with that currency's thresholds."""

from __future__ import annotations

from collections.abc import Mapping

from hatake.lifecycle.lifecycle_config import TierThresholds

TIER_ORDER = {"high_touch": 0, "low_touch": 1, "tech_touch": 2}


def arr_minor(mrr_by_currency: Mapping[str, int]) -> dict[str, int]:
    return {currency: 12 * mrr for currency, mrr in mrr_by_currency.items()}


def tier_for_arr(arr: int, thresholds: TierThresholds) -> str:
    """A threshold is the lowest ARR of its tier: exactly at it is already that tier."""
    if arr >= thresholds.high_touch:
        return "high_touch"
    if arr >= thresholds.low_touch:
        return "low_touch"
    return "tech_touch"


def tier_for(
    mrr_by_currency: Mapping[str, int],
    thresholds: Mapping[str, TierThresholds],
    override: str | None = None,
) -> str:
    """A manual override wins; otherwise the highest tier any currency's ARR reaches (an account
    paying in two currencies gets the attention its larger contract deserves)."""
    if override is not None:
        return override
    tiers = [
        tier_for_arr(arr, thresholds[currency])
        for currency, arr in arr_minor(mrr_by_currency).items()
        if currency in thresholds
    ]
    return min(tiers, key=TIER_ORDER.__getitem__, default="tech_touch")

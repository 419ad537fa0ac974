"""Invalid [lifecycle] configuration is refused with the field and the problem."""

from __future__ import annotations

from typing import Any

import pytest

from hatake.core.i18n import gettext_for
from hatake.lifecycle.lifecycle_config import (
    DEFAULT_STAGES,
    LifecycleConfigInvalid,
    parse_lifecycle,
)

KEYS = ["first_login"]


def _error(raw: dict[str, Any]) -> LifecycleConfigInvalid:
    with pytest.raises(LifecycleConfigInvalid) as caught:
        parse_lifecycle(raw, KEYS)
    return caught.value


def _stages(index: int, **changes: Any) -> list[dict[str, Any]]:
    stages = [dict(stage) for stage in DEFAULT_STAGES]
    stages[index].update(changes)
    return stages


def test_defaults_are_valid() -> None:
    config = parse_lifecycle({}, [])
    assert config.stage_keys == ["churned", "renewal", "onboarding", "expansion", "adoption"]


def test_missing_milestone_is_named() -> None:
    error = _error({"stages": _stages(2, milestones=["first_login", "first_import"])})
    assert error.field == "lifecycle.stages[2]"
    assert "first_import" in str(error)
    japanese = error.render(gettext_for("ja"))
    assert "lifecycle.stages[2]" in japanese
    assert "first_import" in japanese
    assert "onboarding_milestones" in japanese
    assert "マイルストーン" in japanese


def test_unknown_field() -> None:
    error = _error({"stages": _stages(1, window=30)})
    assert error.field == "lifecycle.stages[1].window"
    assert gettext_for("ja")("{field}: unknown field.") != "{field}: unknown field."
    assert _error({"colour": "red"}).field == "lifecycle.colour"


def test_thresholds_out_of_order() -> None:
    error = _error({"tiers": {"JPY": {"high_touch": 100, "low_touch": 100}}})
    assert error.field == "lifecycle.tiers.JPY"
    assert "high_touch (100)" in str(error)


def test_negative_days() -> None:
    error = _error({"stages": _stages(1, days=-5)})
    assert error.field == "lifecycle.stages[1].days"
    assert "-5" in str(error)
    assert _error({"tiers": {"JPY": {"high_touch": 10, "low_touch": -1}}}).field == (
        "lifecycle.tiers.JPY.low_touch"
    )


def test_structure_problems() -> None:
    assert "default" in str(_error({"stages": DEFAULT_STAGES[:-1]}))
    assert _error({"stages": _stages(0, key="adoption")}).field == "lifecycle.stages[4]"
    assert _error({"stages": _stages(1, days=None)}).field == "lifecycle.stages[1]"
    assert _error({"tiers": {"yen": {"high_touch": 10, "low_touch": 1}}}).field == (
        "lifecycle.tiers.yen"
    )

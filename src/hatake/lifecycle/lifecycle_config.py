"""The `[lifecycle]` table of HATAKE_HOME/config.toml: stages with their entry rules, expected
durations and the ARR thresholds of the touch tiers.

The table reaches us unvalidated (``FileConfig.lifecycle`` is a plain dict) so that a mistake
in it is reported here, naming the field and the problem, while the last valid configuration
stays in force; a typed field would instead fail every command that reads config.toml.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hatake.core.errors import InvalidInput

StageRule = Literal["churned", "renewal", "onboarding", "expansion", "default"]
TIERS = ("high_touch", "low_touch", "tech_touch")  # from most to least attention


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StageConfig(_Strict):
    """One stage and the rule that puts an account in it. Stages are tried in list order and
    the first whose rule matches wins; the list must end with a ``default`` stage."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label_ja: str
    label_en: str
    rule: StageRule
    # renewal: the window opens this many days before the renewal date;
    # onboarding: the stage ends after this many days even if milestones are missing.
    days: int | None = Field(default=None, ge=0)
    # onboarding: milestone keys of [health] onboarding_milestones (all of them when left out).
    milestones: list[str] | None = None
    # expansion: active users in 30 days / seats, and events in the last 30 days over the 30
    # before, in percent; either one reaching its threshold is a signal. Usage growth is off by
    # default: on the demo book it crossed 50 % back and forth almost weekly, so accounts
    # flapped between adoption and expansion; 30-day seat utilisation is steadier.
    seat_utilisation_pct: float | None = Field(default=None, ge=0)
    usage_growth_pct: float | None = Field(default=None, ge=0)
    # Longer than this in the stage is "stuck"; no limit when left out.
    expected_days: int | None = Field(default=None, ge=1)


class TierThresholds(_Strict):
    """Lowest ARR (12 x MRR of the running terms, minor units of the currency) of each tier;
    below ``low_touch`` is tech touch."""

    high_touch: int = Field(ge=0)
    low_touch: int = Field(ge=0)


class LifecycleConfig(_Strict):
    stages: list[StageConfig]
    # Currency code -> thresholds; an account's ARR in a currency not listed leaves it in
    # tech touch unless it is overridden.
    tiers: dict[str, TierThresholds]

    def stage(self, key: str) -> StageConfig | None:
        return next((item for item in self.stages if item.key == key), None)

    @property
    def stage_keys(self) -> list[str]:
        return [item.key for item in self.stages]

    def digest(self) -> str:
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


DEFAULT_STAGES: list[dict[str, Any]] = [
    {"key": "churned", "label_ja": "解約", "label_en": "Churned", "rule": "churned"},
    {"key": "renewal", "label_ja": "更新", "label_en": "Renewal", "rule": "renewal",
     "days": 90, "expected_days": 90},
    {"key": "onboarding", "label_ja": "オンボーディング", "label_en": "Onboarding",
     "rule": "onboarding", "days": 90, "expected_days": 60},
    {"key": "expansion", "label_ja": "拡大", "label_en": "Expansion", "rule": "expansion",
     "seat_utilisation_pct": 90, "expected_days": 120},
    {"key": "adoption", "label_ja": "活用", "label_en": "Adoption", "rule": "default"},
]  # fmt: skip
DEFAULT_TIERS: dict[str, dict[str, int]] = {
    "JPY": {"high_touch": 3_000_000, "low_touch": 600_000},
    "USD": {"high_touch": 5_000_000, "low_touch": 1_000_000},
}


class LifecycleConfigInvalid(InvalidInput):
    """A `[lifecycle]` mistake; ``field`` is the dotted path in config.toml."""

    message_key = "The [lifecycle] configuration is not valid."

    def __init__(self, message_key: str, /, *, field: str, **params: Any) -> None:
        super().__init__(message_key, field=field, **params)
        self.field = field


def _path(location: tuple[int | str, ...]) -> str:
    text = "lifecycle"
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _from_pydantic(error: ValidationError) -> LifecycleConfigInvalid:
    first = error.errors()[0]
    field = _path(tuple(first["loc"]))
    kind, value = first["type"], first.get("input")
    if kind == "extra_forbidden":
        return LifecycleConfigInvalid("{field}: unknown field.", field=field)
    if kind == "missing":
        return LifecycleConfigInvalid("{field}: required field is missing.", field=field)
    if kind in ("greater_than_equal", "greater_than") and isinstance(value, int | float):
        return LifecycleConfigInvalid(
            "{field}: must not be negative or zero here, got {value}.", field=field, value=value
        )
    return LifecycleConfigInvalid(
        "{field}: invalid value {value} ({problem}).",
        field=field,
        value=json.dumps(value, ensure_ascii=False, default=str),
        problem=first["msg"],
    )


def parse_lifecycle(raw: Mapping[str, Any], milestone_keys: Collection[str]) -> LifecycleConfig:
    """The configuration from config.toml's `[lifecycle]` table (defaults for what it leaves
    out); refuses the first problem found with the field's path, e.g. ``lifecycle.stages[2]``."""
    document = {"stages": DEFAULT_STAGES, "tiers": DEFAULT_TIERS, **raw}
    try:
        config = LifecycleConfig.model_validate(document)
    except ValidationError as error:
        raise _from_pydantic(error) from None
    _check_stages(config, set(milestone_keys))
    _check_tiers(config)
    return config


def _check_stages(config: LifecycleConfig, milestone_keys: set[str]) -> None:
    seen: set[str] = set()
    for index, stage in enumerate(config.stages):
        field = f"lifecycle.stages[{index}]"
        if stage.key in seen:
            raise LifecycleConfigInvalid(
                "{field}.key: the stage {value} is defined twice.", field=field, value=stage.key
            )
        seen.add(stage.key)
        if stage.rule in ("renewal", "onboarding") and stage.days is None:
            raise LifecycleConfigInvalid(
                "{field}.days: a {rule} stage needs days.", field=field, rule=stage.rule
            )
        for key in stage.milestones or []:
            if key not in milestone_keys:
                raise LifecycleConfigInvalid(
                    "{field}.milestones: the milestone {value} is not in "
                    "[health] onboarding_milestones.",
                    field=field,
                    value=key,
                )
        if stage.rule == "default" and index != len(config.stages) - 1:
            raise LifecycleConfigInvalid(
                "{field}.rule: the default stage must come last.", field=field
            )
    if not config.stages or config.stages[-1].rule != "default":
        raise LifecycleConfigInvalid(
            '{field}: the last stage must have rule = "default", so that every account under '
            "contract has a stage.",
            field="lifecycle.stages",
        )


def _check_tiers(config: LifecycleConfig) -> None:
    for currency, thresholds in config.tiers.items():
        field = f"lifecycle.tiers.{currency}"
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise LifecycleConfigInvalid(
                "{field}: {value} is not a currency code (three capital letters).",
                field=field,
                value=currency,
            )
        if thresholds.high_touch <= thresholds.low_touch:
            raise LifecycleConfigInvalid(
                "{field}: high_touch ({high}) must be above low_touch ({low}).",
                field=field,
                high=thresholds.high_touch,
                low=thresholds.low_touch,
            )

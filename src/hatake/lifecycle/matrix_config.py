"""The ``[matrix]`` section of HATAKE_HOME/config.toml: its model, its defaults (seed 004) and
the checks that reject a bad section with messages naming the field and the problem.

A bad section must not stop hatake from starting or the previous bands from applying, so
``FileConfig.matrix`` holds either a valid ``MatrixConfig`` or a ``RejectedMatrixConfig`` with
its issues; ``matrix_service.config_in_force`` then falls back to the last valid version.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, WrapValidator

from hatake.lifecycle.matrix import (
    ZERO_ROW,
    Band,
    all_cells,
    split_cell,
)

IdSource = Literal["contacts", "seats"]
ID_SOURCES: tuple[str, ...] = ("contacts", "seats")
LABEL_PATTERN = re.compile(r"^[A-Za-z0-9]{1,8}$")
KNOWN_KEYS = ("id_source", "id_bands", "tenure_bands", "must_not_lose")
BAND_KEYS = ("label", "min", "max")
# The smallest value each axis must cover: 0 IDs has its own row, tenure starts at 0 months.
AXIS_FLOOR = {"id_bands": 1, "tenure_bands": 0}


class BandConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    min: int
    max: int | None = None

    def band(self) -> Band:
        return Band(label=self.label, low=self.min, high=self.max)


DEFAULT_ID_BANDS = (
    BandConfig(label="A", min=21),
    BandConfig(label="B", min=11, max=20),
    BandConfig(label="C", min=6, max=10),
    BandConfig(label="D", min=1, max=5),
)
DEFAULT_TENURE_BANDS = (
    BandConfig(label="a", min=0, max=3),
    BandConfig(label="b", min=4, max=7),
    BandConfig(label="c", min=8, max=11),
    BandConfig(label="d", min=12),
)


class MatrixConfig(BaseModel):
    """Bands of the priority matrix and the cells whose accounts must not be lost."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id_source: IdSource = "contacts"
    id_bands: tuple[BandConfig, ...] = DEFAULT_ID_BANDS
    tenure_bands: tuple[BandConfig, ...] = DEFAULT_TENURE_BANDS
    must_not_lose: tuple[str, ...] = ("A-d", "A-c", "B-d")

    def id_band_list(self) -> list[Band]:
        return [item.band() for item in self.id_bands]

    def tenure_band_list(self) -> list[Band]:
        return [item.band() for item in self.tenure_bands]

    def cells(self) -> list[str]:
        return all_cells(self.id_band_list(), self.tenure_band_list())

    def document(self) -> str:
        """Canonical JSON: what a stored version holds and what its digest is taken of."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        return hashlib.sha256(self.document().encode()).hexdigest()


@dataclass(frozen=True)
class ConfigIssue:
    """One problem of a [matrix] section: where, and what (an English message id)."""

    field: str
    message_key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str]) -> str:
        return gettext(self.message_key).format(field=self.field, **self.params)


@dataclass(frozen=True)
class RejectedMatrixConfig:
    """A [matrix] section that failed the checks; the previous version stays in force."""

    issues: tuple[ConfigIssue, ...]


def _band_issues(name: str, raw: object) -> tuple[list[ConfigIssue], list[BandConfig]]:
    where = f"matrix.{name}"
    if not isinstance(raw, list) or not raw:
        message = "{field}: give a list of bands, each with label, min and max."
        return [ConfigIssue(where, message)], []
    issues: list[ConfigIssue] = []
    bands: list[BandConfig] = []
    for index, item in enumerate(raw):
        at = f"{where}[{index}]"
        if not isinstance(item, Mapping):
            issues.append(ConfigIssue(at, "{field}: a band is a table with label, min and max."))
            continue
        unknown = sorted(set(item) - set(BAND_KEYS))
        for key in unknown:
            issues.append(
                ConfigIssue(
                    f"{at}.{key}",
                    "{field}: unknown key; a band has {known}.",
                    {"known": ", ".join(BAND_KEYS)},
                )
            )
        label = item.get("label")
        if not isinstance(label, str) or not LABEL_PATTERN.match(label):
            issues.append(
                ConfigIssue(
                    f"{at}.label",
                    "{field}: the label {value} is not valid; use 1 to 8 letters or digits.",
                    {"value": json.dumps(label, ensure_ascii=False)},
                )
            )
            label = None
        elif name == "id_bands" and label == ZERO_ROW:
            issues.append(
                ConfigIssue(
                    f"{at}.label",
                    "{field}: the label 0 is reserved for accounts without IDs.",
                )
            )
            label = None
        low, high = item.get("min"), item.get("max")
        floor = AXIS_FLOOR[name]
        bounds_ok = True
        if not _is_int(low) or low < floor:
            issues.append(
                ConfigIssue(
                    f"{at}.min",
                    "{field}: {value} is not a whole number of at least {floor}.",
                    {"value": json.dumps(low), "floor": floor},
                )
            )
            bounds_ok = False
        if high is not None and (not _is_int(high) or (_is_int(low) and high < low)):
            issues.append(
                ConfigIssue(
                    f"{at}.max",
                    "{field}: {value} is not a whole number at least as large as min; leave "
                    "max out for a band without an upper end.",
                    {"value": json.dumps(high)},
                )
            )
            bounds_ok = False
        if label is not None and bounds_ok:
            bands.append(BandConfig(label=label, min=low, max=high))
    if issues:
        return issues, bands
    return _coverage_issues(where, bands), bands


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _coverage_issues(where: str, bands: Sequence[BandConfig]) -> list[ConfigIssue]:
    """Bands must cover every value from the axis floor up, each value exactly once."""
    issues: list[ConfigIssue] = []
    labels = [band.label for band in bands]
    for label in sorted({label for label in labels if labels.count(label) > 1}):
        message = "{field}: the label {label} is used twice."
        issues.append(ConfigIssue(where, message, {"label": label}))
    ordered = sorted(bands, key=lambda band: band.min)
    floor = AXIS_FLOOR[where.removeprefix("matrix.")]
    if ordered[0].min > floor:
        issues.append(
            ConfigIssue(
                where,
                "{field}: no band holds {low} to {high}.",
                {"low": floor, "high": ordered[0].min - 1},
            )
        )
    for first, second in itertools.pairwise(ordered):
        if first.max is None or second.min <= first.max:
            ends = [end for end in (first.max, second.max) if end is not None]
            top = min(ends) if ends else None
            issues.append(
                ConfigIssue(
                    where,
                    "{field}: bands {first} and {second} overlap on {low} to {high}.",
                    {
                        "first": first.label,
                        "second": second.label,
                        "low": second.min,
                        "high": "∞" if top is None else top,
                    },
                )
            )
        elif second.min > first.max + 1:
            issues.append(
                ConfigIssue(
                    where,
                    "{field}: no band holds {low} to {high}.",
                    {"low": first.max + 1, "high": second.min - 1},
                )
            )
    if ordered[-1].max is not None:
        issues.append(
            ConfigIssue(
                where,
                "{field}: no band holds values above {high}; leave max out of the last band.",
                {"high": ordered[-1].max},
            )
        )
    return issues


def check_matrix(raw: object) -> MatrixConfig | RejectedMatrixConfig:
    """The [matrix] section as a config, or every problem found in it."""
    if not isinstance(raw, Mapping):
        return RejectedMatrixConfig((ConfigIssue("matrix", "{field}: this must be a table."),))
    issues: list[ConfigIssue] = []
    for key in sorted(set(raw) - set(KNOWN_KEYS)):
        issues.append(
            ConfigIssue(
                f"matrix.{key}",
                "{field}: unknown key; [matrix] has {known}.",
                {"known": ", ".join(KNOWN_KEYS)},
            )
        )
    values: dict[str, Any] = {}
    if "id_source" in raw:
        if raw["id_source"] not in ID_SOURCES:
            issues.append(
                ConfigIssue(
                    "matrix.id_source",
                    "{field}: {value} is not one of {choices}.",
                    {
                        "value": json.dumps(raw["id_source"], ensure_ascii=False),
                        "choices": ", ".join(ID_SOURCES),
                    },
                )
            )
        else:
            values["id_source"] = raw["id_source"]
    for name in ("id_bands", "tenure_bands"):
        if name in raw:
            band_issues, bands = _band_issues(name, raw[name])
            issues += band_issues
            values[name] = tuple(bands)
    if issues:
        return RejectedMatrixConfig(tuple(issues))
    config = MatrixConfig(**values)
    marked = raw.get("must_not_lose", list(config.must_not_lose))
    if not isinstance(marked, list) or not all(isinstance(item, str) for item in marked):
        return RejectedMatrixConfig(
            (ConfigIssue("matrix.must_not_lose", "{field}: give a list of cells such as A-d."),)
        )
    cells = config.cells()
    for index, item in enumerate(marked):
        if split_cell(item) is None or item not in cells:
            issues.append(
                ConfigIssue(
                    f"matrix.must_not_lose[{index}]",
                    "{field}: {value} is not a cell of the matrix; cells are {cells}.",
                    {"value": json.dumps(item, ensure_ascii=False), "cells": ", ".join(cells)},
                )
            )
    if issues:
        return RejectedMatrixConfig(tuple(issues))
    return config.model_copy(update={"must_not_lose": tuple(dict.fromkeys(marked))})


def _lenient(value: Any, _handler: Any) -> MatrixConfig | RejectedMatrixConfig:
    if isinstance(value, MatrixConfig | RejectedMatrixConfig):
        return value
    return check_matrix(value)


# What FileConfig.matrix holds: a bad section is kept as its issues instead of failing the whole
# config file, so health scores, imports and the rest keep working.
MatrixSetting = Annotated[MatrixConfig | RejectedMatrixConfig, WrapValidator(_lenient)]

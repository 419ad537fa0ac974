"""The health-score definition: a versioned YAML document, validated into Pydantic models.

Weights are relative: a group's share of the score is its weight over the sum of its
profile's group weights, and a factor's share of its group is its weight over the sum of the
group's factor weights, so a CS manager can write 45/15/20/10/10 or 9/3/4/2/2 alike.

Scoring functions (`kind`):

- `thresholds`: `steps` ascending by `min`; a value scores the points of the last step whose
  `min` it reaches (inclusive), and `below` (default 0) under the first step. Lower-is-better
  factors simply give fewer points to higher steps, so there is one representation only.
- `linear`: `worst` scores 0, `best` scores 100, straight line between, clamped outside;
  `worst` greater than `best` makes it lower-is-better.
- `categories`: `points` per category and `default` for any other category. Whole numbers
  are matched by their decimal text, so a 1-5 rating matches the categories "1" … "5".

Errors, structural (from Pydantic) and semantic (ordering, uniqueness, one default profile),
are raised as one `DefinitionInvalid` naming every problem by its path in the document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for

MissingPolicy = Literal["redistribute", "neutral", "worst"]
RULE_ATTRIBUTES = ("tier", "stage", "plan")

# English labels are the gettext msgids; the slug stays what the API and exports show.

INVALID = "The score definition {source} is invalid ({count} problems)."
# Pydantic error types we can say in Japanese; anything else keeps Pydantic's English text.
PYDANTIC_MESSAGES: Mapping[str, str] = {
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_pattern_mismatch": "does not have the expected form",
    "union_tag_invalid": "unknown kind {tag}; expected one of {expected_tags}",
    "union_tag_not_found": "needs a kind",
    "literal_error": "must be one of {expected}",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "dict_type": "must be a mapping",
    "too_short": "must have at least {min_length} items",
}
YAML_SYNTAX = "YAML syntax error at line {line}: {problem}"
NOT_A_MAPPING = "the document must be a mapping"
GRADES_NOT_DESCENDING = "must be lower than the previous grade's min ({previous})"
GRADES_NOT_FROM_ZERO = "the last grade must start at 0"
DUPLICATE_KEY = "duplicate key {key}"
DUPLICATE_METRIC = "metric {metric} appears twice in this profile"
NO_DEFAULT_PROFILE = "exactly one profile must have no rule (the default); there is none"
SECOND_DEFAULT_PROFILE = "a second profile without a rule; only the default may have none"
EMPTY_RULE = "names no tier, stage or plan; leave the rule out for the default profile"
STEPS_NOT_ASCENDING = "must be greater than the previous step's min ({previous})"
WORST_EQUALS_BEST = "must differ from worst"
UNKNOWN_METRIC = "unknown metric {metric}"


@dataclass(frozen=True)
class DefinitionIssue:
    """One problem: `path` as written in the document (`profiles[0].groups[1].weight`)."""

    path: str
    message_key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, gettext: Any) -> str:
        text = gettext(self.message_key)
        text = text.format(**self.params) if self.params else text
        return f"{self.path}: {text}" if self.path else text

    def message(self, locale: str) -> str:
        return self.render(gettext_for(locale))


class DefinitionInvalid(HatakeError):
    """The document has problems; `issues` lists every one of them."""

    status_code = 400
    message_key = INVALID

    def __init__(self, source: str, issues: list[DefinitionIssue]) -> None:
        self.source = source
        self.issues = issues
        super().__init__(INVALID, source=source, count=len(issues))

    def render(self, gettext: Any) -> str:
        lines = [super().render(gettext)]
        lines += [issue.render(gettext) for issue in self.issues]
        return "\n".join(lines)

    def messages(self, locale: str) -> list[str]:
        return [issue.message(locale) for issue in self.issues]

    def problem_extra(self) -> dict[str, Any]:
        return {
            "issues": [
                {"path": issue.path, "message": issue.message("en")} for issue in self.issues
            ]
        }


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Points = Annotated[float, Field(ge=0, le=100)]


class Step(_Model):
    min: float
    points: Points


class Thresholds(_Model):
    kind: Literal["thresholds"]
    steps: Annotated[list[Step], Field(min_length=1)]
    below: Points = 0


class Linear(_Model):
    kind: Literal["linear"]
    worst: float
    best: float


class Categories(_Model):
    kind: Literal["categories"]
    points: dict[str, Points]
    default: Points


ScoringFunction = Annotated[Thresholds | Linear | Categories, Field(discriminator="kind")]
FUNCTION_KINDS = ("thresholds", "linear", "categories")


class Factor(_Model):
    metric: Annotated[str, Field(pattern=r"^(custom\.)?[a-z][a-z0-9_]*$")]
    weight: Annotated[float, Field(gt=0)]
    function: ScoringFunction
    missing: MissingPolicy = "redistribute"


class Group(_Model):
    key: str
    weight: Annotated[float, Field(gt=0)]
    factors: Annotated[list[Factor], Field(min_length=1)]


class Rule(_Model):
    tier: list[str] | None = None
    stage: list[str] | None = None
    plan: list[str] | None = None

    def matches(self, attributes: Mapping[str, str | None]) -> bool:
        for name in RULE_ATTRIBUTES:
            allowed = getattr(self, name)
            if allowed is not None and attributes.get(name) not in allowed:
                return False
        return True


class Profile(_Model):
    key: str
    rule: Rule | None = None
    groups: Annotated[list[Group], Field(min_length=1)]


class Grade(_Model):
    key: str
    label_ja: str
    label_en: str
    colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
    min: Annotated[float, Field(ge=0, le=100)]

    def label(self, locale: str) -> str:
        return self.label_ja if locale == "ja" else self.label_en


class Definition(_Model):
    version: str
    name: str
    grades: Annotated[list[Grade], Field(min_length=1)]
    profiles: Annotated[list[Profile], Field(min_length=1)]

    @model_validator(mode="after")
    def _check_semantics(self, info: ValidationInfo) -> Definition:
        issues = _semantic_issues(self)
        if issues:
            source = (info.context or {}).get("source", "<definition>")
            raise DefinitionInvalid(source, issues)
        return self

    @property
    def default_profile(self) -> Profile:
        return next(profile for profile in self.profiles if profile.rule is None)

    def metrics(self) -> set[str]:
        return {
            factor.metric
            for profile in self.profiles
            for group in profile.groups
            for factor in group.factors
        }


def load_definition(
    text: str, source: str, known_metrics: Collection[str] | None = None
) -> Definition:
    """Parse and validate a YAML document; `known_metrics`, when given, is checked too."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(error, "problem", None) or str(error)
        raise DefinitionInvalid(
            source, [DefinitionIssue("", YAML_SYNTAX, {"line": line, "problem": problem})]
        ) from error
    if not isinstance(data, dict):
        raise DefinitionInvalid(source, [DefinitionIssue("", NOT_A_MAPPING)])
    try:
        definition = Definition.model_validate(data, context={"source": source})
    except ValidationError as error:
        raise DefinitionInvalid(source, _pydantic_issues(error)) from error
    if known_metrics is not None:
        validate_metrics(definition, set(known_metrics), source=source)
    return definition


def validate_metrics(definition: Definition, known: set[str], source: str = "") -> None:
    """Raise `DefinitionInvalid` naming every factor whose metric is not in `known`."""
    issues = [
        DefinitionIssue(f"{path}.metric", UNKNOWN_METRIC, {"metric": factor.metric})
        for path, factor in _factors_with_paths(definition)
        if factor.metric not in known
    ]
    if issues:
        raise DefinitionInvalid(source or definition.version, issues)


def default_document() -> str:
    """The built-in definition's YAML, comments included, as a starting point to edit."""
    return files("hatake.health").joinpath("default_definition.yaml").read_text(encoding="utf-8")


def default_definition() -> Definition:
    return load_definition(default_document(), "default_definition.yaml")


def _factors_with_paths(definition: Definition) -> list[tuple[str, Factor]]:
    return [
        (f"profiles[{p}].groups[{g}].factors[{f}]", factor)
        for p, profile in enumerate(definition.profiles)
        for g, group in enumerate(profile.groups)
        for f, factor in enumerate(group.factors)
    ]


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    previous: int | str | None = None
    for part in loc:
        # A discriminated union puts the tag in the location; the document has no such level.
        if previous == "function" and part in FUNCTION_KINDS:
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        previous = part
    return text


def _pydantic_issues(error: ValidationError) -> list[DefinitionIssue]:
    issues = []
    for item in error.errors():
        path = _path(item["loc"])
        key = PYDANTIC_MESSAGES.get(item["type"])
        if key is None:
            issues.append(DefinitionIssue(path, "{detail}", {"detail": item["msg"]}))
            continue
        params = {name: _plain(value) for name, value in (item.get("ctx") or {}).items()}
        issues.append(DefinitionIssue(path, key, params))
    return issues


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return _number_text(value)
    # Pydantic quotes literals as "'a', 'b' or 'c'"; one plain list reads well in both languages.
    return re.sub(r"'([^']*)'", r"\1", str(value)).replace(" or ", ", ")


def _number_text(value: float) -> str:
    # YAML authors write `min: 70`, so the message should not say 70.0 back to them.
    return str(int(value)) if value.is_integer() else str(value)


def _duplicates(keys: list[str]) -> set[str]:
    return {key for key, count in Counter(keys).items() if count > 1}


def _semantic_issues(definition: Definition) -> list[DefinitionIssue]:
    issues: list[DefinitionIssue] = []
    grades = definition.grades
    for index, grade in enumerate(grades):
        if index and grade.min >= grades[index - 1].min:
            issues.append(
                DefinitionIssue(
                    f"grades[{index}].min",
                    GRADES_NOT_DESCENDING,
                    {"previous": _number_text(grades[index - 1].min)},
                )
            )
    if grades[-1].min != 0:
        issues.append(DefinitionIssue(f"grades[{len(grades) - 1}].min", GRADES_NOT_FROM_ZERO))
    duplicate_grades = _duplicates([grade.key for grade in grades])
    issues += [
        DefinitionIssue(f"grades[{index}].key", DUPLICATE_KEY, {"key": grade.key})
        for index, grade in enumerate(grades)
        if grade.key in duplicate_grades
    ]

    duplicate_profiles = _duplicates([profile.key for profile in definition.profiles])
    defaults = 0
    for p, profile in enumerate(definition.profiles):
        path = f"profiles[{p}]"
        if profile.key in duplicate_profiles:
            issues.append(DefinitionIssue(f"{path}.key", DUPLICATE_KEY, {"key": profile.key}))
        if profile.rule is None:
            defaults += 1
            if defaults > 1:
                issues.append(DefinitionIssue(path, SECOND_DEFAULT_PROFILE))
        elif all(getattr(profile.rule, name) is None for name in RULE_ATTRIBUTES):
            issues.append(DefinitionIssue(f"{path}.rule", EMPTY_RULE))
        duplicate_groups = _duplicates([group.key for group in profile.groups])
        metrics = [factor.metric for group in profile.groups for factor in group.factors]
        duplicate_metrics = _duplicates(metrics)
        for g, group in enumerate(profile.groups):
            if group.key in duplicate_groups:
                issues.append(
                    DefinitionIssue(f"{path}.groups[{g}].key", DUPLICATE_KEY, {"key": group.key})
                )
            for f, factor in enumerate(group.factors):
                factor_path = f"{path}.groups[{g}].factors[{f}]"
                if factor.metric in duplicate_metrics:
                    issues.append(
                        DefinitionIssue(
                            f"{factor_path}.metric", DUPLICATE_METRIC, {"metric": factor.metric}
                        )
                    )
                issues += _function_issues(f"{factor_path}.function", factor.function)
    if defaults == 0:
        issues.append(DefinitionIssue("profiles", NO_DEFAULT_PROFILE))
    return issues


def _function_issues(
    path: str, function: Thresholds | Linear | Categories
) -> list[DefinitionIssue]:
    if isinstance(function, Thresholds):
        steps = function.steps
        return [
            DefinitionIssue(
                f"{path}.steps[{index}].min",
                STEPS_NOT_ASCENDING,
                {"previous": _number_text(steps[index - 1].min)},
            )
            for index in range(1, len(steps))
            if steps[index].min <= steps[index - 1].min
        ]
    if isinstance(function, Linear) and function.worst == function.best:
        return [DefinitionIssue(f"{path}.best", WORST_EQUALS_BEST)]
    return []

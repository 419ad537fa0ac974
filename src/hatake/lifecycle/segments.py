"""Segments: saved filters over account attributes and metrics. Pure: a definition is
validated against the field registry and compiled into a SQL predicate with bound parameters,
evaluated over a table of attributes (one row per account for a day, see segment_attributes).

A definition is a small JSON document:

    {"match": "all", "conditions": [
        {"field": "grade", "op": "in", "value": ["at_risk"]},
        {"field": "days_to_renewal", "op": "<=", "value": 90}]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hatake.core.errors import InvalidInput
from hatake.core.i18n import gettext_for

FieldType = Literal["number", "text"]


@dataclass(frozen=True)
class SegmentField:
    name: str
    type: FieldType
    label_ja: str
    label_en: str


FIELDS: dict[str, SegmentField] = {
    field.name: field
    for field in (
        SegmentField("score", "number", "ヘルススコア", "Health score"),
        SegmentField("grade", "text", "評価", "Grade"),
        SegmentField("stage", "text", "ライフサイクル段階", "Lifecycle stage"),
        SegmentField("tier", "text", "タッチ区分", "Touch tier"),
        SegmentField("owner", "text", "担当CSM（メール）", "Owner (email)"),
        SegmentField("plan", "text", "プラン", "Plan"),
        SegmentField("status", "text", "状態", "Status"),
        SegmentField("industry", "text", "業種", "Industry"),
        SegmentField("employees", "number", "従業員数", "Employees"),
        SegmentField("seats", "number", "契約席数", "Seats"),
        SegmentField("mrr", "number", "MRR", "MRR"),
        SegmentField("ids", "number", "ID数（有効な利用者）", "IDs (active contacts)"),
        SegmentField("active_users_30d", "number", "30日アクティブ", "Active users (30 days)"),
        SegmentField("usage_rate", "number", "利用率", "Usage rate"),
        SegmentField("days_to_renewal", "number", "更新まで日数", "Days to renewal"),
        SegmentField("tenure_months", "number", "継続月数", "Tenure (months)"),
    )
}
NUMBER_OPS = ("=", "!=", "<", "<=", ">", ">=", "between", "is_empty", "is_not_empty")
TEXT_OPS = ("=", "!=", "in", "not_in", "contains", "is_empty", "is_not_empty")
CUSTOM_PREFIX = "custom."
OPERATOR_LABELS = {
    "=": "=",
    "!=": "≠",
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
    "between": "between",
    "in": "is one of",
    "not_in": "is none of",
    "contains": "contains",
    "is_empty": "is empty",
    "is_not_empty": "is not empty",
}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class SegmentDefinition:
    match: Literal["all", "any"]
    conditions: tuple[Condition, ...]


def field_of(name: str, custom_keys: Sequence[str]) -> SegmentField | None:
    if name in FIELDS:
        return FIELDS[name]
    if name.startswith(CUSTOM_PREFIX) and name.removeprefix(CUSTOM_PREFIX) in custom_keys:
        return SegmentField(name, "text", name, name)
    return None


def parse_definition(document: Any, custom_keys: Sequence[str] = ()) -> SegmentDefinition:
    """The definition, or InvalidInput naming the condition, the field and the problem."""
    if not isinstance(document, Mapping):
        raise InvalidInput("A segment definition must be an object with match and conditions.")
    match = document.get("match", "all")
    if match not in ("all", "any"):
        raise InvalidInput("match must be all or any, not {value}.", value=match)
    raw = document.get("conditions")
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("A segment needs at least one condition.")
    return SegmentDefinition(
        match=match,
        conditions=tuple(
            _condition(item, number, custom_keys) for number, item in enumerate(raw, start=1)
        ),
    )


def _condition(item: Any, number: int, custom_keys: Sequence[str]) -> Condition:
    if not isinstance(item, Mapping):
        raise InvalidInput("Condition {number} must be an object.", number=number)
    name = item.get("field")
    field = field_of(str(name), custom_keys)
    if field is None:
        raise InvalidInput(
            "Condition {number}: unknown field {value}; use one of {choices}.",
            number=number,
            value=name,
            choices=", ".join([*FIELDS, *(CUSTOM_PREFIX + key for key in custom_keys)]),
        )
    op = item.get("op")
    allowed = NUMBER_OPS if field.type == "number" else TEXT_OPS
    if op not in allowed:
        raise InvalidInput(
            "Condition {number} ({field}): the operator {value} does not apply; use one of "
            "{choices}.",
            number=number,
            field=field.name,
            value=op,
            choices=", ".join(allowed),
        )
    value = item.get("value")
    if op in ("is_empty", "is_not_empty"):
        return Condition(field.name, op, None)
    if op == "between":
        if not (isinstance(value, list) and len(value) == 2 and all(map(_is_number, value))):
            raise _bad_value(number, field, value, BETWEEN_EXPECTED)
        low, high = value
        if low > high:
            raise _bad_value(number, field, value, BETWEEN_EXPECTED)
        return Condition(field.name, op, (low, high))
    if op in ("in", "not_in"):
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise _bad_value(
                number,
                field,
                value,
                "Condition {number} ({field}): {value} is not a list of texts.",
            )
        return Condition(field.name, op, tuple(value))
    if field.type == "number":
        if not _is_number(value):
            raise _bad_value(
                number, field, value, "Condition {number} ({field}): {value} is not a number."
            )
        return Condition(field.name, op, value)
    if not isinstance(value, str):
        raise _bad_value(
            number, field, value, "Condition {number} ({field}): {value} is not a text."
        )
    return Condition(field.name, op, value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


BETWEEN_EXPECTED = "Condition {number} ({field}): {value} is not two numbers, low ≤ high."


def _bad_value(number: int, field: SegmentField, value: Any, message: str) -> InvalidInput:
    return InvalidInput(message, number=number, field=field.name, value=value)


def to_document(definition: SegmentDefinition) -> dict[str, Any]:
    return {
        "match": definition.match,
        "conditions": [
            {"field": c.field, "op": c.op, **({} if c.value is None else {"value": _plain(c)})}
            for c in definition.conditions
        ],
    }


def _plain(condition: Condition) -> Any:
    return list(condition.value) if isinstance(condition.value, tuple) else condition.value


def column_of(field: str) -> str:
    """The attribute table's column for a field (custom fields are prefixed columns)."""
    return '"' + field.replace('"', "") + '"'


def compile_predicate(definition: SegmentDefinition) -> tuple[str, list[Any]]:
    """A SQL predicate over the attribute table and its parameters. A condition on a missing
    value is false (except is_empty), as a person reading "score < 40" would expect."""
    parts: list[str] = []
    parameters: list[Any] = []
    for condition in definition.conditions:
        column = column_of(condition.field)
        op, value = condition.op, condition.value
        if op == "is_empty":
            parts.append(f"{column} IS NULL")
        elif op == "is_not_empty":
            parts.append(f"{column} IS NOT NULL")
        elif op == "between":
            parts.append(f"{column} BETWEEN ? AND ?")
            parameters.extend(value)
        elif op in ("in", "not_in"):
            marks = ", ".join("?" for _ in value)
            negation = "NOT " if op == "not_in" else ""
            parts.append(f"({column} IS NOT NULL AND {column} {negation}IN ({marks}))")
            parameters.extend(value)
        elif op == "contains":
            parts.append(f"contains(lower({column}), lower(?))")
            parameters.append(value)
        elif op == "!=":
            parts.append(f"({column} IS NOT NULL AND {column} <> ?)")
            parameters.append(value)
        else:
            parts.append(f"{column} {op} ?")
            parameters.append(value)
    joiner = " AND " if definition.match == "all" else " OR "
    return "(" + joiner.join(f"coalesce({part}, false)" for part in parts) + ")", parameters


def memberships_to_change(current: set[int], members: set[int]) -> tuple[set[int], set[int]]:
    """(accounts entering, accounts leaving) when today's members replace the current ones."""
    return members - current, current - members


def number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def describe(definition: dict[str, Any], locale: str) -> str:
    """A definition in words: "Grade is one of at_risk and Days to renewal ≤ 90"."""
    gettext = gettext_for(locale)
    parts = []
    for condition in definition.get("conditions", []):
        field = FIELDS.get(condition["field"])
        label = (
            (field.label_ja if locale == "ja" else field.label_en) if field else condition["field"]
        )
        value = condition.get("value")
        shown = (
            ", ".join(map(number_text, value)) if isinstance(value, list) else number_text(value)
        )
        parts.append(f"{label} {gettext(OPERATOR_LABELS[condition['op']])} {shown}".strip())
    joiner = gettext(" and ") if definition.get("match", "all") == "all" else gettext(" or ")
    return joiner.join(parts)

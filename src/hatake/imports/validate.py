"""Validation of a whole table against an entity spec: pure, no I/O.

Everything the checks need from the database (known accounts, contacts, users, the stored
values of rows being updated) arrives preloaded in a `Context`, so a 10,000-row file costs
a handful of queries and these functions are tested without a database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from hatake.core.formatting import local_datetime, to_minor_units
from hatake.coverage.cadence import too_far_ahead
from hatake.imports import messages
from hatake.imports import parse as p
from hatake.imports.reader import Cell, Table, display, is_blank
from hatake.imports.report import ImportIssue
from hatake.imports.specs import EntitySpec, Field, FieldType, OrderRule, loose_key


@dataclass(frozen=True)
class ContactRef:
    id: int
    account_id: int
    account_external_id: str


@dataclass(frozen=True)
class Context:
    time_zone: str = "Asia/Tokyo"
    default_currency: str = "JPY"
    accounts: Mapping[str, int] = field(default_factory=dict)  # external_id -> id
    contacts: Mapping[str, ContactRef] = field(default_factory=dict)  # external_id -> ref
    users: Mapping[str, int] = field(default_factory=dict)  # lower-case email -> id
    # Stored values (by model attribute) of the rows the file will update, by external_id.
    existing: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # For the moments that may not lie in the future (touch dates): the import's "now" and
    # the minutes ahead of it still accepted.
    now: datetime | None = None
    future_tolerance_minutes: int = 0


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: Field


@dataclass(frozen=True)
class ColumnPlan:
    columns: tuple[Column, ...]
    issues: tuple[ImportIssue, ...]


@dataclass
class ValidRow:
    number: int
    external_id: str
    # Model attribute -> typed value, for the columns in the file; on create also the
    # defaults of the columns that are not.
    values: dict[str, Any]
    # Custom account field key -> value; None clears the stored value.
    custom: dict[str, Any]


def field_list(spec: EntitySpec) -> str:
    return ", ".join(f"{f.key} ({f.label_ja})" for f in spec.fields)


def resolve_columns(
    table: Table, spec: EntitySpec, mapping: Mapping[str, str] | None = None
) -> ColumnPlan:
    """Match each header to a field: through the mapping first, else by English key or
    Japanese header (or, for custom fields, English label)."""
    by_header: dict[str, Field] = {}
    for f in spec.fields:
        for name in f.headers():
            by_header.setdefault(loose_key(name), f)
    mapped = {loose_key(source): target.strip() for source, target in (mapping or {}).items()}

    def issue(index: int, header: str, message_key: str, /, **params: Any) -> ImportIssue:
        column = header or get_column_letter(index + 1)
        return ImportIssue(table.file, None, column, None, message_key, params)

    columns: list[Column] = []
    issues: list[ImportIssue] = []
    taken: dict[str, Column] = {}
    for index, header in enumerate(table.headers):
        if not header:
            if any(not is_blank(row.cells[index]) for row in table.rows):
                issues.append(issue(index, header, messages.UNNAMED_COLUMN))
            continue
        key = loose_key(header)
        if key in mapped:
            found = spec.by_key.get(mapped[key])
            if found is None:
                issues.append(
                    issue(
                        index,
                        header,
                        messages.MAPPING_UNKNOWN_KEY,
                        key=mapped[key],
                        entity=spec.name,
                        choices=", ".join(spec.by_key),
                    )
                )
                continue
        else:
            found = by_header.get(key)
            if found is None:
                issues.append(
                    issue(
                        index,
                        header,
                        messages.UNKNOWN_COLUMN,
                        entity=spec.name,
                        choices=field_list(spec),
                    )
                )
                continue
        if found.key in taken:
            issues.append(
                issue(
                    index,
                    header,
                    messages.DUPLICATE_COLUMN,
                    other=taken[found.key].header,
                    key=found.key,
                )
            )
            continue
        column = Column(index, header, found)
        taken[found.key] = column
        columns.append(column)
    issues.extend(
        ImportIssue(
            table.file,
            None,
            f.key,
            None,
            messages.MISSING_COLUMN,
            {"key": f.key, "label": f.label_ja},
        )
        for f in spec.fields
        if f.required and f.key not in taken
    )
    return ColumnPlan(tuple(columns), tuple(issues))


@dataclass(frozen=True)
class Mentions:
    """The keys a file mentions, so only those rows are loaded from the database."""

    external_ids: frozenset[str]
    accounts: frozenset[str]
    contacts: frozenset[str]
    users: frozenset[str]  # lower-case emails


def mentions(table: Table, plan: ColumnPlan) -> Mentions:
    found: dict[str, set[str]] = {
        "external_id": set(),
        FieldType.ACCOUNT: set(),
        FieldType.CONTACT: set(),
        FieldType.USER: set(),
    }
    for column in plan.columns:
        kind = "external_id" if column.field.key == "external_id" else column.field.type
        if kind not in found:
            continue
        for row in table.rows:
            cell = row.cells[column.index]
            if not is_blank(cell):
                text = display(cell).strip()
                found[kind].add(text.lower() if kind is FieldType.USER else text)
    return Mentions(
        frozenset(found["external_id"]),
        frozenset(found[FieldType.ACCOUNT]),
        frozenset(found[FieldType.CONTACT]),
        frozenset(found[FieldType.USER]),
    )


def validate_rows(
    table: Table, plan: ColumnPlan, spec: EntitySpec, context: Context
) -> tuple[list[ValidRow], list[ImportIssue]]:
    rules = _TableRules(table.file, spec, context, plan)
    issues: list[ImportIssue] = []
    rows: list[ValidRow] = []
    first_row_of: dict[str, int] = {}
    for row in table.rows:
        checker = _RowChecker(rules, row.number, row.cells)
        valid = checker.check()
        issues.extend(checker.issues)
        external_id = checker.typed.get("external_id")
        if external_id is None:
            continue
        if external_id in first_row_of:
            issues.append(
                ImportIssue(
                    table.file,
                    row.number,
                    rules.columns["external_id"].header,
                    external_id,
                    messages.DUPLICATE_ID,
                    {"value": external_id, "other_row": first_row_of[external_id]},
                )
            )
            continue
        first_row_of[external_id] = row.number
        if valid is not None:
            rows.append(valid)
    return rows, issues


class _TableRules:
    """What every row of one table is checked with, worked out once per table."""

    def __init__(self, file: str, spec: EntitySpec, context: Context, plan: ColumnPlan) -> None:
        self.file = file
        self.spec = spec
        self.context = context
        self.columns = {column.field.key: column for column in plan.columns}
        self.order = {column.header: column.index for column in plan.columns}
        self.parsers = {column.field.key: self._parser(column.field) for column in plan.columns}

    def _parser(self, f: Field) -> Callable[[Cell], Any]:
        parsers: dict[FieldType, Callable[[Cell], Any]] = {
            FieldType.TEXT: lambda cell: p.parse_text(f, cell),
            FieldType.INTEGER: lambda cell: p.parse_integer(f, cell),
            FieldType.NUMBER: p.parse_number,
            FieldType.MONEY: lambda cell: p.parse_amount(f, cell),
            FieldType.CURRENCY: p.parse_currency,
            FieldType.DATE: p.parse_date,
            FieldType.DATETIME: lambda cell: p.parse_datetime(cell, self.context.time_zone),
            FieldType.BOOLEAN: p.parse_boolean,
            FieldType.EMAIL: lambda cell: p.parse_email(f, cell),
            FieldType.CHOICE: lambda cell: p.parse_choice(f, cell),
            FieldType.ACCOUNT: self._account,
            FieldType.CONTACT: self._contact,
            FieldType.USER: self._user,
        }
        return parsers[f.type]

    def _account(self, cell: Cell) -> int:
        external_id = display(cell).strip()
        account_id = self.context.accounts.get(external_id)
        if account_id is None:
            raise p.CellError(messages.UNKNOWN_ACCOUNT, value=external_id)
        return account_id

    def _contact(self, cell: Cell) -> ContactRef:
        external_id = display(cell).strip()
        contact = self.context.contacts.get(external_id)
        if contact is None:
            raise p.CellError(messages.UNKNOWN_CONTACT, value=external_id)
        return contact

    def _user(self, cell: Cell) -> int:
        email = display(cell).strip()
        p.check_email(email)
        user_id = self.context.users.get(email.lower())
        if user_id is None:
            raise p.CellError(messages.UNKNOWN_USER, value=email)
        return user_id


class _RowChecker:
    """Checks one row; collects every issue in it rather than stopping at the first."""

    def __init__(self, rules: _TableRules, number: int, cells: tuple[Cell, ...]) -> None:
        self.rules = rules
        self.number = number
        self.cells = cells
        self.spec = rules.spec
        self.context = rules.context
        self.columns = rules.columns
        self.issues: list[ImportIssue] = []
        self.typed: dict[str, Any] = {}  # field key -> parsed value (ids for references)
        self.failed: set[str] = set()

    def check(self) -> ValidRow | None:
        for key, column in self.columns.items():
            self._parse(key, column)
        external_id = self.typed.get("external_id")
        stored = self.context.existing.get(external_id or "", {})
        self._check_contact_account()
        self._convert_money(stored)
        for rule in self.spec.order_rules:
            self._check_order(rule, stored)
        # Cross-field checks ran last; show a row's problems in column order.
        self.issues.sort(key=lambda issue: self.rules.order[issue.column or ""])
        if self.issues or external_id is None:
            return None
        return self._valid_row(external_id)

    def _report(self, key: str, message_key: str, **params: Any) -> None:
        column = self.columns[key]
        value = display(self.cells[column.index])
        self.issues.append(
            ImportIssue(self.rules.file, self.number, column.header, value, message_key, params)
        )
        self.failed.add(key)

    def _parse(self, key: str, column: Column) -> None:
        f = column.field
        cell = self.cells[column.index]
        if is_blank(cell):
            if f.required:
                self._report(key, messages.REQUIRED)
            elif f.type is FieldType.CURRENCY:
                self.typed[key] = self.context.default_currency
            else:
                self.typed[key] = f.default
            return
        try:
            self.typed[key] = self.rules.parsers[key](cell)
        except p.CellError as error:
            self._report(key, error.message_key, **error.params)
            return
        now, tolerance = self.context.now, self.context.future_tolerance_minutes
        if (
            f.not_in_future
            and now is not None
            and too_far_ahead(self.typed[key], now=now, tolerance_minutes=tolerance)
        ):
            self._report(key, messages.IN_FUTURE, minutes=tolerance)

    def _check_contact_account(self) -> None:
        contact: ContactRef | None = self.typed.get("contact_external_id")
        account_id = self.typed.get("account_external_id")
        if contact is None or account_id is None or contact.account_id == account_id:
            return
        expected = display(self.cells[self.columns["account_external_id"].index]).strip()
        self._report(
            "contact_external_id",
            messages.CONTACT_OTHER_ACCOUNT,
            value=display(self.cells[self.columns["contact_external_id"].index]).strip(),
            actual=contact.account_external_id,
            expected=expected,
        )

    def _convert_money(self, stored: Mapping[str, Any]) -> None:
        for key, column in self.columns.items():
            f = column.field
            amount: Decimal | None = self.typed.get(key)
            if f.type is not FieldType.MONEY or amount is None or f.currency_field is None:
                continue
            if f.currency_field in self.failed:
                continue
            currency_attribute = self.spec.by_key[f.currency_field].attribute or ""
            currency = (
                self.typed.get(f.currency_field)
                or stored.get(currency_attribute)
                or self.context.default_currency
            )
            try:
                p.check_amount_precision(amount, currency)
            except p.CellError as error:
                self._report(key, error.message_key, **error.params)
                continue
            self.typed[key] = to_minor_units(str(amount), currency)

    def _check_order(self, rule: OrderRule, stored: Mapping[str, Any]) -> None:
        """Compare with the stored value when one of the two columns is not in the file, so an
        update cannot break the order (and the database's CHECK constraint) either."""
        if rule.later in self.failed or rule.earlier in self.failed:
            return
        later, earlier = self._current(rule.later, stored), self._current(rule.earlier, stored)
        if later is None or earlier is None or later >= earlier:
            return
        if rule.later in self.columns:
            self._report(
                rule.later,
                messages.BEFORE,
                other=self._header(rule.earlier),
                other_value=self._shown(earlier),
            )
        elif rule.earlier in self.columns:
            self._report(
                rule.earlier,
                messages.AFTER,
                other=self._header(rule.later),
                other_value=self._shown(later),
            )

    def _current(self, key: str, stored: Mapping[str, Any]) -> Any:
        if key in self.columns:
            return self.typed.get(key)
        attribute = self.spec.by_key[key].attribute
        return stored.get(attribute) if attribute else None

    def _shown(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            return local_datetime(value, self.context.time_zone)
        return value.isoformat()

    def _header(self, key: str) -> str:
        return self.columns[key].header if key in self.columns else key

    def _valid_row(self, external_id: str) -> ValidRow:
        values: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        for key, value in self.typed.items():
            f = self.spec.by_key[key]
            if f.attribute is None:
                custom[key] = value.isoformat() if isinstance(value, date) else value
            elif isinstance(value, ContactRef):
                values[f.attribute] = value.id
                if self.spec.account_from_contact:
                    values["account_id"] = value.account_id
            else:
                values[f.attribute] = value
        if external_id not in self.context.existing:
            for f in self.spec.fields:
                if f.attribute is not None and f.key not in self.columns:
                    default = (
                        self.context.default_currency if f.type is FieldType.CURRENCY else f.default
                    )
                    values[f.attribute] = default
        return ValidRow(self.number, external_id, values, custom)

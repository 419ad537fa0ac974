"""Keyset (cursor) pagination, one implementation for every list of the REST API.

A list is ordered by one allow-listed field (``sort=updated_at`` or ``sort=-updated_at``),
ties broken by the row's id in the same direction, NULLs last in both directions. The cursor is
the base64url JSON of the sort and the last row's (sort value, id), so the next page starts
strictly after that row: rows inserted or deleted meanwhile never shift a page, unlike OFFSET.

The pure parts (parsing, cursor encoding, the "after this key" predicate) do not know the
query language: the predicate is built from operators that SQLAlchemy columns and Ibis columns
both understand, so the state store and the analytics store page the same way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import ibis.expr.types as ir
from pydantic import BaseModel, Field
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from hatake.core.errors import InvalidField

MAX_LIMIT = 500
SortValue = str | int | float | bool | date | datetime | None
Item = TypeVar("Item")
Row = TypeVar("Row")


@dataclass(frozen=True)
class Sort:
    field: str
    descending: bool = False

    def __str__(self) -> str:
        return f"-{self.field}" if self.descending else self.field


@dataclass(frozen=True)
class PageRequest:
    sort: Sort
    limit: int = 100
    cursor: str | None = None


def parse_sort(text: str | None, allowed: Sequence[str], default: str) -> Sort:
    """``name`` or ``-name`` (descending) for a field of ``allowed``."""
    text = (text or default).strip()
    field = text.removeprefix("-")
    if field not in allowed:
        raise InvalidField(
            "Cannot sort by {value}; use one of {allowed}, with - in front for descending.",
            field="sort",
            value=text,
            allowed=", ".join(allowed),
        )
    return Sort(field=field, descending=text.startswith("-"))


def _encode_value(value: SortValue) -> Any:
    # JSON has no dates; tag them so a cursor decodes to the type the column compares with.
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> SortValue:
    if isinstance(value, dict):
        if set(value) == {"dt"}:
            return datetime.fromisoformat(value["dt"])
        if set(value) == {"d"}:
            return date.fromisoformat(value["d"])
        raise ValueError("unknown tagged value")
    if value is None or isinstance(value, str | int | float):
        return value  # type: ignore[no-any-return]
    raise ValueError("not a sort value")


def _check(payload: str) -> str:
    # Catches a cursor that was cut or edited by hand; it is a position, not a secret.
    return hashlib.blake2b(payload.encode(), digest_size=6).hexdigest()


def encode_cursor(sort: Sort, key: tuple[SortValue, SortValue]) -> str:
    """The opaque cursor after the row whose (sort value, id) is ``key``."""
    payload = json.dumps(
        {"sort": str(sort), "key": [_encode_value(value) for value in key]},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    document = json.dumps({"p": payload, "c": _check(payload)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(document.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort, kinds: tuple[type, type]) -> tuple[SortValue, SortValue]:
    """The key a cursor stands for; 422 when it was tampered with or made for another sort,
    or when its values are not of the column types ``kinds`` (sort value, id)."""
    try:
        document = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        payload = document["p"]
        if not isinstance(payload, str) or document["c"] != _check(payload):
            raise ValueError("checksum")
        content = json.loads(payload)
        made_for = content["sort"]
        value, last_id = (_decode_value(item) for item in content["key"])
        if not isinstance(made_for, str):
            raise ValueError("sort")
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidField(
            "The cursor {value} is not valid; start again without a cursor.",
            field="cursor",
            value=cursor,
        ) from error
    if made_for != str(sort):
        raise InvalidField(
            "This cursor belongs to sort={made_for}, not sort={sort}; start again without "
            "a cursor.",
            field="cursor",
            value=cursor,
            made_for=made_for,
            sort=str(sort),
        )
    if not (_fits(value, kinds[0], nullable=True) and _fits(last_id, kinds[1], nullable=False)):
        raise InvalidField(
            "The cursor {value} is not valid; start again without a cursor.",
            field="cursor",
            value=cursor,
        )
    return value, last_id


def _fits(value: SortValue, kind: type, *, nullable: bool) -> bool:
    if value is None:
        return nullable
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    return isinstance(value, kind)


def after_key(
    column: Any,
    id_column: Any,
    key: tuple[SortValue, SortValue],
    descending: bool,
    is_null: Callable[[Any], Any],
) -> Any:
    """Rows strictly after ``key`` in (column NULLS LAST, id) order, for SQLAlchemy or Ibis
    columns alike (``|``, ``&`` and comparisons mean the same in both)."""
    value, last_id = key
    id_after = id_column < last_id if descending else id_column > last_id
    if value is None:
        return is_null(column) & id_after
    column_after = column < value if descending else column > value
    return column_after | ((column == value) & id_after) | is_null(column)


class Page(BaseModel, Generic[Item]):
    """A page of results; pass `next_cursor` back as `cursor` for the next page (with the same
    `sort` and filters). `next_cursor` is null on the last page."""

    items: list[Item]
    next_cursor: str | None = Field(default=None, examples=["eyJwIjoie1wic29ydFwiOlwiaWRcIn0ifQ"])

    @classmethod
    def of(cls, rows: Sequence[Any], next_cursor: str | None) -> Page[Item]:
        """The page of ORM rows, read through the item schema's attributes."""
        return cls.model_validate({"items": rows, "next_cursor": next_cursor}, from_attributes=True)


def paginate(
    session: Session,
    statement: Select[tuple[Row]],
    *,
    sorts: Mapping[str, InstrumentedAttribute[Any]],
    id_column: InstrumentedAttribute[int],
    page: PageRequest,
) -> tuple[list[Row], str | None]:
    """One page of ``statement`` (which selects one ORM entity) and the cursor of the next."""
    column = sorts[page.sort.field]
    if page.cursor is not None:
        # A TypeDecorator (UTCDateTime) says "object"; the type it wraps knows better.
        kind = getattr(column.type, "impl_instance", column.type).python_type
        key = decode_cursor(page.cursor, page.sort, (kind, int))
        statement = statement.where(
            after_key(column, id_column, key, page.sort.descending, lambda c: c.is_(None))
        )
    if page.sort.descending:
        ordering = (column.desc().nulls_last(), id_column.desc())
    else:
        ordering = (column.asc().nulls_last(), id_column.asc())
    # One row more than asked says whether another page exists, without a COUNT.
    rows = list(session.scalars(statement.order_by(*ordering).limit(page.limit + 1)))
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    last = rows[-1]
    key = (getattr(last, column.key), getattr(last, id_column.key))
    return rows, encode_cursor(page.sort, key)


def _ibis_kind(dtype: Any) -> type:
    if dtype.is_floating():
        return float
    if dtype.is_integer():
        return int
    if dtype.is_timestamp():
        return datetime
    if dtype.is_date():
        return date
    return str


def paginate_table(
    table: ir.Table, *, sorts: Mapping[str, str], id_column: str, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    """The same pagination over an Ibis table of the analytics store; ``sorts`` maps API
    field names to column names and ``id_column`` is unique within ``table``."""
    column, unique = table[sorts[page.sort.field]], table[id_column]
    if page.cursor is not None:
        kinds = (_ibis_kind(column.type()), _ibis_kind(unique.type()))
        key = decode_cursor(page.cursor, page.sort, kinds)
        table = table.filter(
            after_key(column, unique, key, page.sort.descending, lambda c: c.isnull())
        )
        column, unique = table[sorts[page.sort.field]], table[id_column]
    if page.sort.descending:
        ordering = [column.desc(nulls_first=False), unique.desc()]
    else:
        ordering = [column.asc(nulls_first=False), unique.asc()]
    if sorts[page.sort.field] == id_column:
        ordering = ordering[:1]  # Ibis refuses the same sort key twice
    rows = table.order_by(ordering).limit(page.limit + 1).to_pyarrow().to_pylist()
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    last = rows[-1]
    return rows, encode_cursor(page.sort, (last[sorts[page.sort.field]], last[id_column]))

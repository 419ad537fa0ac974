"""Keyset pagination: sort parsing, cursors that refuse tampering and other sorts, and the
property that paging through any rows with any page size and sort yields each row once, in
order, on the state store (SQLAlchemy) and the analytics store (Ibis) alike."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import ibis
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Date, Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from hatake.core.db import UTCDateTime
from hatake.core.errors import InvalidField
from hatake.core.pagination import (
    PageRequest,
    Sort,
    decode_cursor,
    encode_cursor,
    paginate,
    paginate_table,
    parse_sort,
)


class _Base(DeclarativeBase):
    pass


class Item(_Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    rank: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(10))
    day: Mapped[date | None] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


SORTS = {"id": Item.id, "rank": Item.rank, "label": Item.label, "day": Item.day, "at": Item.at}


def test_parse_sort() -> None:
    assert parse_sort("-rank", list(SORTS), "id") == Sort("rank", descending=True)
    assert parse_sort(None, list(SORTS), "id") == Sort("id")
    with pytest.raises(InvalidField) as error:
        parse_sort("-colour", list(SORTS), "id")
    assert error.value.problem_extra()["errors"][0]["value"] == "-colour"


@pytest.mark.parametrize(
    "key",
    [(None, 3), ("x", 1), (2.5, 7), (date(2026, 1, 2), 4), (datetime(2026, 1, 2, tzinfo=UTC), 9)],
)
def test_cursor_round_trip(key: tuple[Any, int]) -> None:
    sort = Sort("rank", descending=True)
    kind = type(key[0]) if key[0] is not None else str
    assert decode_cursor(encode_cursor(sort, key), sort, (kind, int)) == key


def test_a_cursor_is_refused_for_another_sort_or_when_edited() -> None:
    cursor = encode_cursor(Sort("rank"), (3, 10))
    with pytest.raises(InvalidField, match="sort=rank, not sort=-rank"):
        decode_cursor(cursor, Sort("rank", descending=True), (int, int))
    document = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    document["p"] = document["p"].replace("10", "11")
    edited = base64.urlsafe_b64encode(json.dumps(document).encode()).decode()
    for bad in (edited, "not-base64!", "", cursor[:-3]):
        with pytest.raises(InvalidField, match="is not valid"):
            decode_cursor(bad, Sort("rank"), (int, int))
    # A well-formed cursor whose value has the wrong type for the column.
    with pytest.raises(InvalidField, match="is not valid"):
        decode_cursor(encode_cursor(Sort("rank"), ("x", 1)), Sort("rank"), (int, int))


rows_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(-3, 3)),
        st.sampled_from(["a", "b", "c"]),
        st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2026, 1, 5))),
        st.integers(0, 3),
    ),
    max_size=25,
)


def _expected(rows: list[dict[str, Any]], field: str, descending: bool) -> list[int]:
    """NULLs last in both directions, ties broken by id in the sort's direction."""
    present = sorted(
        (r for r in rows if r[field] is not None),
        key=lambda r: (r[field], r["id"]),
        reverse=descending,
    )
    missing = sorted(
        (r for r in rows if r[field] is None), key=lambda r: r["id"], reverse=descending
    )
    return [r["id"] for r in present + missing]


def _walk(
    fetch: Callable[[PageRequest], tuple[list[Any], str | None]], sort: Sort, limit: int
) -> list[int]:
    seen: list[int] = []
    cursor = None
    for _ in range(100):
        rows, cursor = fetch(PageRequest(sort=sort, limit=limit, cursor=cursor))
        assert len(rows) <= limit
        seen += [row["id"] if isinstance(row, dict) else row.id for row in rows]
        if cursor is None:
            return seen
        assert rows, "a cursor is only given when more rows follow"
    raise AssertionError("paging did not end")


def _dicts(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {"id": number + 1, "rank": rank, "label": label, "day": day,
         "at": datetime(2026, 1, 1, hour, tzinfo=UTC)}
        for number, (rank, label, day, hour) in enumerate(rows)
    ]  # fmt: skip


@given(
    rows=rows_strategy,
    field=st.sampled_from(list(SORTS)),
    descending=st.booleans(),
    limit=st.integers(1, 7),
)
def test_paging_yields_every_row_once_in_order_sqlalchemy(
    rows: list[tuple[Any, ...]], field: str, descending: bool, limit: int
) -> None:
    data = _dicts(rows)
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(Item(**row) for row in data)
        session.flush()
        sort = Sort(field, descending)
        seen = _walk(
            lambda page: paginate(session, select(Item), sorts=SORTS, id_column=Item.id, page=page),
            sort,
            limit,
        )
    engine.dispose()
    assert seen == _expected(data, field, descending)


@given(
    rows=rows_strategy,
    field=st.sampled_from(["id", "rank", "label", "day"]),
    descending=st.booleans(),
    limit=st.integers(1, 7),
)
def test_paging_yields_every_row_once_in_order_ibis(
    rows: list[tuple[Any, ...]], field: str, descending: bool, limit: int
) -> None:
    data = _dicts(rows)
    schema = ibis.schema({"id": "int64", "rank": "int64", "label": "string", "day": "date"})
    arrow = pa.Table.from_pylist(
        [{name: row[name] for name in schema.names} for row in data], schema=schema.to_pyarrow()
    )
    table = ibis.memtable(arrow)
    sorts = {name: name for name in schema.names}
    seen = _walk(
        lambda page: paginate_table(table, sorts=sorts, id_column="id", page=page),
        Sort(field, descending),
        limit,
    )
    assert seen == _expected(data, field, descending)

"""Columns read from SQLite as one comma-joined text each (``group_concat``), parsed by NumPy.

At 100,000s of rows a Python tuple and datetime per row cost more than the query; one string
per column goes straight into NumPy's parsers instead. Coverage reads touches this way and the
support report reads tickets this way."""

from __future__ import annotations

import numpy as np

# SQLite keeps UTC (core.db.UTCDateTime converts) as "2026-11-23 09:30:00.000000".
SQLITE_MOMENT = len("2026-11-23 09:30:00.000000")


def sqlite_moments(text: str, count: int) -> np.ndarray:
    """``count`` comma-joined moments as ``datetime64[us]``. When every one has the stored
    width, the text is cut into fixed-width cells without a Python string per moment (half
    the cost of splitting); else each is parsed as it is. ``group_concat`` leaves NULLs out,
    so the caller places the moments among the rows that have one."""
    if count == 0:
        return np.zeros(0, dtype="datetime64[us]")
    width = SQLITE_MOMENT + 1  # with its comma
    raw = (text + ",").encode()
    if len(raw) == count * width:
        cells = np.frombuffer(raw, dtype=np.uint8).reshape(count, width)
        if (cells[:, -1] == ord(",")).all():
            moments = np.ascontiguousarray(cells[:, :-1]).view(f"S{SQLITE_MOMENT}")
            return moments.ravel().astype("datetime64[us]")
    return np.array(text.split(","), dtype="datetime64[us]")


def sqlite_integers(text: str | None) -> np.ndarray:
    """Comma-joined integers, parsed in C (a Python string per number cost as much as the
    query); none for a NULL ``group_concat``."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")

"""The ingest buffer: where a tracking request's messages are made durable before it is answered.

A SQLite file in WAL mode with ``synchronous=FULL``: a commit is on disk when it returns. One
writer thread takes every request waiting at that moment and commits them together (group
commit), so 16 senders cost one fsync per round instead of one each, and DuckDB, which wants
few large writes, never sees a request: the drain (drain.py) moves rows over in big chunks.

``message_id`` is unique, so a retried batch is stored once (INSERT OR IGNORE); rows stay for
``retention`` after they were drained so retries arriving later are still recognised.
``seq`` only grows, and SQLite has one writer, so a reader never sees a gap close behind it:
the drain's watermark (the last ``seq`` moved) is exact.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from hatake.usage.tracking import ROW_FIELDS, IngestRow

SCHEMA = """
CREATE TABLE IF NOT EXISTS ingest_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    source_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    user_id TEXT,
    anonymous_id TEXT,
    group_id TEXT,
    event TEXT,
    timestamp_us INTEGER NOT NULL,
    properties TEXT,
    traits TEXT,
    received_us INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ingest_identities (
    user_id TEXT PRIMARY KEY,
    traits TEXT NOT NULL,
    timestamp_us INTEGER NOT NULL
);
"""
INSERT = (
    f"INSERT OR IGNORE INTO ingest_messages ({', '.join(ROW_FIELDS)}) "
    f"VALUES ({', '.join('?' for _ in ROW_FIELDS)})"
)
# One round commits at most this many requests, so a flood cannot hold every sender's answer
# behind one huge transaction.
MAX_REQUESTS_PER_COMMIT = 256


def open_connection(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


@dataclass(frozen=True)
class BufferedMessage:
    seq: int
    message_id: str
    source_id: int
    type: str
    user_id: str | None
    anonymous_id: str | None
    group_id: str | None
    event: str | None
    timestamp_us: int
    properties: str | None
    traits: str | None
    received_us: int


class IngestBuffer:
    """Durable, deduplicating intake. ``submit`` returns a future that resolves, once the rows
    are committed, to how many of them were new."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection = open_connection(path)
        self._connection.executescript(SCHEMA)
        self._pending: queue.SimpleQueue[tuple[Sequence[IngestRow], Future[int]] | None] = (
            queue.SimpleQueue()
        )
        self._writer = threading.Thread(target=self._write_loop, name="hatake-ingest", daemon=True)
        self._writer.start()

    def submit(self, rows: Sequence[IngestRow]) -> Future[int]:
        done: Future[int] = Future()
        self._pending.put((rows, done))
        return done

    def has_messages(self) -> bool:
        return (
            self._connection.execute("SELECT 1 FROM ingest_messages LIMIT 1").fetchone() is not None
        )

    def close(self) -> None:
        self._pending.put(None)
        self._writer.join(timeout=30)
        self._connection.close()

    def _write_loop(self) -> None:
        while True:
            first = self._pending.get()
            if first is None:
                return
            round_ = [first]
            stopping = False
            while len(round_) < MAX_REQUESTS_PER_COMMIT:
                try:
                    waiting = self._pending.get_nowait()
                except queue.Empty:
                    break
                if waiting is None:
                    stopping = True
                    break
                round_.append(waiting)
            self._commit(round_)
            if stopping:
                return

    def _commit(self, round_: list[tuple[Sequence[IngestRow], Future[int]]]) -> None:
        cursor = self._connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
            added = []
            for rows, _done in round_:
                cursor.executemany(INSERT, rows)
                added.append(cursor.rowcount)
            cursor.execute("COMMIT")
        except BaseException as error:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            for _rows, done in round_:
                done.set_exception(error)
            return
        for (_rows, done), count in zip(round_, added, strict=True):
            done.set_result(count)


def read_after(connection: sqlite3.Connection, seq: int, limit: int) -> list[BufferedMessage]:
    rows = connection.execute(
        f"SELECT seq, {', '.join(ROW_FIELDS)} FROM ingest_messages WHERE seq > ? "
        "ORDER BY seq LIMIT ?",
        (seq, limit),
    ).fetchall()
    return [BufferedMessage(*row) for row in rows]


def prune(connection: sqlite3.Connection, *, drained_through: int, received_before_us: int) -> int:
    """Forget drained messages older than the retention; a retry of one of them after that
    would be stored again, which is why the retention is long."""
    cursor = connection.execute(
        "DELETE FROM ingest_messages WHERE seq <= ? AND received_us < ?",
        (drained_through, received_before_us),
    )
    return cursor.rowcount


def last_seq(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT max(seq) FROM ingest_messages").fetchone()
    return int(row[0] or 0)

"""The ingest buffer: where a tracking request's messages are made durable before it is answered.

A SQLite file in WAL mode with ``synchronous=FULL``: a commit is on disk when it returns. One
writer thread takes every request waiting at that moment and commits them together (group
commit), so 16 senders cost one fsync per round instead of one each, and DuckDB, which wants
few large writes, never sees a request: the drain (drain.py) moves batches over in big chunks.

Deduplication happens here, at the door: ``ingest_message_ids`` remembers every message id
for the retention period, and a batch is stored with only the messages not seen before, so a
retried batch adds nothing and the drain never has to look back. A batch is one row holding
its messages as one JSON array, because a row per message cost more than everything else a
request does.

``seq`` only grows (AUTOINCREMENT: never reused, even once drained batches are deleted), and
SQLite has one writer, so a reader never sees a gap close behind it: the drain's watermark (the
last ``seq`` moved) is exact.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import orjson

from hatake.usage.tracking import IngestRow

SCHEMA = """
CREATE TABLE IF NOT EXISTS ingest_batches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    received_us INTEGER NOT NULL,
    messages INTEGER NOT NULL,
    rows BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS ingest_message_ids (
    message_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ingest_drains (
    seq INTEGER PRIMARY KEY,
    drained_us INTEGER NOT NULL
);
"""
# Asks the writer thread to forget drained batches (see IngestBuffer.forget_through).
_MAINTAIN = object()
# One round commits at most this many requests, so a flood cannot hold every sender's answer
# behind one huge transaction.
MAX_REQUESTS_PER_COMMIT = 256
RECEIVED_US = -1  # the position of received_us in a row (see tracking.ROW_FIELDS)
# Committed batches are also handed to the drain in memory, up to this many messages; past it
# (a drain that fell far behind) the drain reads them back from the file.
MAX_MESSAGES_IN_MEMORY = 1_000_000


def open_connection(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA busy_timeout=10000")
    connection.executescript(SCHEMA)
    return connection


class IngestBuffer:
    """Durable, deduplicating intake. ``submit`` returns a future that resolves, once the rows
    are committed, to how many of them were new."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection = open_connection(path)
        self._pending: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._forget: tuple[int, int] | None = None
        self._prune_before_us: int | None = None
        self._committed: deque[tuple[int, Sequence[IngestRow]]] = deque()
        self._in_memory = 0
        self._memory_lock = threading.Lock()
        self._writer = threading.Thread(target=self._write_loop, name="hatake-ingest", daemon=True)
        self._writer.start()

    def submit(self, rows: Sequence[IngestRow]) -> Future[int]:
        done: Future[int] = Future()
        self._pending.put((rows, done))
        return done

    def take_after(self, seq: int, max_messages: int) -> tuple[int, list[Sequence[Any]]] | None:
        """Like :func:`read_after`, from memory; None when memory does not hold the batch
        right after ``seq`` (after a restart, or when the drain fell far behind)."""
        committed = self._committed
        while committed and committed[0][0] <= seq:
            self._forget_first()
        if not committed or committed[0][0] != seq + 1:
            return None
        rows: list[Sequence[Any]] = []
        last = seq
        while committed and committed[0][0] == last + 1:
            batch_seq, batch = committed[0]
            if rows and len(rows) + len(batch) > max_messages:
                break
            rows.extend(batch)
            last = batch_seq
            self._forget_first()
        return last, rows

    def _forget_first(self) -> None:
        _seq, batch = self._committed.popleft()
        with self._memory_lock:
            self._in_memory -= len(batch)

    def forget_through(self, seq: int, drained_us: int) -> None:
        """Drop the batches up to ``seq`` once drained, in the writer's next round: the writer
        holds the file's write lock almost all the time under load, and a second writer would
        wait for it and time out."""
        self._forget = (seq, drained_us)
        self._pending.put(_MAINTAIN)

    def prune_ids_before(self, drained_before_us: int) -> None:
        """Forget old message ids (see :func:`prune_ids`), in the writer's next round."""
        self._prune_before_us = drained_before_us
        self._pending.put(_MAINTAIN)

    def has_batches(self) -> bool:
        first = self._connection.execute("SELECT 1 FROM ingest_batches LIMIT 1").fetchone()
        return first is not None

    def close(self) -> None:
        self._pending.put(None)
        self._writer.join(timeout=30)
        self._connection.close()

    def _write_loop(self) -> None:
        while True:
            first = self._pending.get()
            if first is None:
                return
            round_: list[tuple[Sequence[IngestRow], Future[int]]] = []
            maintain = first is _MAINTAIN
            if not maintain:
                round_.append(first)
            stopping = False
            while len(round_) < MAX_REQUESTS_PER_COMMIT:
                try:
                    waiting = self._pending.get_nowait()
                except queue.Empty:
                    break
                if waiting is None:
                    stopping = True
                    break
                if waiting is _MAINTAIN:
                    maintain = True
                else:
                    round_.append(waiting)
            self._commit(round_, maintain)
            if stopping:
                return

    def _commit(
        self, round_: list[tuple[Sequence[IngestRow], Future[int]]], maintain: bool
    ) -> None:
        cursor = self._connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
            stored = [_store_new(cursor, rows) for rows, _done in round_]
            if maintain and self._forget is not None:
                through, drained_us = self._forget
                forget_drained(self._connection, through)
                record_drain(self._connection, through, drained_us)
            if maintain and self._prune_before_us is not None:
                prune_ids(self._connection, self._prune_before_us)
                self._prune_before_us = None
            cursor.execute("COMMIT")
        except BaseException as error:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            for _rows, done in round_:
                done.set_exception(error)
            return
        for seq, fresh in stored:
            # Empty batches too, so memory holds an unbroken run of seqs.
            if seq and self._in_memory + len(fresh) <= MAX_MESSAGES_IN_MEMORY:
                with self._memory_lock:
                    self._in_memory += len(fresh)
                self._committed.append((seq, fresh))
        for (_rows, done), (_seq, fresh) in zip(round_, stored, strict=True):
            done.set_result(len(fresh))


def _store_new(cursor: sqlite3.Cursor, rows: Sequence[IngestRow]) -> tuple[int, list[IngestRow]]:
    """Store the messages of ``rows`` whose ids were never seen, as one batch: its seq and
    those messages.

    Optimistic, because retries are rare: the batch and all its ids go in at once, and only if
    some id was already there (or repeated in the batch) are the new ones picked out and the
    batch rewritten with just them.
    """
    if not rows:
        return 0, []
    cursor.execute(
        "INSERT INTO ingest_batches (received_us, messages, rows) VALUES (?, ?, ?)",
        (rows[0][RECEIVED_US], len(rows), orjson.dumps(rows)),
    )
    seq = int(cursor.lastrowid or 0)
    # One statement for all the ids, not executemany: the sqlite3 module lets go of the GIL
    # around every statement it steps, and a hundred hand-overs per batch to the thread
    # answering requests cost more than the inserts themselves.
    ids = orjson.dumps([row[0] for row in rows]).decode()
    cursor.execute(
        "INSERT OR IGNORE INTO ingest_message_ids SELECT value, ? FROM json_each(?)", (seq, ids)
    )
    if cursor.rowcount == len(rows):
        return seq, list(rows)
    claimed = {
        found
        for (found,) in cursor.execute(
            "SELECT message_id FROM ingest_message_ids "
            "WHERE seq = ? AND message_id IN (SELECT value FROM json_each(?))",
            (seq, ids),
        )
    }
    fresh: list[IngestRow] = []
    for row in rows:
        if row[0] in claimed:
            claimed.discard(row[0])
            fresh.append(row)
    if not fresh:
        # Nothing new: the batch row goes; its seq is never reused (AUTOINCREMENT).
        cursor.execute("DELETE FROM ingest_batches WHERE seq = ?", (seq,))
        return seq, []
    cursor.execute(
        "UPDATE ingest_batches SET messages = ?, rows = ? WHERE seq = ?",
        (len(fresh), orjson.dumps(fresh), seq),
    )
    return seq, fresh


def read_after(
    connection: sqlite3.Connection, seq: int, max_messages: int
) -> tuple[int, list[list[Any]]]:
    """The messages of the batches after ``seq``, whole batches up to about ``max_messages``,
    and the last batch's seq (``seq`` itself when there is nothing new)."""
    messages: list[list[Any]] = []
    last = seq
    for batch_seq, count, rows in connection.execute(
        "SELECT seq, messages, rows FROM ingest_batches WHERE seq > ? ORDER BY seq", (seq,)
    ):
        if messages and len(messages) + count > max_messages:
            break
        messages.extend(orjson.loads(rows))
        last = batch_seq
    return last, messages


def forget_drained(connection: sqlite3.Connection, drained_through: int) -> None:
    """Batches already in the stores are not needed again; their ids stay for deduplication."""
    connection.execute("DELETE FROM ingest_batches WHERE seq <= ?", (drained_through,))


def record_drain(connection: sqlite3.Connection, drained_through: int, now_us: int) -> None:
    """Remember when each seq was drained, so ids can later be forgotten by age."""
    connection.execute(
        "INSERT OR REPLACE INTO ingest_drains VALUES (?, ?)", (drained_through, now_us)
    )


def prune_ids(connection: sqlite3.Connection, drained_before_us: int) -> int:
    """Forget the ids of messages drained before the retention horizon; a retry of one of them
    after that would be stored again, which is why the retention is long."""
    horizon = connection.execute(
        "SELECT max(seq) FROM ingest_drains WHERE drained_us < ?", (drained_before_us,)
    ).fetchone()[0]
    if horizon is None:
        return 0
    cursor = connection.execute("DELETE FROM ingest_message_ids WHERE seq <= ?", (horizon,))
    connection.execute("DELETE FROM ingest_drains WHERE seq < ?", (horizon,))
    return cursor.rowcount


def last_seq(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT seq FROM sqlite_sequence WHERE name = 'ingest_batches'")
    found = row.fetchone()
    return int(found[0]) if found else 0


def pending_batches(connection: sqlite3.Connection, drained_through: int) -> int:
    row = connection.execute(
        "SELECT count(*) FROM ingest_batches WHERE seq > ?", (drained_through,)
    )
    return int(row.fetchone()[0])

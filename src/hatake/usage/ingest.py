"""Ingestion inside a running server: the durable buffer the tracking API writes to, the write
keys it checks, and the job that drains the buffer into the stores every few seconds."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hatake.core.runtime import Runtime
from hatake.usage import buffer, drain
from hatake.usage.buffer import IngestBuffer
from hatake.usage.sources import WriteKeys
from hatake.usage.tracking import IngestRow

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 3600


@dataclass
class DrainTotals:
    messages: int = 0
    events: int = 0
    accounts_created: int = 0
    contacts_created: int = 0
    relinked_events: int = 0

    def add(self, chunk: drain.Drained) -> None:
        self.messages += chunk.messages
        self.events += chunk.events
        self.accounts_created += chunk.accounts_created
        self.contacts_created += chunk.contacts_created
        self.relinked_events += chunk.relinked_events


def drain_all(runtime: Runtime, memory: IngestBuffer | None = None) -> DrainTotals:
    """Move everything buffered so far (the server's drain job, and `hatake refresh` for what a
    stopped server left behind)."""
    totals = DrainTotals()
    connection = buffer.open_connection(runtime.settings.ingest_file)
    custom_keys = runtime.settings.file_config.custom_keys
    try:
        previous = -1
        while True:
            with runtime.analytics_lock:
                chunk = drain.drain(
                    connection,
                    runtime.analytics(),
                    runtime.sessions,
                    custom_keys=custom_keys,
                    memory=memory,
                )
            if chunk.drained_through == previous:
                break
            previous = chunk.drained_through
            totals.add(chunk)
    finally:
        connection.close()
    return totals


def retention_horizon_us(runtime: Runtime) -> int:
    """Message ids drained before this moment no longer deduplicate retries."""
    horizon = datetime.now(UTC) - timedelta(days=runtime.settings.ingest_retention_days)
    return int(horizon.timestamp() * 1_000_000)


@dataclass
class Ingestion:
    runtime: Runtime
    buffer: IngestBuffer = field(init=False)
    write_keys: WriteKeys = field(init=False)
    _stop: threading.Event = field(default_factory=threading.Event)
    _arrived: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.buffer = IngestBuffer(self.runtime.settings.ingest_file)
        self.write_keys = WriteKeys(self.runtime.sessions)
        # The analytics store is opened only by a server that has something to drain, so a
        # server that never ingests leaves it free for `hatake refresh`.
        if self.buffer.has_batches():
            self._arrived.set()

    def submit(self, rows: Sequence[IngestRow]) -> Future[int]:
        committed = self.buffer.submit(rows)
        self._arrived.set()
        return committed

    def start_draining(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="hatake-drain", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        next_prune = time.monotonic()
        while not self._stop.wait(self.runtime.settings.ingest_drain_interval_seconds):
            if not self._arrived.is_set():
                continue
            try:
                self._arrived.clear()
                drained = drain_all(self.runtime, self.buffer)
                if drained.messages:
                    log.info("drained %s tracking messages", drained.messages)
                if time.monotonic() >= next_prune:
                    self.buffer.prune_ids_before(retention_horizon_us(self.runtime))
                    next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
            except Exception:
                # The chunk stays in the buffer and is retried on the next round.
                self._arrived.set()
                log.exception("draining the ingest buffer failed")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        self.buffer.close()

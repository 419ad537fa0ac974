"""The ingest buffer on its own: deduplication (whole, partial and within a batch), batches
handed over in memory or read back, forgetting drained batches and old ids."""

from __future__ import annotations

from pathlib import Path

from hatake.usage import buffer
from hatake.usage.buffer import IngestBuffer


def row(message_id: str, received_us: int = 1_000) -> tuple[object, ...]:
    return (message_id, 1, "track", "u", None, "acme", "Login", 500, None, None, received_us)


def test_retries_partial_retries_and_repeats_within_a_batch_are_stored_once(
    tmp_path: Path,
) -> None:
    ingest = IngestBuffer(tmp_path / "ingest.sqlite3")
    try:
        assert ingest.submit([row("a"), row("b")]).result() == 2
        assert ingest.submit([row("a"), row("b")]).result() == 0
        assert ingest.submit([row("b"), row("c"), row("c")]).result() == 1
        taken = ingest.take_after(0, 100)
    finally:
        ingest.close()
    assert taken is not None
    through, messages = taken
    assert [m[0] for m in messages] == ["a", "b", "c"]
    connection = buffer.open_connection(tmp_path / "ingest.sqlite3")
    read_through, read = buffer.read_after(connection, 0, 100)
    assert (read_through, [m[0] for m in read]) == (through, ["a", "b", "c"])


def test_memory_hands_over_whole_batches_and_steps_aside_after_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ingest.sqlite3"
    ingest = IngestBuffer(path)
    try:
        for n in range(3):
            ingest.submit([row(f"{n}-{k}") for k in range(4)]).result()
        first = ingest.take_after(0, 6)
        assert first is not None
        assert len(first[1]) == 4  # whole batches only: the second would pass the limit
        second = ingest.take_after(first[0], 100)
        assert second is not None
        assert len(second[1]) == 8
    finally:
        ingest.close()
    restarted = IngestBuffer(path)
    try:
        assert restarted.take_after(0, 100) is None  # nothing in memory: read the file
        assert restarted.has_batches()
    finally:
        restarted.close()


def test_drained_batches_and_old_ids_are_forgotten_by_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "ingest.sqlite3"
    ingest = IngestBuffer(path)
    try:
        ingest.submit([row("old", received_us=1_000)]).result()
        ingest.submit([row("new", received_us=9_000)]).result()
        ingest.forget_through(1, drained_us=2_000)
        ingest.prune_ids_before(5_000)
        # The writer does both in its next round, before this batch is answered.
        assert ingest.submit([row("later", received_us=9_500)]).result() == 1
        connection = buffer.open_connection(path)
        assert buffer.pending_batches(connection, 0) == 2
        ids = {m for (m,) in connection.execute("SELECT message_id FROM ingest_message_ids")}
        assert ids == {"new", "later"}
        # Past the retention a retry is stored again; that is why the retention is long.
        assert ingest.submit([row("old")]).result() == 1
    finally:
        ingest.close()

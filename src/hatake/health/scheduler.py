"""Scores refreshed inside the server, because a running server holds the analytics store and a
separate `hatake refresh` process could not write to it."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime

from hatake.core.db import transaction
from hatake.core.runtime import Runtime
from hatake.health import versions
from hatake.health.service import RefreshedDay, refresh_day

log = logging.getLogger(__name__)


class ScoreRefresher:
    """Scores every account for today at start-up, then every ``interval_seconds``."""

    def __init__(self, runtime: Runtime, interval_seconds: float) -> None:
        self.runtime = runtime
        self.interval_seconds = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="hatake-refresh", daemon=True)

    def run_once(self, as_of: date | None = None) -> RefreshedDay:
        day = as_of or datetime.now(UTC).date()
        with self.runtime.analytics_lock, transaction(self.runtime.sessions) as session:
            return refresh_day(
                session,
                self.runtime.analytics(),
                as_of=day,
                definition=versions.active_definition(session),
                settings=self.runtime.settings,
            )

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                refreshed = self.run_once()
                log.info("health scores refreshed for %s accounts", refreshed.accounts)
            except Exception:
                # A failed run must not stop later ones; the day's snapshot was rolled back.
                log.exception("health score refresh failed")
            self._stop.wait(self.interval_seconds)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

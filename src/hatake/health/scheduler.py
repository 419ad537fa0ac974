"""Scores refreshed inside the server, because a running server holds the analytics store and a
separate `hatake refresh` process could not write to it."""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hatake.core.db import transaction
from hatake.core.runtime import Runtime
from hatake.health import versions
from hatake.health.service import RefreshedDay, org_time_zone, refresh_day
from hatake.lifecycle import segment_jobs
from hatake.lifecycle import service as lifecycle_service

log = logging.getLogger(__name__)


class ScoreRefresher:
    """Scores every account for today at start-up, then every ``interval_seconds``; each run
    first brings the usage rollups up to date with the events drained since the last one
    (incrementally), so new events show in the scores within one interval; then it records
    lifecycle stages and tiers and recomputes segment membership for the day."""

    def __init__(self, runtime: Runtime, interval_seconds: float) -> None:
        self.runtime = runtime
        self.interval_seconds = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="hatake-refresh", daemon=True)

    def run_once(self, as_of: date | None = None) -> RefreshedDay:
        with self.runtime.analytics_lock, transaction(self.runtime.sessions) as session:
            # Today where the team works: in Tokyo the new day starts at 15:00 UTC.
            day = as_of or datetime.now(ZoneInfo(org_time_zone(session))).date()
            refreshed = refresh_day(
                session,
                self.runtime.analytics(),
                as_of=day,
                definition=versions.active_definition(session),
                settings=self.runtime.settings,
            )
        # Each step commits on its own, so a failure in a later one keeps the scores. Stages and
        # tiers come before segments, which filter on them and on the grades just stored.
        with self.runtime.analytics_lock, transaction(self.runtime.sessions) as session:
            lifecycle_service.refresh_stages(
                session, self.runtime.analytics(), day, settings=self.runtime.settings
            )
        with transaction(self.runtime.sessions) as session:
            segment_jobs.refresh_segments(self.runtime, session, day=day)
        return refreshed

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

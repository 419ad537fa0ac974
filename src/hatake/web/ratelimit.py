"""Per-token rate limits: one token bucket per API token, kept in the server's memory.

A bucket holds up to ``per_minute`` requests and refills continuously at ``per_minute / 60``
a second, so a client may burst up to a minute's allowance and then settles at the rate.
The limit protects one server process; it is not shared between processes (a team running
several would put a proxy in front).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # whole seconds until one request is allowed again; 0 when allowed


class TokenBuckets:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._lock = threading.Lock()  # sync routes run in a thread pool
        self._buckets: dict[int, tuple[float, float]] = {}  # key -> (tokens, last refill)

    def take(self, key: int) -> Decision:
        """Spend one request of ``key``'s allowance, if there is one."""
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * self._rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / self._rate)
                return Decision(False, self.per_minute, 0, max(wait, 1))
            tokens -= 1.0
            self._buckets[key] = (tokens, now)
            return Decision(True, self.per_minute, int(tokens), 0)

"""A circuit breaker: after repeated failures the coach stays offline for a while."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from coach.domain.clock import Clock


class Breaker:
    """Opens after `threshold` failures in a row and stays open for `cooldown`."""

    def __init__(
        self, clock: Clock, threshold: int = 3, cooldown: timedelta = timedelta(minutes=5)
    ) -> None:
        self._clock, self._threshold, self._cooldown = clock, threshold, cooldown
        self._failures = 0
        self._open_until: datetime | None = None
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        with self._lock:
            if self._open_until and self._clock() >= self._open_until:
                self._open_until, self._failures = None, 0
            return self._open_until is not None

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0

    def failed(self) -> bool:
        """Count a failure; True when this one opened the breaker."""
        with self._lock:
            self._failures += 1
            if self._failures >= self._threshold and self._open_until is None:
                self._open_until = self._clock() + self._cooldown
                return True
            return False

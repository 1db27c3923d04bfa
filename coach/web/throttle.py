"""Sign-in throttling: after too many failures for a user name, or from a client address,
within a window, sign-in is refused until the oldest of them leaves the window.

The failures are counted in the database, so every worker sees the same counts.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from coach.domain.clock import Clock, coach_now
from coach.web.store import Store

MAX_FAILURES = 10
WINDOW = timedelta(minutes=15)

log = logging.getLogger("coach.sign_in")


@dataclass
class SignInThrottle:
    store: Store
    max_failures: int = MAX_FAILURES
    window: timedelta = WINDOW
    clock: Clock = coach_now

    def retry_after(self, user: str, address: str) -> int | None:
        """Seconds until a sign-in may be tried, or None when it may be tried now."""
        now = self.clock()
        waits = []
        for kind, key in _keys(user, address):
            count, oldest = self.store.sign_in_failures(kind, key, now - self.window)
            if count >= self.max_failures and oldest is not None:
                waits.append(math.ceil((oldest + self.window - now).total_seconds()))
        if not waits:
            return None
        wait = max(max(waits), 1)
        log.warning("sign-in refused for user %r from %s: locked out for %d s", user, address,
                    wait)
        return wait

    def failed(self, user: str, address: str) -> None:
        now = self.clock()
        self.store.record_sign_in_failure(_keys(user, address), now, now - self.window)
        for kind, key in _keys(user, address):
            count, _ = self.store.sign_in_failures(kind, key, now - self.window)
            if count == self.max_failures:
                log.warning("%s %r locked out after %d failed sign-ins in %d minutes", kind,
                            key, count, self.window.seconds // 60)

    def succeeded(self, user: str) -> None:
        """A user's own failures are forgiven once they sign in; their address's are not."""
        self.store.clear_sign_in_failures("user", _user_key(user))


def _user_key(user: str) -> str:
    return user.strip().casefold()[:200]


def _keys(user: str, address: str) -> list[tuple[str, str]]:
    return [("user", _user_key(user)), ("address", address[:200])]

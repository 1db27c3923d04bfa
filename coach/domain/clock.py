"""Where "now" comes from: injected everywhere so tests can fix the time.

`coach_now` is the coach's own time (deadlines, and what is dated by it): the real time, or
`COACH_NOW` (ISO 8601 with an offset) when that is set in the environment, so scripts and
demos are reproducible. It is read from the environment only, never from `.env`. Sign-in
tokens, session lifetimes and timeouts keep the real clock (`system_clock`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

from coach.domain.base import CoachError

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always says `moment` (which must be timezone-aware)."""
    if moment.tzinfo is None:
        raise ValueError("a fixed clock needs a timezone-aware datetime")
    return lambda: moment


def coach_now() -> datetime:
    """The coach's own "now": `COACH_NOW` when set, else the real time."""
    value = os.environ.get("COACH_NOW", "").strip()
    if not value:
        return system_clock()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise CoachError(f"COACH_NOW must be an ISO 8601 time with an offset, e.g. "
                         f"2026-12-01T09:00:00+01:00, not {value!r}")
    return moment

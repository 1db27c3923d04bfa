"""Where "now" comes from: injected everywhere so tests can fix the time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always says `moment` (which must be timezone-aware)."""
    if moment.tzinfo is None:
        raise ValueError("a fixed clock needs a timezone-aware datetime")
    return lambda: moment

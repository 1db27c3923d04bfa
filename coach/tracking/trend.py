"""The monthly trend review: a month's escalations by root-cause category, by level and by
account, repeat accounts marked (more than one escalation in the 90 days up to the month's
end). An escalation belongs to the month it was created in, in its calendar's time zone;
without a category it counts as "other"."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from coach.domain.escalation import CATEGORIES
from coach.tracking.clocks import calendar_of
from coach.tracking.report import Tracked

REPEAT_DAYS = 90


def month_of(escalation: Tracked) -> str:
    zone = ZoneInfo(calendar_of(escalation.framework).timezone)
    return f"{escalation.created_at.astimezone(zone):%Y-%m}"


def trend(escalations: list[Tracked], month: str) -> dict[str, Any]:
    """The month's figures, as `coach escalations trend --json` prints them."""
    chosen = [e for e in escalations if month_of(e) == month]
    first = date.fromisoformat(f"{month}-01")
    end = (first.replace(day=28) + timedelta(days=4)).replace(day=1)  # the next month's 1st
    window_start = datetime.combine(end - timedelta(days=REPEAT_DAYS), datetime.min.time())
    recent: Counter[str] = Counter(
        e.account.casefold() for e in escalations
        if window_start.date() <= e.created_at.date() < end)
    accounts = Counter(e.account for e in chosen)
    levels = Counter(e.severity for e in chosen)
    categories = Counter(e.runs.category or "other" for e in chosen)
    return {
        "month": month,
        "total": len(chosen),
        "by_category": {c: categories.get(c, 0) for c in CATEGORIES},
        "by_level": {str(n): levels[n] for n in sorted(levels)},
        "by_account": [{"account": a, "count": n, "repeat": recent[a.casefold()] > 1}
                       for a, n in sorted(accounts.items(), key=lambda i: (-i[1], i[0]))],
    }

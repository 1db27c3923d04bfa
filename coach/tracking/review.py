"""When a post-escalation review is due, and whether it is done.

A level's `review_within_business_days` counts working days of the escalation's calendar after
the resolution, landing at the same local time (a Severity 1 resolved on a Thursday at 15:00
ET is due the next Tuesday at 15:00 ET: Friday, Monday, Tuesday). A working day has working
hours and is not a holiday. Levels without it need no review (the monthly trend review covers
them).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime

from coach.domain.base import Model
from coach.domain.calendar import WorkCalendar
from coach.domain.escalation import DONE
from coach.domain.framework import SeverityFramework
from coach.tracking.business_time import business_time
from coach.tracking.clocks import Runs, calendar_of


class ReviewState(Model):
    required: bool
    due: AwareDatetime | None
    status: Literal["not-due", "due", "overdue", "done"]


def review_due(resolved: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """`days` working days after `resolved`, at the same local time."""
    time = business_time(calendar, "business-hours")
    local = resolved.astimezone(time.zone)
    day, counted = local.date(), 0
    for _ in range(3 * 366):
        if counted == days:
            break
        day += timedelta(days=1)
        if calendar.spans(day) and not time.is_holiday(day):
            counted += 1
    return datetime.combine(day, local.time().replace(tzinfo=None), time.zone)


def review_state(found: Runs, framework: SeverityFramework, now: datetime
                 ) -> ReviewState | None:
    """The review as of `now`; None when the escalation's level needs none."""
    days = framework.level(found.severity).review_within_business_days
    if days is None:
        return None
    resolved = found.cycles[-1].stop if found.status in DONE else None
    if resolved is None:
        return ReviewState(required=True, due=None, status="not-due")
    due = review_due(resolved, days, calendar_of(framework))
    status: Literal["due", "overdue", "done"] = (
        "done" if found.reviewed is not None else "overdue" if now > due else "due")
    return ReviewState(required=True, due=due, status=status)

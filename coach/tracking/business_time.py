"""Covered time: real elapsed time inside a calendar's working intervals, or all of it (24x7).

- `covered(a, b)` measures it between two instants;
- `add(start, amount)` finds the instant when `amount` of it has passed since `start`.

Working intervals are local times in the calendar's zone, turned into real instants day by
day, so a DST day's intervals are as long as the clock says they are in real time. Holidays
(the `holidays` package by country and subdivision, plus the calendar's extra days) have none.
A due time that falls on an interval's end is that end.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays as holiday_data

from coach.domain import CoachError
from coach.domain.calendar import WorkCalendar

Coverage = Literal["business-hours", "24x7"]
SEARCH_DAYS = 3 * 366  # no working interval for three years: the calendar cannot be met
ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)


class CalendarError(CoachError):
    """A target that the calendar can never meet (it has no working hours)."""


@lru_cache(maxsize=256)
def public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """A country's (and subdivision's) public holidays in one year."""
    try:
        found = holiday_data.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError as exc:
        raise CalendarError(f"no holiday data for {country!r}"
                            + (f" / {subdivision!r}" if subdivision else "")) from exc
    return frozenset(found.keys())


class BusinessTime:
    """Covered-time arithmetic on one calendar and coverage."""

    def __init__(self, calendar: WorkCalendar, coverage: Coverage = "business-hours") -> None:
        self.calendar = calendar
        self.coverage = coverage
        self.zone = ZoneInfo(calendar.timezone)
        self._extra = frozenset(calendar.holidays.extra)
        self._days: dict[date, list[tuple[datetime, datetime]]] = {}

    def is_holiday(self, day: date) -> bool:
        spec = self.calendar.holidays
        if day in self._extra:
            return True
        return spec.country is not None and day in public_holidays(
            spec.country, spec.subdivision, day.year)

    def intervals(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals (UTC) that end after `since`, in order."""
        day = since.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(SEARCH_DAYS):
            for begins, ends in self._day(day):
                if ends > since:
                    yield begins, ends
            day += timedelta(days=1)

    def _day(self, day: date) -> list[tuple[datetime, datetime]]:
        """A local day's working intervals as UTC instants (computed once per day)."""
        found = self._days.get(day)
        if found is None:
            found = []
            if not self.is_holiday(day):
                for start, end in self.calendar.spans(day):
                    begins = datetime.combine(day, start, self.zone).astimezone(UTC)
                    ends = (datetime.combine(day, end, self.zone) if end is not None else
                            datetime.combine(day + timedelta(days=1), datetime.min.time(),
                                             self.zone)).astimezone(UTC)
                    if ends > begins:
                        found.append((begins, ends))
            if len(self._days) > 20_000:
                self._days.clear()
            self._days[day] = found
        return found

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant when `amount` of covered time has passed since `start`."""
        start = start.astimezone(UTC)
        if self.coverage == "24x7" or amount <= ZERO:
            return start + max(amount, ZERO)
        left = amount
        day = start.astimezone(self.zone).date() - ONE_DAY
        for _ in range(SEARCH_DAYS):  # a plain loop over cached days: lists of thousands
            for begins, ends in self._day(day):
                if ends <= start:
                    continue
                if begins < start:
                    begins = start
                if ends - begins >= left:
                    return begins + left
                left -= ends - begins
            day += ONE_DAY
        raise CalendarError("the calendar has no working hours in the next three years: "
                            "give it some, or make this level 24x7")

    def covered(self, a: datetime, b: datetime) -> timedelta:
        """Covered time between two instants (zero when b is not after a)."""
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        if b <= a:
            return ZERO
        if self.coverage == "24x7":
            return b - a
        total = ZERO
        for begins, ends in self.intervals(a):
            if begins >= b:
                break
            total += min(ends, b) - max(begins, a)
        return total

    def working(self, at: datetime) -> bool:
        """Whether an instant is inside (or at the end of) a working interval."""
        if self.coverage == "24x7":
            return True
        at = at.astimezone(UTC)
        for begins, ends in self.intervals(at - timedelta(microseconds=1)):
            return begins <= at <= ends
        return False


@lru_cache(maxsize=64)
def _shared(calendar_json: str, coverage: Coverage) -> BusinessTime:
    return BusinessTime(WorkCalendar.model_validate_json(calendar_json), coverage)


def business_time(calendar: WorkCalendar, coverage: Coverage) -> BusinessTime:
    """A BusinessTime for the calendar, shared by everything on the same calendar, so its
    days are worked out once."""
    return _shared(calendar.model_dump_json(), coverage)

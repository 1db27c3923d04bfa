"""The team's working calendar: a time zone, weekly working hours and holidays.

Part of a framework: business-hours clocks count only inside these hours (coach.tracking).
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from coach.domain.base import Model, plain_error

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$")


def _office_hours() -> dict[Weekday, list[str]]:
    return {day: (["09:00-17:00"] if day not in ("sat", "sun") else []) for day in WEEKDAYS}


class Holidays(Model):
    """Public holidays by country (and subdivision), from the `holidays` package, plus
    dates of the team's own."""

    country: str | None = Field(default=None, description='ISO country code, e.g. "US".')
    subdivision: str | None = Field(default=None, description='e.g. "CA" or "BY".')
    extra: list[date] = Field(default_factory=list, description="More days off.")


class WorkCalendar(Model):
    """When the team works: business-hours targets count only inside these hours."""

    timezone: str = Field(default="UTC", description='IANA zone, e.g. "America/New_York".')
    hours: dict[Weekday, list[str]] = Field(
        default_factory=_office_hours,
        description='Working intervals per weekday, "HH:MM-HH:MM"; "24:00" may close a day.')
    holidays: Holidays = Field(default_factory=Holidays)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not known_zone(value):
            raise plain_error("timezone", f"{value!r} is not a time zone; use an IANA name "
                              'such as "America/New_York" or "Europe/Berlin"')
        return value

    @field_validator("hours")
    @classmethod
    def _sound_hours(cls, value: dict[Weekday, list[str]]) -> dict[Weekday, list[str]]:
        for day, spans in value.items():
            previous_end = -1
            for span in spans:
                bounds = span_minutes(span)
                if bounds is None:
                    raise plain_error("hours", f"{day}: {span!r} is not a working interval; "
                                      'write it as "09:00-17:00"')
                start, end = bounds
                if start <= previous_end:
                    raise plain_error("hours", f"{day}: the intervals overlap or are out of "
                                      "order; list them from earliest to latest")
                previous_end = end
        return {day: value.get(day, []) for day in WEEKDAYS}

    def spans(self, day: date) -> list[tuple[time, time | None]]:
        """The day's working intervals as local times; an end of None is the next midnight."""
        found = []
        for span in self.hours.get(WEEKDAYS[day.weekday()], []):
            bounds = span_minutes(span)
            assert bounds is not None  # validated
            start, end = bounds
            found.append((time(start // 60, start % 60),
                          None if end == 24 * 60 else time(end // 60, end % 60)))
        return found

    @property
    def works_at_all(self) -> bool:
        return any(self.hours.values())


def known_zone(name: str | None) -> bool:
    """Whether a name is an IANA time zone this machine knows."""
    try:
        ZoneInfo(name or "")
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def span_minutes(span: str) -> tuple[int, int] | None:
    """ "09:00-17:30" -> (540, 1050); None when it is not a forward interval in one day."""
    match = _SPAN.match(span.strip())
    if match is None:
        return None
    start = int(match[1]) * 60 + int(match[2])
    end = int(match[3]) * 60 + int(match[4])
    return (start, end) if start < end <= 24 * 60 else None

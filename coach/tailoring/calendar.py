"""The tailored framework's calendar and per-level coverage, from what the company told us:
its time zone (and so, where unambiguous, its country's public holidays) and its coverage."""

from __future__ import annotations

from functools import cache
from importlib import resources

import holidays

from coach.domain import CompanyProfile
from coach.domain.calendar import WEEKDAYS, Holidays, WorkCalendar, known_zone

EXTENDED = "08:00-20:00"  # "extended hours": a long weekday, as most teams mean it
OFFICE = "09:00-17:00"


@cache
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO country, from the tz database's zone.tab (the tzdata package)."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    found = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _, zone, *_ = line.split("\t")
            found[zone] = country
    return found


def country_of_zone(zone: str | None) -> str | None:
    """The country a time zone belongs to ("America/New_York" -> "US"), when it is one
    country's and its holidays are known; None for "UTC", "Etc/GMT+5" or Antarctica."""
    country = _zone_countries().get(zone or "")
    return country if country in _supported() else None


@cache
def _supported() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


def calendar_for(profile: CompanyProfile) -> WorkCalendar | None:
    """Working hours in the company's zone, with its country's holidays; None until the
    time zone is known."""
    if not known_zone(profile.timezone):
        return None
    if profile.coverage in ("24x7", "follow-the-sun"):
        hours = {day: ["00:00-24:00"] for day in WEEKDAYS}
    else:
        span = EXTENDED if profile.coverage == "extended-hours" else OFFICE
        hours = {day: ([span] if day not in ("sat", "sun") else []) for day in WEEKDAYS}
    return WorkCalendar(timezone=profile.timezone or "UTC", hours=hours,
                        holidays=Holidays(country=country_of_zone(profile.timezone)))


def level_coverage(profile: CompanyProfile, level: int) -> str:
    """A level's clocks: around the clock when the company covers it so (all levels under
    24x7 or follow-the-sun; the weekend levels, or Severity 1, otherwise)."""
    if profile.coverage in ("24x7", "follow-the-sun"):
        return "24x7"
    staffed = profile.weekend_levels or [1]
    return "24x7" if level in staffed else "business-hours"

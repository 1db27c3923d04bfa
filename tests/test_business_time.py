"""Covered-time arithmetic: properties over many instants and amounts, then the named cases
(DST in New York and Berlin, holidays, 24x7, a due time on an interval's end)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.domain.calendar import Holidays, WorkCalendar
from coach.tracking.business_time import BusinessTime, CalendarError

NEW_YORK = WorkCalendar(timezone="America/New_York",
                        holidays=Holidays(country="US", extra=[date(2026, 12, 24)]))
BERLIN = WorkCalendar(timezone="Europe/Berlin",
                      hours={"mon": ["08:00-12:00", "13:00-17:00"], "tue": ["08:00-12:00",
                             "13:00-17:00"], "wed": ["08:00-12:00", "13:00-17:00"],
                             "thu": ["08:00-12:00", "13:00-17:00"], "fri": ["08:00-14:00"],
                             "sat": ["10:00-24:00"], "sun": []},
                      holidays=Holidays(country="DE", subdivision="BY"))
CALENDARS = st.sampled_from([NEW_YORK, BERLIN])
# Around both DST changes of 2026 and 2027 and the winter holidays.
INSTANTS = st.datetimes(min_value=datetime(2026, 3, 1), max_value=datetime(2027, 4, 15),
                        timezones=st.just(UTC))
AMOUNTS = st.integers(min_value=1, max_value=60 * 24 * 20).map(lambda m: timedelta(minutes=m))


@settings(deadline=None, max_examples=200)
@given(calendar=CALENDARS, start=INSTANTS, amount=AMOUNTS)
def test_adding_then_measuring_covered_time_round_trips(
        calendar: WorkCalendar, start: datetime, amount: timedelta) -> None:
    clock = BusinessTime(calendar)
    due = clock.add(start, amount)
    assert clock.covered(start, due) == amount
    assert clock.working(due)  # never outside working hours
    local = due.astimezone(ZoneInfo(calendar.timezone))
    assert not clock.is_holiday(local.date()) or local.time() == datetime.min.time()


@settings(deadline=None, max_examples=200)
@given(calendar=CALENDARS, a=INSTANTS, b=INSTANTS, c=INSTANTS)
def test_covered_time_adds_up_and_never_exceeds_real_time(
        calendar: WorkCalendar, a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted([a, b, c])
    clock = BusinessTime(calendar)
    assert clock.covered(a, b) + clock.covered(b, c) == clock.covered(a, c)
    assert clock.covered(a, c) <= c - a


@settings(deadline=None, max_examples=200)
@given(start=INSTANTS, amount=AMOUNTS)
def test_24x7_targets_add_real_elapsed_time(start: datetime, amount: timedelta) -> None:
    clock = BusinessTime(NEW_YORK, "24x7")
    assert clock.add(start, amount) == start + amount
    assert clock.covered(start, start + amount) == amount


def _ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("America/New_York"))


def test_a_24_hour_target_across_the_spring_change_is_25_wall_clock_hours() -> None:
    due = BusinessTime(NEW_YORK, "24x7").add(_ny(2026, 3, 7, 12), timedelta(hours=24))
    assert due.astimezone(ZoneInfo("America/New_York")) == _ny(2026, 3, 8, 13)


def test_a_whole_day_interval_on_a_dst_day_is_as_long_as_real_time() -> None:
    always = WorkCalendar(timezone="America/New_York",
                          hours={d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri",
                                                               "sat", "sun")})
    clock = BusinessTime(always)
    assert clock.covered(_ny(2026, 3, 8), _ny(2026, 3, 9)) == timedelta(hours=23)
    assert clock.covered(_ny(2026, 11, 1), _ny(2026, 11, 2)) == timedelta(hours=25)


def test_business_hours_skip_nights_weekends_and_holidays() -> None:
    clock = BusinessTime(NEW_YORK)
    # Wednesday 23 Dec 16:00 + 4 h: 1 h that day; the 24th (extra) and 25th (Christmas) are
    # off, the weekend too; 3 h on Monday the 28th.
    assert clock.add(_ny(2026, 12, 23, 16), timedelta(hours=4)) == _ny(2026, 12, 28, 12)
    # A due time on an interval's end is that end, not the next morning.
    assert clock.add(_ny(2026, 12, 1, 9), timedelta(hours=8)) == _ny(2026, 12, 1, 17)
    assert clock.covered(_ny(2026, 12, 4, 20), _ny(2026, 12, 7, 9)) == timedelta(0)


def test_a_calendar_with_no_hours_cannot_meet_a_business_hours_target() -> None:
    never = WorkCalendar(hours={})
    with pytest.raises(CalendarError, match="no working hours"):
        BusinessTime(never).add(datetime(2026, 12, 1, tzinfo=UTC), timedelta(hours=1))
    assert BusinessTime(never, "24x7").add(datetime(2026, 12, 1, tzinfo=UTC),
                                           timedelta(hours=1)) == datetime(2026, 12, 1, 1,
                                                                           tzinfo=UTC)


def test_bad_hours_and_zones_are_refused_in_plain_words() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="not a working interval"):
        WorkCalendar(hours={"mon": ["17:00-09:00"]})
    with pytest.raises(ValidationError, match="overlap"):
        WorkCalendar(hours={"mon": ["09:00-13:00", "12:00-17:00"]})
    with pytest.raises(ValidationError, match="not a time zone"):
        WorkCalendar(timezone="Mars/Olympus")


def test_tailoring_gives_the_company_its_calendar_and_suggests_its_country() -> None:
    from coach.domain import CompanyProfile
    from coach.tailoring.calendar import calendar_for, country_of_zone, level_coverage

    office = CompanyProfile(timezone="America/New_York", coverage="business-hours",
                            weekend_levels=[1, 2])
    calendar = calendar_for(office)
    assert calendar is not None and calendar.holidays.country == "US"
    assert calendar.hours["mon"] == ["09:00-17:00"] and calendar.hours["sat"] == []
    assert [level_coverage(office, n) for n in (1, 2, 3)] == ["24x7", "24x7", "business-hours"]
    always = CompanyProfile(timezone="Europe/Berlin", coverage="24x7")
    assert calendar_for(always) is not None and level_coverage(always, 4) == "24x7"
    assert country_of_zone("Europe/Berlin") == "DE" and country_of_zone("UTC") is None
    assert calendar_for(CompanyProfile(timezone="UK")) is None  # not a zone this machine knows

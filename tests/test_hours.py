"""Hours and durations in people's words, each read by one parser wherever they appear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach.parsing.deadlines import deadline
from coach.parsing.hours import read_hours
from coach.parsing.short_answers import parse_hours
from coach.tailoring.guide import load_guide
from coach.tailoring.profile_parser import understand
from tests.conftest import KNOWLEDGE, NOW


@pytest.mark.parametrize(("text", "coverage", "start", "end", "days"), [
    ("9-6 ET weekdays", "business-hours", 9, 18, "mon-fri"),
    ("9 to 6 eastern, mon-fri", "business-hours", 9, 18, "mon-fri"),
    ("8:30am-5:30pm Monday to Friday", "business-hours", 8.5, 17.5, "mon-fri"),
    ("nine to five", "business-hours", 9, 17, "mon-fri"),
    ("7 days a week, 8 to 8", "extended-hours", 8, 20, "every day"),
    ("24/5", "extended-hours", 0, 24, "mon-fri"),
    ("we're 24x7", "24x7", 0, 24, "every day"),
])
def test_hours_in_everyday_words(text: str, coverage: str, start: float, end: float,
                                 days: str) -> None:
    hours = read_hours(text)
    assert hours is not None
    assert (hours.coverage, hours.start, hours.end, hours.days) == (coverage, start, end, days)


def test_follow_the_sun_and_things_that_are_not_hours() -> None:
    found = read_hours("we run follow the sun")
    assert found is not None and found.coverage == "follow-the-sun"
    for text in ("a sev 1-2 issue", "ticket 2021-2022", "we have 12 people", "within 30 min"):
        assert read_hours(text) is None, text


def test_the_interview_understands_hours_and_their_zone() -> None:
    heard = understand("9 to 6 eastern, mon-fri", load_guide(KNOWLEDGE), "coverage")
    assert heard.fields["coverage"] == "business-hours"
    assert heard.fields["timezone"] == "US Eastern"


@pytest.mark.parametrize(("text", "hours"), [
    ("4h", 4), ("four hours", 4), ("30 min", 0.5), ("a day", 24), ("2 weeks", 336)])
def test_a_duration_reads_the_same_as_an_answer_and_in_a_deadline(text: str,
                                                                  hours: float) -> None:
    assert parse_hours(text) == hours
    assert deadline(f"within {text}", NOW) == NOW + timedelta(hours=hours)


def test_business_days_skip_the_weekend_and_business_hours_do_not() -> None:
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert deadline("in 2 business days", friday) == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert deadline("within 4 business hours", friday) == friday + timedelta(hours=4)

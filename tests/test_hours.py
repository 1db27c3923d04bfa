"""Coverage hours in people's words, read by one parser and used by the tailoring interview."""

from __future__ import annotations

import pytest

from coach.parsing.hours import read_hours
from coach.tailoring.guide import load_guide
from coach.tailoring.profile_parser import understand
from tests.conftest import KNOWLEDGE


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

"""One grammar for levels named by number, and every reader of the coach agrees on it."""

from __future__ import annotations

import pytest

from coach.domain import SeverityFramework, parse_level_number
from coach.parsing.short_answers import find_level
from coach.parsing.text import mentioned_levels
from coach.understanding.extraction import stated_severity


@pytest.mark.parametrize(("text", "level"), [
    ("level 2", 2), ("severity two", 2), ("sev-2", 2), ("S2", 2), ("P1", 1), ("Sev: 1", 1),
    ("priority 3", 3), ("lvl 4", 4), ("sev #3", 3), ("SEV1", 1), ("severity IV", 4),
    ("Sev II", 2), ("sevirity one", 1), ("sverity 3", 3),
])
def test_every_reader_reads_the_same_level(seed: SeverityFramework, text: str,
                                           level: int) -> None:
    assert parse_level_number(text) == level
    assert mentioned_levels(f"is this a {text} escalation?") == {level}
    assert stated_severity(f"Globex is down, {text} I think.") == level
    assert find_level(text, seed) == level


@pytest.mark.parametrize("text", ["it's 2 days late", "she has 2 users", "ops 2 shift",
                                  "which level I should pick", "several 2-hour calls"])
def test_numbers_that_are_not_levels(text: str) -> None:
    assert mentioned_levels(text) == set() and stated_severity(text) is None


def test_a_low_priority_one_is_level_4_by_name_not_level_1_by_number() -> None:
    assert stated_severity("Low priority one: a dark mode request.") is None
    assert mentioned_levels("Low priority one: a dark mode request.") == {4}


def test_a_lone_roman_one_is_a_level_only_where_no_verb_follows() -> None:
    assert mentioned_levels("who leads on a severity I?") == {1}

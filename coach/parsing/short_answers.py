"""Reading short answers in their usual forms: "P2", "high", "four hours", "4h", "the director"."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from coach.domain import LEVEL_REF, SeverityFramework, matched_level

K = TypeVar("K", bound=str)
WORD_NUMBERS = {
    "a": 1, "an": 1, "the": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty-five": 45, "forty-eight": 48, "seventy-two": 72, "ninety": 90,
    "twenty-four": 24, "half": 0.5,
}
_UNIT_HOURS = {"m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
# The one duration grammar: a count (digits or words) and a unit. Deadlines embed it too.
NUMBER_WORDS = "|".join(sorted(map(re.escape, WORD_NUMBERS), key=len, reverse=True))
COUNT = rf"\d+(?:\.\d+)?|{NUMBER_WORDS}"
UNIT = r"minutes?|mins?|m|hours?|hrs?|hr|h|business\s+days?|days?|d|weeks?|wks?"
_DURATION = re.compile(
    rf"(?<![\w.])(?:(?P<half>half\s+an?\s+hour)|(?:(?P<n>\d+(?:\.\d+)?)[\s-]*"
    rf"|(?P<w>{NUMBER_WORDS})[\s-]+)(?P<u>{UNIT}))(?![\w])",
    re.IGNORECASE,
)
_BARE_DIGIT = re.compile(r"(?<![\w.:])(?P<n>[1-9])(?![\w.:])")
# Everyday severity words, on the seed's four-level scale.
SEVERITY_WORDS = {
    "critical": 1, "urgent": 1, "emergency": 1, "sev1": 1, "high": 2, "major": 2, "serious": 2,
    "medium": 3, "moderate": 3, "normal": 3, "low": 4, "minor": 4, "trivial": 4,
}


@dataclass(frozen=True)
class Found:
    """A phrase found in a text: what it means and where it was."""

    key: str
    start: int
    end: int


def number_value(token: str) -> float | None:
    """"4" -> 4.0, "four" -> 4.0, "half" -> 0.5; None if it is not a number."""
    token = token.strip().casefold()
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    value = WORD_NUMBERS.get(token)
    return float(value) if value is not None else None


def find_duration(text: str) -> tuple[float, Found] | None:
    """The first duration in a text, in hours: "4h", "four hours", "30 min", "half an hour"."""
    for match in _DURATION.finditer(text):
        if match.group("half"):
            return 0.5, Found("duration", match.start(), match.end())
        amount = number_value(match.group("n") or match.group("w"))
        unit = match.group("u").casefold()
        if amount is None or amount <= 0:
            continue
        return amount * unit_hours(unit), Found("duration", match.start(), match.end())
    return None


def unit_hours(unit: str) -> float:
    """Hours in one of a duration's units: "min" -> 1/60, "business days" -> 24."""
    unit = unit.casefold()
    return _UNIT_HOURS["d" if unit.startswith("business") else unit[0]]


def parse_hours(text: str) -> float | None:
    """A duration in hours, or None when the text names none."""
    found = find_duration(text)
    return found[0] if found else None


def find_level(text: str, framework: SeverityFramework) -> int | None:
    """The severity a text names: "sev 2", "P2", a level's name, "high", or a lone digit."""
    match = LEVEL_REF.search(text)
    if match:
        return _in_range(matched_level(match), framework)
    names = {lvl.name.casefold(): lvl.level for lvl in framework.levels}
    named = scan(text, {str(n): [name] for name, n in names.items()})
    if named:
        return int(named[0].key)
    table = {str(n): [w for w, v in SEVERITY_WORDS.items() if v == n] for n in range(1, 5)}
    words = scan(text, table)
    if words:
        return _in_range(float(words[0].key), framework)
    digit = _BARE_DIGIT.search(text)
    return _in_range(float(digit.group("n")), framework) if digit else None


def _in_range(value: float | None, framework: SeverityFramework) -> int | None:
    if value is None or not 1 <= value <= len(framework.levels):
        return None
    return int(value)


def scan(text: str, table: Mapping[K, Sequence[str]]) -> list[Found]:
    """Whole-word matches of any alias, longest first, never overlapping, in text order."""
    hits: list[Found] = []
    pairs = [(alias, key) for key, aliases in table.items() for alias in aliases]
    aliases = sorted(pairs, key=lambda pair: -len(pair[0]))
    for alias, key in aliases:
        pattern = rf"(?<![\w-]){re.escape(alias)}(?![\w-])"
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if not any(match.start() < h.end and h.start < match.end() for h in hits):
                hits.append(Found(key, match.start(), match.end()))
    return sorted(hits, key=lambda h: h.start)


def blank(text: str, spans: Sequence[Found]) -> str:
    """The text with the found spans replaced by spaces, so they are not read twice."""
    chars = list(text)
    for span in spans:
        chars[span.start : span.end] = " " * (span.end - span.start)
    return "".join(chars)


def owner_parts(owner: str) -> list[str]:
    """"VP CS + Executive" -> ["VP CS", "Executive"]."""
    return [part.strip() for part in re.split(r"\s*\+\s*|\s+and\s+|\s*&\s*", owner) if part.strip()]

"""Coverage hours as people write them: "9-6 ET weekdays", "9 to 5", "24/5", "24x7", "follow
the sun", "8:30am-5:30pm mon-fri", "7 days a week, 8 to 8"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLOCK = r"(?P<{0}>\d{{1,2}})(?::(?P<{0}m>\d{{2}}))?\s*(?P<{0}ap>am|pm|a\.m\.|p\.m\.)?"
_WORDS = {"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "five": 5, "four": 4}
_SPAN = re.compile(
    rf"(?<![\d:/x])(?:from\s+)?{_CLOCK.format('a')}\s*(?:-|–|to|till|until)\s*{_CLOCK.format('b')}"
    r"(?![\d/x%])",
    re.I,
)
_WORD_SPAN = re.compile(r"\b(six|seven|eight|nine|ten)\s+to\s+(four|five|six|seven|eight)\b", re.I)
_ROUND_THE_CLOCK = re.compile(
    r"\b24\s*[x/-]\s*7\b|\b24/7\b|\baround the clock\b|\bround the clock\b|\balways on\b", re.I)
_WEEKDAYS_ROUND = re.compile(r"\b24\s*[x/-]\s*5\b", re.I)
_FOLLOW_THE_SUN = re.compile(r"\bfollow[- ]the[- ]sun\b", re.I)
_EVERY_DAY = re.compile(r"\b(?:7|seven) days\b|\bevery day\b|\bweekends? (?:too|included|as well)"
                        r"|\bincluding weekends\b|\bmon(?:day)?\s*(?:-|to)\s*sun(?:day)?\b", re.I)
_WEEKDAYS = re.compile(r"\bweekdays?\b|\bmon(?:day)?\s*(?:-|–|to|thru|through)\s*fri(?:day)?\b"
                       r"|\bm-f\b|\bbusiness days\b", re.I)
BUSINESS_DAY_HOURS = 10  # a span longer than this is extended hours


@dataclass(frozen=True)
class Hours:
    """Coverage read from a text: its kind and, when stated, the daily window and days."""

    coverage: str  # business-hours | extended-hours | 24x7 | follow-the-sun
    start: float | None = None  # hour of day, 24-hour clock
    end: float | None = None
    days: str | None = None  # "mon-fri" or "every day"


def read_hours(text: str) -> Hours | None:
    """The coverage a text states, or None."""
    days = "every day" if _EVERY_DAY.search(text) else "mon-fri" if _WEEKDAYS.search(
        text) else None
    if _FOLLOW_THE_SUN.search(text):
        return Hours("follow-the-sun", days=days)
    if _ROUND_THE_CLOCK.search(text):
        return Hours("24x7", 0.0, 24.0, "every day")
    if _WEEKDAYS_ROUND.search(text):
        return Hours("extended-hours", 0.0, 24.0, "mon-fri")
    window = _window(text)
    if window is None:
        return None
    start, end = window
    long_day = (end - start) % 24 > BUSINESS_DAY_HOURS or days == "every day"
    return Hours("extended-hours" if long_day else "business-hours", start, end,
                 days or "mon-fri")


def _window(text: str) -> tuple[float, float] | None:
    """The daily window: "9-6" is 9:00 to 18:00 (an end before the start is in the afternoon)."""
    match = _SPAN.search(text)
    if match:
        start = _hour(match["a"], match["am"], match["aap"])
        end = _hour(match["b"], match["bm"], match["bap"])
    else:
        words = _WORD_SPAN.search(text)
        if words is None:
            return None
        start, end = float(_WORDS[words[1].lower()]), float(_WORDS[words[2].lower()])
    if start is None or end is None or not (match and match["aap"]) and not 4 <= start <= 12:
        return None  # "sev 1-2" is no working day
    if end <= start and end + 12 <= 24:
        end += 12  # "9-6", "8 to 5": the end is in the afternoon
    return (start, end) if 0 <= start < end <= 24 else None


def _hour(hour: str, minutes: str | None, meridiem: str | None) -> float | None:
    value = int(hour) + (int(minutes) / 60 if minutes else 0.0)
    if value > 24:
        return None
    marker = (meridiem or "").replace(".", "").lower()
    if marker == "pm" and value < 12:
        value += 12
    if marker == "am" and value >= 12:
        value -= 12
    return value

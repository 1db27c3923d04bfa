"""Date ranges said in words, for the dashboard: "this quarter", "last month", "since October",
"since 2026-10-01", "in September", "the last 30 days", "Q3", "year to date", "all time",
"from 1 Sep to 15 Oct". Both ends are dates, inclusive; a month or quarter named without a
year is the latest one that has begun by today. None when the words name no range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from coach.parsing.short_answers import NUMBER_WORDS, number_value

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH = r"(?:" + "|".join(m[:3] + r"(?:" + m[3:] + r")?" for m in _MONTHS) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_ONE_DATE = (rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
             rf"|{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?|{_MONTH}(?:\s+\d{{4}})?)")
_SPAN = re.compile(rf"\b(?:from|between)\s+(?P<a>{_ONE_DATE})\s+(?:to|until|till|and|-)\s+"
                   rf"(?P<b>{_ONE_DATE})\b", re.I)
_SINCE = re.compile(rf"\b(?:since|from|after)\s+(?:the\s+)?(?:start\s+of\s+)?(?P<a>{_ONE_DATE})\b",
                    re.I)
_IN = re.compile(rf"\b(?:in|for|during|over)\s+(?P<a>{_MONTH}(?:\s+\d{{4}})?)(?!\s*\d)\b", re.I)
_THIS = re.compile(r"\b(?:this|the\s+current|current)\s+(?P<unit>week|month|quarter|year)\b",
                   re.I)
_LAST = re.compile(r"\b(?:last|previous|past|prior)\s+(?P<unit>week|month|quarter|year)\b", re.I)
_LAST_N = re.compile(rf"\b(?:last|past|previous)\s+(?P<n>\d{{1,4}}|{NUMBER_WORDS})\s+"
                     r"(?P<unit>days?|weeks?|months?)\b", re.I)
_QUARTER = re.compile(r"\bq(?P<q>[1-4])(?:\s+(?P<y>\d{4}))?\b", re.I)
_TO_DATE = re.compile(r"\b(?:ytd|year[- ]to[- ]date|so\s+far\s+this\s+year)\b", re.I)
_ALL = re.compile(r"\b(?:all[- ]time|ever|since\s+(?:the\s+)?(?:start|beginning))\b", re.I)


@dataclass(frozen=True)
class Period:
    """From `since` to `until`, both inclusive; None at an end means open."""

    since: date | None
    until: date | None

    def before(self) -> Period | None:
        """The period of the same length just before this one (None when open-ended)."""
        if self.since is None or self.until is None:
            return None
        length = self.until - self.since + timedelta(days=1)
        return Period(self.since - length, self.since - timedelta(days=1))


def last_days(today: date, days: int) -> Period:
    return Period(today - timedelta(days=days - 1), today)


def period(text: str, today: date) -> Period | None:
    """The range the words name, if any."""
    if _ALL.search(text):
        return Period(None, None)
    if found := _SPAN.search(text):
        a, b = _date(found["a"], today), _date(found["b"], today, end=True)
        if a is not None and b is not None and a <= b:
            return Period(a, b)
    if found := _SINCE.search(text):
        a = _date(found["a"], today)
        if a is not None and a <= today:
            return Period(a, today)
    if found := _LAST_N.search(text):
        n = int(number_value(found["n"]) or 0)
        unit = found["unit"].lower().rstrip("s")
        if n > 0:
            days = n * {"day": 1, "week": 7, "month": 30}[unit]
            return last_days(today, days)
    if found := _THIS.search(text):
        return Period(_start(found["unit"].lower(), today), today)
    if found := _LAST.search(text):
        unit = found["unit"].lower()
        end = _start(unit, today) - timedelta(days=1)
        return Period(_start(unit, end), end)
    if found := _QUARTER.search(text):
        q, year = int(found["q"]), int(found["y"] or today.year)
        first = date(year, 3 * q - 2, 1)
        if found["y"] is None and first > today:
            first = first.replace(year=year - 1)
        return Period(first, min(_quarter_end(first), today))
    if _TO_DATE.search(text):
        return Period(date(today.year, 1, 1), today)
    if found := _IN.search(text):
        a = _date(found["a"], today)
        if a is not None:
            return Period(a, min(_month_end(a), today))
    return None


def _start(unit: str, day: date) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _quarter_end(first: date) -> date:
    return _month_end(date(first.year, first.month + 2, 1))


def _date(text: str, today: date, end: bool = False) -> date | None:
    """A date in words; a month alone is its first day (its last with `end`), in the latest
    year in which it has begun by today, unless a year is given."""
    text = text.strip().lower().rstrip(".")
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    month = next((i for i, m in enumerate(_MONTHS, 1) if re.search(rf"\b{m[:3]}", text)), None)
    if month is None:
        return None
    year_match = re.search(r"\b(\d{4})\b", text)
    day_match = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", re.sub(r"\b\d{4}\b", "", text))
    year = int(year_match[1]) if year_match else today.year
    try:
        first = date(year, month, 1)
        if year_match is None and first > today:
            first = first.replace(year=year - 1)
        if day_match:
            return first.replace(day=int(day_match[1]))
    except ValueError:
        return None
    return _month_end(first) if end else first

"""Deadline phrases ("by Friday", "within 4 hours", "before ... on March 3") and their due time."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coach.parsing.short_answers import COUNT, UNIT, number_value, unit_hours

END_OF_DAY = time(17, 0)  # "by Friday" means by the end of that working day, in the clock's zone
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_DAY = r"(?:" + "|".join(_DAYS) + r")"
_MONTH = r"(?:" + "|".join(m[:3] + r"(?:" + m[3:] + r")?" for m in _MONTHS) + r")\.?"
_DATE = rf"(?:{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)? {_MONTH})"

DEADLINE = re.compile(
    rf"\b(?:within|in) (?:the next )?(?P<n>{COUNT})[ -]?(?P<biz>business "
    rf"|working )?(?P<unit>{UNIT})\b"
    rf"|\bwithin the (?P<the_hour>hour)\b"
    rf"|\bby (?P<clock>\d{{1,2}}(?::\d{{2}})?\s*(?:am|pm)|noon|midday|midnight)\b"
    rf"|\bby (?P<iso>\d{{4}}-\d{{2}}-\d{{2}})\b"
    rf"|\b(?P<asap>asap|as soon as possible|right away|immediately)\b"
    rf"|\bby (?:the )?(?:(?P<eod>end of (?:the )?(?:day|business)|eod|cob)(?: (?P<eodday>{_DAY}"
    rf"|today"
    rf"|tomorrow))?|(?P<tomorrow>tomorrow|tonight|today)(?: (?:morning|noon|evening))?"
    rf"|(?P<next>next )?(?P<day>{_DAY})|(?P<bydate>{_DATE}))\b"
    rf"|\bbefore [^.;,]{{0,50}}?\bon (?P<ondate>{_DATE})\b"
    rf"|\bbefore (?:their|the|our|its) [^.;,]{{1,40}}?\b(?:starts?|begins?|opens?|meeting|review"
    rf"|audit|inspection|launch|deadline|renewal|sale)(?: (?:starts|begins|opens|ends))?\b",
    re.IGNORECASE,
)


def deadline(text: str, now: datetime, zone: str | None = None) -> datetime | None:
    """When the first deadline phrase of a text falls due, in the company's time zone (an IANA
    name, e.g. "America/New_York"; `now`'s own zone when None or unknown)."""
    match = DEADLINE.search(text)
    return due_by(match, in_zone(now, zone)) if match else None


# The zones the tailoring interview names (knowledge/tailoring_questions.yaml): IANA zone ->
# the name people know it by.
ZONE_NAMES = {
    "America/New_York": "US Eastern", "America/Chicago": "US Central",
    "America/Los_Angeles": "US Pacific", "Europe/London": "UK", "Europe/Berlin": "Central European",
    "UTC": "UTC", "Asia/Kolkata": "India", "Australia/Sydney": "Australia Eastern",
    "Asia/Singapore": "Singapore", "Asia/Shanghai": "China", "Europe/Dublin": "Ireland",
    "Asia/Jerusalem": "Israel",
}
ZONES = {name.casefold(): zone for zone, name in ZONE_NAMES.items()}


def iana_zone(name: str) -> str:
    """An interview zone's IANA name ("US Eastern" -> "America/New_York"); others unchanged."""
    return ZONES.get(name.casefold(), name)


def zone_name(zone: str) -> str:
    """The name people know an IANA zone by ("America/New_York" -> "US Eastern")."""
    return ZONE_NAMES.get(zone, zone)


def in_zone(now: datetime, zone: str | None) -> datetime:
    """`now` on the company's wall clock: an IANA zone ("America/New_York") or a zone the
    tailoring interview names ("US Eastern"); unchanged when unknown."""
    if not zone:
        return now
    try:
        return now.astimezone(ZoneInfo(ZONES.get(zone.casefold(), zone)))
    except (ZoneInfoNotFoundError, ValueError):
        return now


def is_only_a_deadline(text: str) -> bool:
    """ "by Friday", "EOD tomorrow please": a deadline and hardly anything else."""
    match = DEADLINE.search(text)
    rest = text[: match.start()] + text[match.end():] if match else text
    return match is not None and len(re.findall(r"\w+", rest)) <= 2


def find_deadline(text: str) -> re.Match[str] | None:
    """The first deadline phrase in the text, if any."""
    return DEADLINE.search(text)


def due_by(match: re.Match[str], now: datetime) -> datetime | None:
    """When a deadline phrase falls due, counted from `now`; None when it names no time."""
    groups = match.groupdict()
    if groups["the_hour"]:
        return now + timedelta(hours=1)
    if groups["clock"]:
        return _at_clock(groups["clock"], now)
    if groups["iso"]:
        return _on_iso(groups["iso"], now)
    if groups["asap"]:
        return None  # urgent, but it names no time
    if groups["unit"]:
        return _within(groups["n"], groups["unit"], bool(groups["biz"]), now)
    if groups["eod"]:
        day = groups["eodday"] or "today"
        return _on_day(now, _day_offset(now, day, next_week=False))
    if groups["tomorrow"]:
        return _on_day(now, 1 if groups["tomorrow"].lower() == "tomorrow" else 0)
    if groups["day"]:
        return _on_day(now, _day_offset(now, groups["day"], next_week=bool(groups["next"])))
    when = groups["bydate"] or groups["ondate"]
    return _on_date(when, now) if when else None


def _at_clock(text: str, now: datetime) -> datetime:
    """"5pm", "9:30 am", "noon": today at that time, or tomorrow when it has passed."""
    words = text.lower().replace(" ", "")
    if words in {"noon", "midday"}:
        hour, minute = 12, 0
    elif words == "midnight":
        hour, minute = 24, 0
    else:
        digits = re.match(r"(\d{1,2})(?::(\d{2}))?", words)
        assert digits is not None  # the pattern guarantees the digits
        hour, minute = int(digits.group(1)) % 12, int(digits.group(2) or 0)
        hour += 12 if words.endswith("pm") else 0
    due = datetime.combine(now.date(), time(0), now.tzinfo) + timedelta(hours=hour, minutes=minute)
    return due if due >= now else due + timedelta(days=1)


def _on_iso(text: str, now: datetime) -> datetime | None:
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, END_OF_DAY, now.tzinfo)


def _within(amount: str, unit: str, business: bool, now: datetime) -> datetime:
    count = number_value(amount) or 0.0
    in_days = unit_hours(unit) == unit_hours("day")
    if not (in_days and (business or unit.lower().startswith("business"))):
        return now + timedelta(hours=count * unit_hours(unit))
    moment, left = now, int(count)
    while left:  # business days skip the weekend
        moment += timedelta(days=1)
        left -= moment.weekday() < 5
    return moment


def _day_offset(now: datetime, day: str, next_week: bool) -> int:
    day = day.lower()
    if day in {"today", "tomorrow"}:
        return int(day == "tomorrow")
    ahead = (_DAYS.index(day) - now.weekday()) % 7
    return 7 if next_week and ahead == 0 else ahead


def _on_day(now: datetime, days_ahead: int) -> datetime:
    return datetime.combine(now.date() + timedelta(days=days_ahead), END_OF_DAY, now.tzinfo)


def _on_date(text: str, now: datetime) -> datetime | None:
    words = re.findall(r"[a-z]+|\d+", text.lower())
    month = next((i + 1 for i, m in enumerate(_MONTHS) for w in words if m.startswith(w)
                  and len(w) >= 3), None)
    day = next((int(w) for w in words if w.isdigit()), None)
    if month is None or day is None:
        return None
    try:
        due = datetime.combine(now.date().replace(month=month, day=day), END_OF_DAY, now.tzinfo)
    except ValueError:
        return None
    # A date already past this year means next year's.
    return due if due >= now else due.replace(year=due.year + 1)

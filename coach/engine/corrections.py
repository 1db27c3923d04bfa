"""Reading a ticket edit in words: "actually the account is Globex Inc", "make it a 2"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.domain import SeverityFramework, SeverityLevel

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "account": ("account name", "account", "acct"),
    "severity": ("severity level", "severity", "sev", "priority"),
    "csm": ("customer success manager", "csm"),
    "issue_summary": ("issue summary", "summary", "issue", "problem"),
    "business_impact": ("business impact", "impact"),
    "actions_taken": ("actions taken", "action taken", "actions"),
    "resolution_requested": ("resolution requested", "resolution", "request", "ask"),
    "timeline_required": ("timeline required", "timeline", "deadline"),
    "escalation_owner": ("escalation owner", "owner"),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}
_ALIASES = "|".join(sorted(map(re.escape, _ALIAS_TO_FIELD), key=len, reverse=True))
_MARKER = r"(?:(?:actually|no|sorry|correction|oops|wait|oh|my bad|hmm|ok|ah)\b[\s,:!.-]*)+"
# Plain "the issue is ..." is an answer, not an edit: an edit needs a marker, "should be",
# a colon, or "change/set X to".
_TEXTS = (
    rf"^{_MARKER}(?:the\s+)?(?P<field>{_ALIASES})\s+(?:is|was|should be)\s+(?P<value>.+)$",
    rf"^(?:the\s+)?(?P<field>{_ALIASES})\s+(?:should be|should read|should say|is now)\s+"
    r"(?P<value>.+)$",
    rf"^(?:{_MARKER})?(?:the\s+)?(?P<field>{_ALIASES})\s*(?::|=|->)\s*(?P<value>.+)$",
    # "csm is Ivo Brandt": a name given for another field than the one asked
    r"^(?:the\s+)?(?P<field>csm|account|acct)\s+is\s+(?P<value>\S+(?:\s+\S+){0,4})$",
    rf"^(?:{_MARKER})?(?:change|set|update|correct)\s+(?:the\s+)?(?P<field>{_ALIASES})\s+to\s*:?\s*"
    r"(?P<value>.+)$",
)
_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in _TEXTS)
_ADD = re.compile(
    r"^(?:also\s+)?(?:add|also)(?:\s+(?:an?|another)?\s*actions?(?:\s+taken)?)?\s*[:\-]\s*"
    r"(?P<value>.+)$", re.IGNORECASE
)
_OVERRIDE = re.compile(
    r"^(?:please\s+)?(?:make it|it'?s|it is|set it to|change it to|bump it to|call it|"
    r"make that|use|go with)\s+(?:an?\s+)?(?P<level>.+?)(?:\s+please)?[.!]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FieldEdit:
    """Replace one ticket field with a value given in words."""

    field: str
    value: str


@dataclass(frozen=True)
class AddAction:
    """Append one entry to actions taken."""

    value: str


@dataclass(frozen=True)
class SetSeverity:
    """Choose a severity level, by number or name."""

    level: SeverityLevel


@dataclass(frozen=True)
class BadSeverity:
    """A severity edit naming a level the framework does not have."""

    given: str


Edit = FieldEdit | AddAction | SetSeverity | BadSeverity


def parse_edit(text: str, framework: SeverityFramework) -> Edit | None:
    """The ticket edit a one-line message asks for, or None if it is not an edit."""
    if "\n" in text:
        return None  # a pasted description, not an edit
    line = text.strip()
    added = _ADD.match(line)
    if added:
        return AddAction(added.group("value").strip())
    for pattern in _PATTERNS:
        match = pattern.match(line)
        if match:
            field = _ALIAS_TO_FIELD[match.group("field").casefold()]
            value = match.group("value").strip().rstrip(".")
            return _severity(value, framework) if field == "severity" else FieldEdit(field, value)
    override = _OVERRIDE.match(line)
    if override:
        level = framework.find(_level_words(override.group("level")))
        return SetSeverity(level) if level else None
    return None


def parse_level(text: str, framework: SeverityFramework) -> SeverityLevel | None:
    """A level named on its own: "2", "sev 1", "Critical", "a 3", "severity-2"."""
    return framework.find(_level_words(text.casefold()))


def _severity(value: str, framework: SeverityFramework) -> Edit:
    level = framework.find(_level_words(value.casefold()))
    return SetSeverity(level) if level else BadSeverity(value)


def _level_words(text: str) -> str:
    words = text.strip().rstrip(".!").removeprefix("a ").removeprefix("an ")
    return words.removesuffix(" severity").removesuffix(" priority").strip()

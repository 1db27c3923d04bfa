"""Reading a ticket edit in words: "actually the account is Globex Inc", "make it a 2"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.domain import SeverityFramework, SeverityLevel, TicketDraft

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
    "customer_summary": ("customer line", "customer summary", "line for the customer"),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}
_ALIASES = "|".join(sorted(map(re.escape, _ALIAS_TO_FIELD), key=len, reverse=True))
_MARKER = (r"(?:(?:actually|actualy|acutally|no|sorry|correction|oops|wait|oh|my bad|hmm|ok|ah"
           r"|wrong one)\b[\s,:!.-]*)+")
# Plain "the issue is ..." is an answer, not an edit: an edit needs a marker, "should be",
# a colon, or "change/set X to".
_TEXTS = (
    rf"^{_MARKER}(?:the\s+)?(?P<field>{_ALIASES})\s+(?:is|was|should be|shud be|shld be)\s+"
    r"(?P<value>.+)$",
    rf"^(?:the\s+)?(?P<field>{_ALIASES})\s+(?:should be|shud be|shld be|should read|should say"
    r"|is now)\s+"
    r"(?P<value>.+)$",
    rf"^(?:{_MARKER})?(?:the\s+)?(?P<field>{_ALIASES})\s*(?::|=|->)\s*(?P<value>.+)$",
    # "csm is Ivo Brandt", "the customer success manager on it is Gustavo Lima": a name given
    # for another field than the one asked
    r"^(?:the\s+)?(?P<field>csm|customer success manager|account|acct)(?:\s+(?:on|for)\s+"
    r"(?:it|this|the account))?\s+is\s+(?P<value>\S+(?:\s+\S+){0,4}?)\.?$",
    rf"^(?:{_MARKER})?(?:change|set|update|correct|bump|raise|lower|drop|move)\s+(?:the\s+)?"
    rf"(?P<field>{_ALIASES})\s+to\s*:?\s*(?P<value>.+?)(?:\s+(?:actually|instead|please))?$",
)
_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in _TEXTS)
# "whats the account again? oh it's Initech Inc not Initech": a name put right by naming the
# value it replaces, whichever field holds that value
_NOT_THAT = re.compile(
    r"(?:^|[.?!,;]\s*|\b(?:oh|no|sorry|wait|actually)\b[\s,]*)(?:it'?s|its|it is|that'?s|should "
    r"be|i meant)\s+(?P<value>[^,.?!;]+?)\s*,?\s+not\s+(?P<old>[^,.?!;]+?)\s*[.!]*$",
    re.IGNORECASE,
)
NAMED_FIELDS = ("account", "csm", "escalation_owner")
_ADD = re.compile(
    r"^(?:also\s+)?(?:add|also)(?:\s+(?:an?|another)?\s*actions?(?:\s+taken)?)?\s*[:\-]\s*"
    r"(?P<value>.+)$", re.IGNORECASE
)
_OVERRIDE = re.compile(
    rf"^(?:please\s+)?(?:{_MARKER})?(?:make it|it'?s|it is|set it to|change it to|bump it to|"
    r"call it|make that|use|go with)\s+(?:actually\s+|really\s+|more like\s+)?(?:an?\s+)?"
    r"(?P<level>[^,;:.!]+?)(?:\s+please)?"
    # a reason may follow: "it's actually critical, they just said all calls fail now"
    r"(?:\s*[,;:.!]+\s*.*|\s+(?:because|since|as|now that)\b.*)?$",
    re.IGNORECASE,
)
# "ok sev 2 sounds right": the level on the table agreed to
_AGREED = re.compile(
    rf"^(?:{_MARKER})?(?:yes\s*,?\s*|yeah\s*,?\s*)?(?P<level>.+?)\s+(?:sounds|seems|looks|is|feels)"
    r"\s+(?:right|good|fine|correct|ok|okay|about right|spot on)\b[.!]*$",
    re.IGNORECASE,
)
# "remove the rate limit action", "delete action 2", "drop the last step"
_REMOVE = re.compile(
    rf"^(?:{_MARKER})?(?:please\s+)?(?:remove|delete|drop|take out|scrap|cross out)\s+(?:the\s+)?"
    r"(?:(?:action|step)\s+(?:#\s*)?(?P<number>\d+)|(?P<what>.+?)\s+(?:action|step|one|entry)"
    r"|(?:action|step)\s+(?:about|on|for)\s+(?P<about>.+?))\s*(?:please)?[.!]*$",
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
class RemoveAction:
    """Take one entry out of actions taken, by its number (from 1) or words it contains."""

    number: int | None
    words: str


@dataclass(frozen=True)
class SetSeverity:
    """Choose a severity level, by number or name."""

    level: SeverityLevel


@dataclass(frozen=True)
class BadSeverity:
    """A severity edit naming a level the framework does not have."""

    given: str


Edit = FieldEdit | AddAction | RemoveAction | SetSeverity | BadSeverity


def parse_edit(text: str, framework: SeverityFramework, ticket: TicketDraft | None = None
               ) -> Edit | None:
    """The ticket edit a one-line message asks for, or None if it is not an edit; `ticket`
    (the draft) lets "it's X not Y" put right the field that holds Y."""
    if "\n" in text:
        return None  # a pasted description, not an edit
    line = text.strip()
    replaced = _NOT_THAT.search(line) if ticket is not None else None
    if replaced and ticket is not None:
        old = replaced.group("old").strip().casefold()
        for name in NAMED_FIELDS:
            if str(getattr(ticket, name) or "").strip().casefold() == old:
                return FieldEdit(name, replaced.group("value").strip())
    added = _ADD.match(line)
    if added:
        return AddAction(added.group("value").strip())
    for pattern in _PATTERNS:
        match = pattern.match(line)
        if match:
            field = _ALIAS_TO_FIELD[match.group("field").casefold()]
            value = match.group("value").strip().rstrip(".")
            return _severity(value, framework) if field == "severity" else FieldEdit(field, value)
    removed = _REMOVE.match(line)
    if removed:
        number = removed.group("number")
        return RemoveAction(int(number) if number else None,
                            removed.group("what") or removed.group("about") or "")
    for pattern in (_OVERRIDE, _AGREED):
        override = pattern.match(line)
        level = framework.find(_level_words(override.group("level"))) if override else None
        if level is not None:
            return SetSeverity(level)
    return None


def removed_index(actions: list[str], edit: RemoveAction) -> int | None:
    """Which action an edit takes out: the numbered one, else the only one holding its words
    ("the rate limit action" -> "Raised their API rate limit")."""
    if edit.number is not None:
        return edit.number - 1 if 1 <= edit.number <= len(actions) else None
    if edit.words.casefold() in ("last", "latest"):
        return len(actions) - 1 if actions else None
    words = [w for w in re.findall(r"\w+", edit.words.casefold()) if w not in ("the", "a", "an")]
    found = [i for i, action in enumerate(actions)
             if words and all(re.search(rf"\b{re.escape(w)}", action.casefold()) for w in words)]
    return found[0] if len(found) == 1 else None


def parse_level(text: str, framework: SeverityFramework) -> SeverityLevel | None:
    """A level named on its own: "2", "sev 1", "Critical", "a 3", "severity-2"."""
    return framework.find(_level_words(text.casefold()))


def _severity(value: str, framework: SeverityFramework) -> Edit:
    level = framework.find(_level_words(value.casefold()))
    return SetSeverity(level) if level else BadSeverity(value)


def _level_words(text: str) -> str:
    words = text.strip().rstrip(".!").removeprefix("a ").removeprefix("an ")
    return words.removesuffix(" severity").removesuffix(" priority").strip()

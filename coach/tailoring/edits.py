"""Framework edits in words: "make severity 2 response 2 hours", "rename level 1 to P1", ..."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from coach.domain import (
    CoachError,
    CompanyProfile,
    Model,
    SeverityFramework,
    Text,
    hours_text,
    level_ref,
)
from coach.parsing.short_answers import parse_hours, scan
from coach.tailoring.validation import ProposalError, validate_proposal

EditKind = Literal["response", "owner", "add_example", "remove_example", "rename", "definition",
                   "review"]
_QUOTES = "'\"“”‘’`"
_VERB = r"(?:please\s+)?(?:make|set|change|update)?\s*(?:the\s+)?"
_RESPONSE = r"(?:first[\s-])?response(?:\s+time)?"
_EXAMPLES = r"(?:\s+examples?)?"
_REVIEW = r"(?:post-escalation\s+)?review"
_DAYS = r"(?P<value>\d{1,2})\s+(?:business\s+|working\s+)?days?"
NO_REVIEW = "none"
# The joining word must be a whole word: "definition total outage" keeps "total".
_IS = r"\s*(?:(?:to|is|should be|of|at|becomes)\b|=|:)?\s*"


class EditError(CoachError):
    """An edit that cannot be made; the message says why in plain words."""


class FrameworkEdit(Model):
    """One change to a framework, asked for in words; replayable after the rules run again."""

    kind: EditKind
    level: int
    value: Text

    def describe(self) -> str:
        """What the edit does, in words."""
        return {
            "response": f"Severity {self.level} response: {self.value}",
            "owner": f"Severity {self.level} owner: {self.value}",
            "add_example": f"Severity {self.level} example added: {self.value}",
            "remove_example": f"Severity {self.level} example removed: {self.value}",
            "rename": f"Level {self.level} renamed to {self.value}",
            "definition": f"Severity {self.level} definition: {self.value}",
            "review": f"Severity {self.level} review: " + (
                "none" if self.value == NO_REVIEW else f"within {self.value} working days"),
        }[self.kind]


def _patterns(level: str) -> list[tuple[EditKind, re.Pattern[str]]]:
    texts: list[tuple[EditKind, str]] = [
        ("response", rf"^{_VERB}{level}(?:'s)?\s+{_RESPONSE}{_IS}(?P<value>.+)$"),
        ("response", rf"^{_VERB}{_RESPONSE}\s+(?:for|of)\s+{level}{_IS}(?P<value>.+)$"),
        # "make sev 3 respond in 30 minutes": a level's response time, not a contract promise
        ("response", rf"^{_VERB}{level}\s+(?:should\s+)?(?:respond|responds|be answered)"
                     rf"\s+(?:in|within)\s+(?P<value>.+)$"),
        ("owner", rf"^{_VERB}{level}(?:'s)?\s+owner{_IS}(?:the\s+)?(?P<value>.+)$"),
        ("owner", rf"^make\s+(?:the\s+)?(?P<value>.+?)\s+(?:the\s+)?owner\s+(?:of|for)\s+{level}$"),
        ("owner", rf"^(?:the\s+)?(?P<value>[^,]+?)\s+(?:owns|should own|will own)\s+{level}$"),
        ("add_example", rf"^add\s+(?P<value>.+?)\s+(?:as|to)\s+(?:an?\s+)?"
                        rf"(?:example\s+(?:of|for)\s+)?{level}{_EXAMPLES}$"),
        ("remove_example",
         rf"^(?:remove|drop|delete)\s+(?P<value>.+?)\s+from\s+{level}{_EXAMPLES}$"),
        ("rename", rf"^(?:rename|call|name)\s+{level}\s+(?:to\s+|as\s+)?(?P<value>.+)$"),
        ("definition", rf"^{_VERB}{level}(?:'s)?\s+(?:definition|means){_IS}(?P<value>.+)$"),
        ("review", rf"^{_VERB}{level}(?:\s+escalations)?\s+(?:needs?|gets?|should\s+get|has)\s+"
                   rf"(?:a\s+)?{_REVIEW}\s+(?:within|in)\s+{_DAYS}$"),
        ("review", rf"^{_REVIEW}\s+(?:for\s+)?{level}(?:\s+escalations)?\s+(?:within|in)\s+"
                   rf"{_DAYS}$"),
        ("review", rf"^(?:no|skip\s+the)\s+{_REVIEW}\s+(?:for|on)\s+{level}(?:\s+escalations)?"
                   r"(?P<value>)$"),
        ("review", rf"^{level}(?:\s+escalations)?\s+(?:needs?|gets?)\s+no\s+{_REVIEW}(?P<value>)$"),
    ]
    return [(kind, re.compile(text, re.IGNORECASE)) for kind, text in texts]


def parse_framework_edit(text: str, framework: SeverityFramework) -> FrameworkEdit | None:
    """The framework edit a one-line message asks for; None if it is not one.

    A level that does not exist is an EditError, so the user hears why nothing changed.
    """
    line = " ".join(text.strip().rstrip(".!").split())
    if "\n" in text or not line:
        return None
    names = "|".join(re.escape(lvl.name) for lvl in framework.levels)
    level = rf"(?P<ref>{level_ref()}|{names})"
    for kind, pattern in _patterns(level):
        match = pattern.match(line)
        if match:
            found = framework.find(match.group("ref"))
            if found is None:
                raise EditError(_no_level(match.group("ref"), framework))
            value = match.group("value").strip().strip(_QUOTES).strip() or NO_REVIEW
            return FrameworkEdit(kind=kind, level=found.level, value=value)
    return None


def apply_edit(
    framework: SeverityFramework,
    edit: FrameworkEdit,
    profile: CompanyProfile,
    roles: dict[str, list[str]],
    extra_roles: Iterable[str] = (),
) -> SeverityFramework:
    """The framework with the edit made; EditError (framework unchanged) when it is not valid."""
    data = framework.model_dump()
    lvl = data["levels"][edit.level - 1]
    if edit.kind == "response":
        hours = parse_hours(edit.value)
        if hours is None:
            raise EditError(f"I couldn't read a time in \"{edit.value}\"; say e.g. \"2 hours\" "
                            "or \"30 minutes\". Nothing was changed.")
        _keeps_order(framework, edit.level, hours)
        lvl["response_hours"] = hours
    elif edit.kind == "owner":
        lvl["owner"] = canonical_owner(edit.value, roles)
    elif edit.kind == "add_example":
        lvl["examples"] = [*lvl["examples"], edit.value]
    elif edit.kind == "remove_example":
        lvl["examples"] = _without(lvl["examples"], edit.value, edit.level)
    elif edit.kind == "review":
        days = None if edit.value == NO_REVIEW else int(edit.value)
        if days is not None and not 1 <= days <= 60:
            raise EditError("A review is due 1 to 60 working days after resolution; the "
                            "framework stays as it was.")
        lvl["review_within_business_days"] = days
    elif edit.kind == "rename":
        lvl["name"] = edit.value
    else:
        lvl["definition"] = edit.value
    try:
        return validate_proposal(data, profile, extra_roles)
    except ProposalError as exc:
        problems = "; ".join(exc.problems).rstrip(".")
        raise EditError(f"I can't make that change: {problems}. "
                        "The framework stays as it was.") from exc


def _keeps_order(framework: SeverityFramework, level: int, hours: float) -> None:
    """EditError, with the reason and a valid choice, when a response time would make a
    level faster than a more severe one or slower than a less severe one."""
    graver = framework.find(level - 1)
    lighter = framework.find(level + 1)
    if graver is not None and hours < graver.response_hours:
        limit = hours_text(graver.response_hours)
        raise EditError(
            f"I can't make Severity {level} faster than Severity {graver.level} ({limit}): a "
            "less severe level never gets a quicker first response. Choose at least "
            f"{limit}, or speed up Severity {graver.level} first. The framework stays as it was.")
    if lighter is not None and hours > lighter.response_hours:
        limit = hours_text(lighter.response_hours)
        raise EditError(
            f"I can't make Severity {level} slower than Severity {lighter.level} ({limit}): a "
            "more severe level never waits longer for a first response. Choose at most "
            f"{limit}, or slow Severity {lighter.level} down first. The framework stays as it was.")


def canonical_owner(value: str, roles: dict[str, list[str]]) -> str:
    """"the director" -> "CS Director"; "Support Lead and Exec" -> "Support Lead + Executive"."""
    parts = re.split(r"\s*\+\s*|\s+and\s+|\s*&\s*", value)
    named = []
    for part in parts:
        hits = scan(part, roles)
        whole = hits and hits[0].end - hits[0].start >= len(part.strip().removeprefix("the ")) - 1
        named.append(hits[0].key if whole else part.strip())
    return " + ".join(dict.fromkeys(p for p in named if p))


def _without(examples: list[str], value: str, level: int) -> list[str]:
    kept = [e for e in examples if e.casefold() != value.casefold()]
    if len(kept) == len(examples):
        listed = "; ".join(examples)
        raise EditError(f"Severity {level} has no example \"{value}\"; its examples are: {listed}.")
    return kept


def _no_level(ref: str, framework: SeverityFramework) -> str:
    valid = ", ".join(f"{lvl.level} ({lvl.name})" for lvl in framework.levels)
    return f"There is no level \"{ref}\"; the levels are {valid}. Nothing was changed."


def edit_summary(before: SeverityFramework, after: SeverityFramework, level: int) -> str:
    """One line saying what changed at a level."""
    old, new = before.levels[level - 1], after.levels[level - 1]
    parts = []
    if old.name != new.name:
        parts.append(f"renamed {old.name} → {new.name}")
    if old.response_hours != new.response_hours:
        old_hours, new_hours = hours_text(old.response_hours), hours_text(new.response_hours)
        parts.append(f"response {old_hours} → {new_hours}")
    if old.owner != new.owner:
        parts.append(f"owner {old.owner} → {new.owner}")
    if old.examples != new.examples:
        parts.append("examples: " + "; ".join(new.examples))
    if old.definition != new.definition:
        parts.append(f"definition: {new.definition}")
    if old.review_within_business_days != new.review_within_business_days:
        days = new.review_within_business_days
        parts.append("review: " + (f"within {days} working days" if days else "none"))
    # Callers end the line with a full stop: a definition's own one would make "..".
    return f"Level {level}: " + (", ".join(parts) or "no change").rstrip(".")

"""Severity frameworks: levels 1..N with definitions, response times, owners and examples."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from coach.domain.base import CoachError, Model, Text, plain_error
from coach.domain.calendar import WorkCalendar
from coach.domain.integrations import Integrations, mapping_problems

_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBER = r"[1-9]|one|two|three|four|five|six"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
# Roman numerals in capitals, and a lone "I" only where no verb can follow: "severity I?"
_ROMAN_NUMBER = r"(?-i:II|III|IV|I(?=\s*(?:[?!),;]|$)))"
# "severity" as people type it: "sev", "sevirity", "sverity", "severty"
_SEVERITY = r"sev(?:erity|irity|rity|erty|eirty|ertiy|iarity)?|sverity|svrity"


def level_ref(group: str = "") -> str:
    """The one grammar for a level named by its number, used by every reader of the coach:
    "sev 2", "sev-2", "severity two", "Sev: 1", "level 4", "lvl 3", "priority 2", "P1", "S2",
    "p2s"; not "it's 2 days" (the apostrophe), "has 2 users" (a letter before the "s"),
    "low priority one" (a low-priority item) nor "an S3 bucket" (storage).
    A pattern to embed, the number captured as `group` when one is named."""
    number = f"(?P<{group}>{_NUMBER})" if group else f"(?:{_NUMBER})"
    roman = f"(?P<{group}_roman>{_ROMAN_NUMBER})" if group else _ROMAN_NUMBER
    return (rf"(?<![\w'’])(?<!low )(?<!high )(?<!top )(?<!medium )"  # "low priority one"
            rf"(?:(?:(?:{_SEVERITY}|priority|prio|pri|level|lvl)[ \t\-_#:]*"
            rf"|[ps][\-_#]?){number}s?(?![\w])(?!\s+(?:buckets?|storage|objects?|console)\b)"
            rf"|(?:{_SEVERITY}|level|priority)[ \t\-]+{roman}(?![\w]))")


LEVEL_REF = re.compile(level_ref("n"), re.IGNORECASE)


def level_number(token: str) -> int:
    """ "2" -> 2, "two" -> 2, "IV" -> 4 (a token LEVEL_REF captured)."""
    if token in _ROMAN:
        return _ROMAN[token]
    token = token.casefold()
    return int(token) if token.isdigit() else _WORD_NUMBERS[token]


def matched_level(match: re.Match[str], group: str = "n") -> int:
    """The level a LEVEL_REF match (or an embedded `level_ref(group)`) names."""
    groups = match.groupdict()
    return level_number(groups[group] or groups[f"{group}_roman"])


def parse_level_number(text: str) -> int | None:
    """Read a level number from "sev 1", "S2", "P3", "level four", "2"; None if it is not one."""
    text = text.strip()
    match = LEVEL_REF.fullmatch(text) or re.fullmatch(rf"(?P<n>{_NUMBER})", text, re.I)
    return matched_level(match) if match else None


DEFAULT_REVIEW_DAYS = {1: 3, 2: 5}


class SeverityLevel(Model):
    """One severity level: what it means, how fast we respond and who owns it."""

    level: int = Field(ge=1, description="Level number; 1 is the most severe.")
    name: Text = Field(description='Short name, e.g. "Critical".')
    definition: Text = Field(description="What makes an escalation this severe.")
    response_hours: float = Field(description="Time to first response, in hours.")
    owner: Text = Field(description="Role that owns escalations at this level.")
    examples: list[Text] = Field(description="Typical situations at this level.")
    coverage: Literal["business-hours", "24x7"] | None = Field(
        default=None, description="Whether this level's clocks count only working hours "
        '(the calendar\'s) or all hours; unset: "24x7" for level 1, else "business-hours".')
    update_every_hours: float | None = Field(
        default=None, gt=0, description="How often the customer hears from us while it is "
        "open; unset: the coach's default for the level.")
    resolve_within_hours: float | None = Field(
        default=None, gt=0, description="The resolution target; unset: the coach's default.")
    review_within_business_days: int | None = Field(
        default=None, ge=1, le=60, description="Working days after resolution by which the "
        "post-escalation review is due; null: no review (the monthly trend review covers "
        "it). Left out: 3 for level 1, 5 for level 2, none below.")

    @field_validator("response_hours")
    @classmethod
    def _positive_hours(cls, value: float) -> float:
        if not value > 0:
            raise plain_error(
                "response_hours",
                "response time must be more than 0 hours; give the first-response time "
                "in hours, e.g. 4 or 0.5",
            )
        return value

    @field_validator("examples")
    @classmethod
    def _has_examples(cls, value: list[str]) -> list[str]:
        if not value:
            raise plain_error("examples", "add at least one example situation for this level")
        return value


class SeverityFramework(Model):
    """A complete set of severity levels, numbered 1..N from most to least severe."""

    name: Text = Field(description="Name of this framework.")
    levels: list[SeverityLevel] = Field(description="3 to 6 levels, numbered 1..N.")
    timezone: str | None = Field(
        default=None, description='The IANA zone the team works in (e.g. "America/New_York"); '
        "deadlines read from tickets use it.")
    calendar: WorkCalendar | None = Field(
        default=None, description="Working hours and holidays for business-hours clocks; "
        "unset: Monday to Friday 09:00-17:00 in `timezone`.")
    integrations: Integrations | None = Field(
        default=None, description="Each hand-off tool's priority per level; unset: the "
        "defaults for levels 1-4.")

    @model_validator(mode="after")
    def _check_invariants(self) -> SeverityFramework:
        for lvl in self.levels:  # the review's default where a level leaves it out
            if "review_within_business_days" not in lvl.model_fields_set:
                lvl.review_within_business_days = DEFAULT_REVIEW_DAYS.get(lvl.level)
        problems = framework_problems(self.levels)
        if self.integrations is not None and self.integrations.priority:
            problems += mapping_problems(self.integrations, [lvl.level for lvl in self.levels])
        if problems:
            # One error carrying every problem, one per line: describe_errors splits them.
            raise plain_error("levels", "\n".join(problems))
        return self

    def find(self, ref: int | str) -> SeverityLevel | None:
        """The level named by a number or words like "Critical", "sev 1", "S1", "P1", "high"."""
        if isinstance(ref, int):
            number: int | None = ref
        else:
            key = " ".join(ref.strip().casefold().split())
            for lvl in self.levels:
                if lvl.name.casefold() == key:
                    return lvl
            number = parse_level_number(key)
        if number is not None and 1 <= number <= len(self.levels):
            return self.levels[number - 1]
        return None

    def level(self, ref: int | str) -> SeverityLevel:
        """Like find(), but an unknown reference is an error that lists the valid ones."""
        found = self.find(ref)
        if found is None:
            valid = ", ".join(f"{lvl.level} ({lvl.name})" for lvl in self.levels)
            raise UnknownLevelError(f"no severity level {ref!r}; valid levels are {valid}")
        return found


def framework_problems(levels: list[SeverityLevel]) -> list[str]:
    """Every broken framework invariant, in plain words."""
    count = len(levels)
    problems = []
    if not 3 <= count <= 6:
        problems.append(f"a framework needs 3 to 6 levels; this one has {count}")
    numbers = [lvl.level for lvl in levels]
    if numbers != list(range(1, count + 1)):
        shown = ", ".join(map(str, numbers))
        problems.append(f"levels must be numbered 1 to {count} in order with no gaps; got {shown}")
    names = [lvl.name.casefold() for lvl in levels]
    duplicates = sorted({lvl.name for lvl in levels if names.count(lvl.name.casefold()) > 1})
    if duplicates:
        repeated = ", ".join(f'"{name}"' for name in duplicates)
        problems.append(f"level names must be unique; rename the repeated name {repeated}")
    for higher, lower in zip(levels, levels[1:], strict=False):
        if lower.response_hours < higher.response_hours:
            problems.append(
                f"level {lower.level} ({lower.response_hours:g}h) may not respond faster than the "
                f"more severe level {higher.level} ({higher.response_hours:g}h); make its "
                "response time the same or longer")
    return problems


class UnknownLevelError(CoachError, KeyError):
    """A severity level reference that the framework does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


def hours_text(hours: float) -> str:
    """4.0 -> "4 hours", 0.5 -> "30 minutes", 1 -> "1 hour"."""
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def framework_markdown(framework: SeverityFramework) -> str:
    """The framework as a Markdown table."""
    rows = [
        f"**{framework.name}**",
        "",
        "| Level | Name | Definition | Response | Owner | Examples |",
        "|---|---|---|---|---|---|",
    ]
    for lvl in framework.levels:
        examples = "; ".join(lvl.examples)
        rows.append(
            f"| {lvl.level} | {lvl.name} | {lvl.definition} | {hours_text(lvl.response_hours)} "
            f"| {lvl.owner} | {examples} |"
        )
    return "\n".join(rows)

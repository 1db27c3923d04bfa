"""Tailoring rules as data: a condition on the profile, a change, and its explanation."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from coach.domain import (
    CompanyProfile,
    Concern,
    Coverage,
    Model,
    Segment,
    Stage,
    Text,
    hours_text,
)
from coach.parsing.short_answers import owner_parts
from coach.tailoring.guide import Guide, load_content


class Condition(Model):
    """When a rule applies; every key that is set must hold."""

    stage_in: list[Stage] | None = None
    coverage_in: list[Coverage] | None = None
    primary_segment: Segment | None = None
    concerns_include: list[Concern] | None = None
    has_contract_slas: bool | None = None
    team_size_at_most: int | None = None
    escalations_at_least: int | None = None
    has_weekend_levels: bool | None = None
    weekend_staffed: int | None = None
    """Holds when this level is worked at weekends: no weekend limit was stated, or it is one
    of the levels the weekend covers."""

    def holds(self, p: CompanyProfile) -> bool:
        """Whether the profile meets every part of the condition."""
        concerns, size, volume = set(p.critical_concerns), p.cs_team_size, p.monthly_escalations
        tests = [
            self.stage_in is None or p.stage in self.stage_in,
            self.coverage_in is None or p.coverage in self.coverage_in,
            self.primary_segment is None or p.segments[:1] == [self.primary_segment],
            self.concerns_include is None or bool(set(self.concerns_include) & concerns),
            self.has_contract_slas is None or bool(p.contractual_slas) == self.has_contract_slas,
            self.team_size_at_most is None or (size is not None and size <= self.team_size_at_most),
            self.escalations_at_least is None
            or (volume is not None and volume >= self.escalations_at_least),
            self.has_weekend_levels is None or bool(p.weekend_levels) == self.has_weekend_levels,
            self.weekend_staffed is None or not p.weekend_levels
            or self.weekend_staffed in p.weekend_levels,
        ]
        return all(tests)


class ChangeSpec(Model):
    """What a rule does, per seed level number."""

    owners: dict[int, list[Text]] = Field(default_factory=dict)
    meet_contracts: bool = False
    response: dict[int, float] = Field(default_factory=dict)
    note: dict[int, Text] = Field(default_factory=dict)
    unstaffed_note: Text | None = Field(
        default=None, description="A sentence added to every level the weekend does not cover.")
    examples: dict[int, list[Text]] = Field(default_factory=dict)
    add_examples: dict[int, list[Text]] = Field(default_factory=dict)


class Rule(Model):
    """One tailoring rule from knowledge/tailoring_rules.yaml."""

    id: Text
    when: Condition
    change: ChangeSpec
    explain: Text
    knock_on: Text | None = None


class NameTemplates(Model):
    """How a tailored framework is named."""

    with_stage: Text
    without_stage: Text


class RuleBook(Model):
    """knowledge/tailoring_rules.yaml."""

    name: NameTemplates
    implied_roles: dict[Stage, list[Text]] = Field(default_factory=dict)
    rules: list[Rule] = Field(min_length=1)


class Change(Model):
    """One change a rule made, with the explanation shown to the user."""

    rule: str
    level: int
    field: Literal["owner", "response_hours", "definition", "examples"]
    before: str
    after: str
    why: str


@lru_cache(maxsize=4)
def load_rules(knowledge_dir: Path) -> RuleBook:
    """Read and validate knowledge/tailoring_rules.yaml (once per directory)."""
    return load_content(knowledge_dir / "tailoring_rules.yaml", RuleBook)


def extra_roles(profile: CompanyProfile, guide: Guide, book: RuleBook) -> list[str]:
    """Roles that exist whatever the profile lists: always-available ones and the stage's."""
    implied = book.implied_roles.get(profile.stage, []) if profile.stage else []
    return [*guide.always_available, *implied]


def framework_name(profile: CompanyProfile, book: RuleBook) -> str:
    """The tailored framework's name."""
    if profile.stage is None:
        return book.name.without_stage
    stage = profile.stage.replace("-", " ").title()
    template = re.sub(r"\b([Aa])(n?) (?=\{stage\})",
                      lambda m: m.group(1) + ("n" if stage[:1] in "AEIOU" else "") + " ",
                      book.name.with_stage)
    return template.format(stage=stage)


def at_1730(hours: float) -> str:
    """When a response is due for an issue reported at 17:30: "18:30", "17:30 the next day"."""
    start = datetime(2000, 1, 3, 17, 30)
    due = start + timedelta(hours=hours)
    days = (due.date() - start.date()).days
    clock = due.strftime("%H:%M")
    if days == 0:
        return clock
    return f"{clock} the next day" if days == 1 else f"{clock} {days} days later"


def missing_parts(owner: str, roles: set[str] | None) -> list[str]:
    """The parts of an owner that are not roles the company has."""
    if roles is None:
        return []
    return [p for p in owner_parts(owner) if p.casefold() not in roles]


def describe_hours(hours: float) -> str:
    """Hours as the explanation says them."""
    return hours_text(hours)

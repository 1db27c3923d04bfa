"""The changes a tailoring rule can make to a framework, each recorded with its explanation."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from coach.domain import CompanyProfile, SeverityFramework
from coach.parsing.deadlines import zone_name
from coach.tailoring.calendar import calendar_for, level_coverage
from coach.tailoring.guide import Guide
from coach.tailoring.rules import (
    Change,
    Rule,
    RuleBook,
    at_1730,
    describe_hours,
    extra_roles,
    framework_name,
    missing_parts,
)


class _Blank(defaultdict[str, str]):
    """Placeholders a rule's text uses but this change does not fill stay visible."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Workbench:
    """A framework (as data) being changed by rules, and the changes made so far."""

    rule: Rule

    def __init__(
        self, data: dict[str, Any], profile: CompanyProfile, roles: set[str] | None
    ) -> None:
        self.data = data
        self.profile = profile
        self.roles = roles
        self.changes: list[Change] = []

    def level(self, number: int) -> dict[str, Any] | None:
        """The level's data, or None when the framework has no such level."""
        levels: list[dict[str, Any]] = self.data["levels"]
        return levels[number - 1] if 1 <= number <= len(levels) else None

    def run(self, rule: Rule) -> None:
        """Apply every part of one rule."""
        self.rule = spec = rule
        for number, candidates in spec.change.owners.items():
            self._owner(number, candidates)
        if spec.change.meet_contracts:
            for sla in sorted(self.profile.contractual_slas, key=lambda s: s.severity):
                self._tighten(sla.severity, sla.response_hours)
        for number, hours in spec.change.response.items():
            self._tighten(number, hours)
        for number, note in spec.change.note.items():
            self._note(number, note)
        if spec.change.unstaffed_note and self.profile.weekend_levels:
            for number in range(1, len(self.data["levels"]) + 1):
                if number not in self.profile.weekend_levels:
                    self._note(number, spec.change.unstaffed_note)
        for number, examples in spec.change.examples.items():
            self._examples(number, list(examples))
        for number, examples in spec.change.add_examples.items():
            lvl = self.level(number)
            if lvl is not None:
                self._examples(number, list(dict.fromkeys([*lvl["examples"], *examples])))

    def _owner(self, number: int, candidates: list[str]) -> None:
        lvl = self.level(number)
        if lvl is None or self.roles is None or not missing_parts(lvl["owner"], self.roles):
            return
        chosen = next((c for c in candidates if not missing_parts(c, self.roles)), None)
        if chosen is not None:
            missing = " or ".join(missing_parts(lvl["owner"], self.roles))
            self._record(number, "owner", lvl["owner"], chosen, missing=missing)

    def _tighten(self, number: int, hours: float, knock_on: bool = False) -> None:
        lvl = self.level(number)
        if lvl is None or lvl["response_hours"] <= hours:
            return
        before = lvl["response_hours"]
        lvl["response_hours"] = hours
        text = self.rule.knock_on if knock_on and self.rule.knock_on else self.rule.explain
        self._log(number, "response_hours", describe_hours(before), describe_hours(hours), text)
        # A more severe level may never be slower, so it follows the tightened one.
        self._tighten(number - 1, hours, knock_on=True)

    def _note(self, number: int, note: str) -> None:
        lvl = self.level(number)
        if lvl is None:
            return
        sentence = self._fill(note, number, lvl)
        if sentence not in lvl["definition"]:
            after = f"{lvl['definition'].rstrip('.')}. {sentence}"
            self._record(number, "definition", lvl["definition"], after)

    def _examples(self, number: int, examples: list[str]) -> None:
        lvl = self.level(number)
        if lvl is not None and examples != lvl["examples"]:
            self._record(number, "examples", "; ".join(lvl["examples"]), "; ".join(examples),
                         value=examples)

    def _record(self, number: int, field: str, before: str, after: str, value: Any = None,
                **extra: str) -> None:
        lvl = self.level(number)
        assert lvl is not None  # callers looked the level up first
        lvl[field] = after if value is None else value
        self._log(number, field, before, after, self.rule.explain, **extra)

    def _log(
        self, number: int, field: str, before: str, after: str, text: str, **extra: str
    ) -> None:
        lvl = self.level(number)
        assert lvl is not None
        why = self._fill(text, number, lvl, before=before, after=after, **extra)
        self.changes.append(Change(rule=self.rule.id, level=number, field=field,
                                   before=before, after=after, why=why))

    def _fill(self, text: str, number: int, lvl: dict[str, Any], **extra: str) -> str:
        p = self.profile
        values = _Blank(str, {
            "level": str(number), "name": lvl["name"],
            "coverage": (p.coverage or "").replace("-", " "),
            "timezone": zone_name(p.timezone) if p.timezone else "your time zone",
            "at_1730": at_1730(lvl["response_hours"]),
            "escalations": str(p.monthly_escalations), "team_size": str(p.cs_team_size),
            "weekend_levels": _levels_words(p.weekend_levels),
            **extra,
        })
        return " ".join(text.format_map(values).split())


def apply_rules(
    seed: SeverityFramework, profile: CompanyProfile, guide: Guide, book: RuleBook
) -> tuple[dict[str, Any], list[Change]]:
    """The seed changed by every rule whose condition holds (unvalidated data) and the changes."""
    bench = Workbench(seed.model_dump(), profile, _roles(profile, guide, book))
    for rule in book.rules:
        if rule.when.holds(profile):
            bench.run(rule)
    bench.data["name"] = framework_name(profile, book)
    bench.data["timezone"] = profile.timezone  # saved with the framework, for later deadlines
    calendar = calendar_for(profile)
    if calendar is not None:  # clocks count the company's working hours and holidays
        bench.data["calendar"] = calendar.model_dump(mode="json")
        for lvl in bench.data["levels"]:
            lvl["coverage"] = level_coverage(profile, lvl["level"])
    return bench.data, bench.changes


def _roles(profile: CompanyProfile, guide: Guide, book: RuleBook) -> set[str] | None:
    if not profile.cs_roles:
        return None
    return {r.casefold() for r in [*profile.cs_roles, *extra_roles(profile, guide, book)]}


def _levels_words(levels: list[int]) -> str:
    """[1] -> "Severity 1"; [1, 2] -> "Severity 1 and 2"."""
    numbers = [str(n) for n in sorted(levels)]
    if len(numbers) < 2:
        return f"Severity {''.join(numbers)}"
    return f"Severity {', '.join(numbers[:-1])} and {numbers[-1]}"

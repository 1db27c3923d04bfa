"""The tailoring conversation's logic, without replies: what is known, what to ask, the proposal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pydantic import Field

from coach.content.frameworks import seed_framework
from coach.domain import CompanyProfile, Model, SeverityFramework
from coach.parsing.deadlines import iana_zone
from coach.parsing.short_answers import owner_parts, scan
from coach.tailoring.edits import EditError, FrameworkEdit, apply_edit
from coach.tailoring.guide import (
    ESSENTIAL,
    Choice,
    Guide,
    Question,
    QuestionKey,
    load_guide,
)
from coach.tailoring.operations import apply_rules
from coach.tailoring.profile_parser import Understood, understand
from coach.tailoring.rules import Change, RuleBook, extra_roles, load_rules
from coach.tailoring.validation import validate_proposal


class TailorState(Model):
    """The tailor mode's private state, kept in `session.data("tailor")`."""

    answered: list[QuestionKey] = Field(default_factory=list)
    skipped: list[QuestionKey] = Field(default_factory=list)
    absent_roles: list[str] = Field(default_factory=list)
    edits: list[FrameworkEdit] = Field(default_factory=list, description="Replayed on re-proposal.")
    changes: list[Change] = Field(default_factory=list, description="What the rules changed.")
    accepted: bool = False
    unsure_zone: str | None = Field(
        default=None, description='A zone abbreviation that names several ("IST"), to ask about.')


@dataclass(frozen=True)
class Proposal:
    """A valid tailored framework, the rule changes that made it, and edits that no longer fit."""

    framework: SeverityFramework
    changes: list[Change]
    dropped: list[str]


@dataclass(frozen=True)
class Workshop:
    """Tailoring content from knowledge/ and the operations on a profile and state."""

    guide: Guide
    book: RuleBook
    seed: SeverityFramework

    @classmethod
    def load(cls, knowledge_dir: Path) -> Workshop:
        """Read the questions, the rules and the seed framework."""
        seed = seed_framework(knowledge_dir)
        return cls(load_guide(knowledge_dir), load_rules(knowledge_dir), seed)

    def absorb(self, profile: CompanyProfile, state: TailorState,
               heard: Understood) -> tuple[CompanyProfile, list[QuestionKey]]:
        """The profile with what an answer said; the questions it answered."""
        data = profile.model_dump()
        data.update(heard.fields)
        said_zone = str(heard.fields.get("timezone") or "").strip().casefold()
        if said_zone in self.guide.ambiguous_zones:  # "IST" from a model's reading: ask
            heard.unsure_zone, heard.answered = said_zone, heard.answered - {"timezone"}
        elif data.get("timezone"):  # "ET", "eastern", "New York" -> "America/New_York"
            data["timezone"] = self.zone(data["timezone"])
        # Roles add up over answers ("we also have a support lead"); "no X" takes one away.
        absent = set(heard.absent_roles)
        gained = set(heard.fields.get("cs_roles", []))
        state.absent_roles = [r for r in dict.fromkeys([*state.absent_roles, *absent])
                              if r not in gained]
        roles = [*profile.cs_roles, *heard.fields.get("cs_roles", [])]
        data["cs_roles"] = [r for r in dict.fromkeys(roles) if r not in absent]
        if heard.team_added:
            data["cs_team_size"] = (profile.cs_team_size or 0) + heard.team_added
        for key in heard.answered:
            _add(state.answered, key)
            state.skipped = [k for k in state.skipped if k != key]
        if heard.unsure_zone and "timezone" not in heard.answered:
            state.unsure_zone = heard.unsure_zone  # "IST": asked which one is meant
            state.answered = [k for k in state.answered if k != "timezone"]
            data["timezone"] = None
        elif "timezone" in heard.answered:
            state.unsure_zone = None
        return CompanyProfile.model_validate(data), sorted(heard.answered)

    def zone(self, said: str) -> str:
        """The IANA zone a team's time zone names, read with the interview's vocabulary."""
        named = scan(said, self.guide.timezones)
        return iana_zone(named[0].key if named else said)

    def describes_company(self, text: str, facts: int = 2) -> bool:
        """Whether free text is about the company: it answers `facts` questions or more."""
        return len(self.answered_by(text)) >= facts

    def answered_by(self, text: str) -> list[QuestionKey]:
        """The questions free text answers, in the guide's order."""
        answered = understand(text, self.guide).answered - {"timezone"}  # part of coverage
        return [q.key for q in self.guide.questions if q.key in answered]

    def skip(self, profile: CompanyProfile, state: TailorState, key: QuestionKey) -> CompanyProfile:
        """Mark a question skipped; a skipped roles question falls back to the seed's roles."""
        _add(state.skipped, key)
        if key == "roles" and not profile.cs_roles and state.absent_roles:
            seed_roles = [p for lvl in self.seed.levels for p in owner_parts(lvl.owner)]
            kept = [r for r in dict.fromkeys(seed_roles) if r not in state.absent_roles]
            return profile.model_copy(update={"cs_roles": kept})
        return profile

    def choose(self, profile: CompanyProfile, state: TailorState, key: QuestionKey,
               choice: str) -> CompanyProfile:
        """A quick-reply button pressed for the question being asked."""
        field, value = _CHOICE_FIELDS[key], cast(object, choice)
        current = getattr(profile, field)
        if key == "timezone":  # "us-eastern" -> "America/New_York"
            value = self.zone(choice.replace("-", " "))
            state.unsure_zone = None
        elif key == "slas":
            value = []
        elif isinstance(current, list):
            value = [*current, choice] if choice not in current else current
        _add(state.answered, key)
        return CompanyProfile.model_validate({**profile.model_dump(), field: value})

    def next_question(self, state: TailorState, profile: CompanyProfile) -> Question | None:
        """The first question neither answered nor skipped; the time zone only for business or
        extended hours when none is known."""
        done = {*state.answered, *state.skipped}
        if profile.coverage not in ("business-hours", "extended-hours") or profile.timezone:
            done.add("timezone")
        key = next((q.key for q in self.guide.questions if q.key not in done), None)
        return self.question(key, state) if key else None

    def question(self, key: QuestionKey, state: TailorState) -> Question | None:
        """A question as asked now: after an ambiguous zone ("IST"), the time zone question
        says so and offers the zones it may name."""
        question = self.guide.question(key)
        if question is None or key != "timezone" or not state.unsure_zone:
            return question
        meant = self.guide.ambiguous_zones.get(state.unsure_zone, [])
        choices = [Choice(id=_choice_id(zone), label=zone) for zone in meant]
        return question.model_copy(update={
            "text": f'"{state.unsure_zone.upper()}" names more than one time zone. '
                    f"{question.text}",
            "choices": choices or question.choices})

    def ready(self, state: TailorState) -> bool:
        """Whether stage, roles and coverage are known (or skipped), so a proposal can be made."""
        return all(k in state.answered or k in state.skipped for k in ESSENTIAL)

    def propose(self, profile: CompanyProfile, state: TailorState) -> Proposal:
        """The seed tailored by the rules, then the user's edits replayed; always valid."""
        data, changes = apply_rules(self.seed, profile, self.guide, self.book)
        framework = validate_proposal(data, profile, self.extra(profile))
        kept, dropped = [], []
        for edit in state.edits:
            try:
                framework = self.edit(framework, edit, profile)
                kept.append(edit)
            except EditError as exc:
                dropped.append(f"{edit.describe()} ({exc})")
        state.edits, state.changes = kept, changes
        return Proposal(framework, changes, dropped)

    def edit(self, framework: SeverityFramework, edit: FrameworkEdit,
             profile: CompanyProfile) -> SeverityFramework:
        """Apply one edit with the profile as the owner check's context."""
        return apply_edit(framework, edit, profile, self.guide.owner_aliases(), self.extra(profile))

    def extra(self, profile: CompanyProfile) -> list[str]:
        """Roles that exist whatever the profile lists."""
        return extra_roles(profile, self.guide, self.book)


_CHOICE_FIELDS: dict[str, str] = {
    "stage": "stage", "segments": "segments", "coverage": "coverage", "timezone": "timezone",
    "slas": "contractual_slas", "concerns": "critical_concerns",
}


def _add(keys: list[QuestionKey], key: QuestionKey) -> None:
    if key not in keys:
        keys.append(key)


def _choice_id(label: str) -> str:
    """ "US Central" -> "us-central": what pressing the button types."""
    return "-".join(label.casefold().split())

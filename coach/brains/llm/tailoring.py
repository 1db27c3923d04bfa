"""The model's side of tailoring: what it returns, and how that becomes our own types."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, model_validator

from coach.brains.llm.outputs import context_value
from coach.domain import (
    CompanyProfile,
    Concern,
    ContractualSLA,
    Coverage,
    Model,
    Segment,
    SeverityFramework,
    Stage,
    plain_error,
)
from coach.tailoring.edits import EditKind, FrameworkEdit
from coach.tailoring.profile_parser import Understood
from coach.tailoring.reading import QUESTION_OF, TailorReading
from coach.tailoring.rules import Change
from coach.tailoring.validation import ProposalError, validate_proposal


class LLMEdit(Model):
    """A change to one level of the framework."""

    kind: EditKind = Field(description="What to change: response time, owner, examples, name...")
    level: int = Field(description="The number of the level to change.")
    value: str = Field(description="The new value, e.g. '2 hours', 'VP of CS', an example.")


class LLMProfile(Model):
    """What an answer says about the company; null or empty where it says nothing."""

    stage: Stage | None = Field(default=None, description="The company's funding stage.")
    segments: list[Segment] = Field(
        default_factory=list, description="The customer segments it serves."
    )
    customer_count: int | None = Field(default=None, ge=0, description="How many customers.")
    cs_team_size: int | None = Field(
        default=None, ge=0, description="How many people work in customer success."
    )
    cs_roles: list[str] = Field(default_factory=list, description="CS roles that exist.")
    absent_roles: list[str] = Field(default_factory=list, description="Roles said not to exist.")
    coverage: Coverage | None = Field(default=None, description="The hours support is staffed.")
    timezone: str | None = Field(default=None, description="The team's time zone, e.g. CET.")
    contractual_slas: list[ContractualSLA] = Field(
        default_factory=list, description="First-response times promised in contracts."
    )
    critical_concerns: list[Concern] = Field(
        default_factory=list, description="What hurts customers most when it fails."
    )
    monthly_escalations: int | None = Field(
        default=None, ge=0, description="Escalations in a typical month."
    )


class LLMTailorTurn(Model):
    """Either an edit of the framework, or answers about the company."""

    edit: LLMEdit | None = Field(default=None, description="A change asked for, else null.")
    profile: LLMProfile | None = Field(
        default=None, description="What the text says about the company, else null."
    )

    @model_validator(mode="after")
    def _edits_a_level_of_the_framework(self, info: ValidationInfo) -> LLMTailorTurn:
        framework = context_value(info, "framework", SeverityFramework)
        if framework and self.edit is not None and framework.find(self.edit.level) is None:
            levels = [lvl.level for lvl in framework.levels]
            raise plain_error("edit", f"edit.level must be one of {levels}")
        return self


class LLMLevelWording(Model):
    """New wording for one level, and why it fits the company."""

    level: int = Field(description="The number of the level reworded.")
    definition: str = Field(description="The level's definition in the company's terms.")
    examples: list[str] = Field(
        min_length=1, description="Situations at this level, as the company would meet them."
    )
    why: str = Field(description="Why this wording fits the company, in one sentence.")


class LLMRefinement(Model):
    """Wording changes for some levels; owners and response times are not the model's to set."""

    levels: list[LLMLevelWording] = Field(
        default_factory=list, description="Only the levels whose wording changes."
    )

    @model_validator(mode="after")
    def _keeps_a_valid_proposal(self, info: ValidationInfo) -> LLMRefinement:
        framework = context_value(info, "framework", SeverityFramework)
        profile = context_value(info, "profile", CompanyProfile)
        extra_roles = context_value(info, "extra_roles", list)
        if framework is None or profile is None or extra_roles is None:
            return self
        try:
            validate_proposal(reworded(framework, self)[0], profile, extra_roles)
        except ProposalError as exc:
            raise plain_error("levels", "\n".join(exc.problems)) from None
        return self


def to_reading(out: LLMTailorTurn) -> TailorReading:
    """Our reading of the turn, validated against CompanyProfile."""
    if out.edit is not None:
        return TailorReading(edit=FrameworkEdit.model_validate(out.edit.model_dump()))
    if out.profile is None:
        return TailorReading()
    said = {
        k: v
        for k, v in out.profile.model_dump(exclude={"absent_roles"}).items()
        if v not in (None, "", [])
    }
    CompanyProfile.model_validate(said)
    heard = Understood(fields=said, absent_roles=list(out.profile.absent_roles))
    heard.answered = {QUESTION_OF[name] for name in said}
    if heard.absent_roles:
        heard.answered.add("roles")
    return TailorReading(heard=heard)


def reworded(
    framework: SeverityFramework, out: LLMRefinement
) -> tuple[SeverityFramework, list[Change]]:
    """The framework with the model's wording, and one explained change per field it changed."""
    data = framework.model_dump()
    changes: list[Change] = []
    for wording in out.levels:
        level = framework.find(wording.level)
        if level is None:
            continue
        slot = data["levels"][level.level - 1]
        for name, after in (("definition", wording.definition), ("examples", wording.examples)):
            before = getattr(level, name)
            if after != before:
                slot[name] = after
                changes.append(
                    Change(
                        rule="llm-wording",
                        level=level.level,
                        field=name,
                        before=_text(before),
                        after=_text(after),
                        why=wording.why,
                    )
                )
    return SeverityFramework.model_validate(data), changes


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "; ".join(value)

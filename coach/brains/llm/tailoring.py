"""The model's side of tailoring: what it returns, and how that becomes our own types."""

from __future__ import annotations

from pydantic import Field

from coach.domain import (
    CompanyProfile,
    Concern,
    ContractualSLA,
    Coverage,
    Model,
    Segment,
    SeverityFramework,
    Stage,
)
from coach.tailoring.edits import EditKind, FrameworkEdit
from coach.tailoring.profile_parser import Understood
from coach.tailoring.reading import QUESTION_OF, TailorReading
from coach.tailoring.rules import Change


class LLMEdit(Model):
    """A change to one level of the framework."""

    kind: EditKind
    level: int
    value: str


class LLMProfile(Model):
    """What an answer says about the company; null or empty where it says nothing."""

    stage: Stage | None = None
    segments: list[Segment] = Field(default_factory=list)
    customer_count: int | None = Field(default=None, ge=0)
    cs_team_size: int | None = Field(default=None, ge=0)
    cs_roles: list[str] = Field(default_factory=list, description="CS roles that exist.")
    absent_roles: list[str] = Field(default_factory=list, description="Roles said not to exist.")
    coverage: Coverage | None = None
    timezone: str | None = None
    contractual_slas: list[ContractualSLA] = Field(default_factory=list)
    critical_concerns: list[Concern] = Field(default_factory=list)
    monthly_escalations: int | None = Field(default=None, ge=0)


class LLMTailorTurn(Model):
    """Either an edit of the framework, or answers about the company."""

    edit: LLMEdit | None = None
    profile: LLMProfile | None = None


class LLMLevelWording(Model):
    """New wording for one level, and why it fits the company."""

    level: int
    definition: str
    examples: list[str] = Field(min_length=1)
    why: str


class LLMRefinement(Model):
    """Wording changes for some levels; owners and response times are not the model's to set."""

    levels: list[LLMLevelWording] = Field(default_factory=list)


def check_turn(out: LLMTailorTurn, framework: SeverityFramework) -> list[str]:
    """Plain-word problems with a tailoring reading."""
    if out.edit is not None and framework.find(out.edit.level) is None:
        return [f"edit.level must be one of {[lvl.level for lvl in framework.levels]}"]
    return []


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

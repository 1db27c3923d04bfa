"""Pydantic models: the contract every other part of the coach speaks."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Model(BaseModel):
    """Base for every schema: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _plain(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


# --- Severity framework -------------------------------------------------------------------

_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_LEVEL_REF = re.compile(
    r"^(?:sev(?:erity)?|s|p|priority|level|lvl|l)?[\s\-_#]*(\d|one|two|three|four|five|six)$"
)


def parse_level_number(text: str) -> int | None:
    """Read a level number from "sev 1", "S2", "P3", "level four", "2"; None if it is not one."""
    match = _LEVEL_REF.match(text.strip().lower())
    if not match:
        return None
    token = match.group(1)
    return int(token) if token.isdigit() else _WORD_NUMBERS[token]


class SeverityLevel(Model):
    """One severity level: what it means, how fast we respond and who owns it."""

    level: int = Field(ge=1, description="Level number; 1 is the most severe.")
    name: Text = Field(description='Short name, e.g. "Critical".')
    definition: Text = Field(description="What makes an escalation this severe.")
    response_hours: float = Field(description="Time to first response, in hours.")
    owner: Text = Field(description="Role that owns escalations at this level.")
    examples: list[Text] = Field(description="Typical situations at this level.")

    @field_validator("response_hours")
    @classmethod
    def _positive_hours(cls, value: float) -> float:
        if not value > 0:
            raise _plain(
                "response_hours",
                "response time must be more than 0 hours; give the first-response time "
                "in hours, e.g. 4 or 0.5",
            )
        return value

    @field_validator("examples")
    @classmethod
    def _has_examples(cls, value: list[str]) -> list[str]:
        if not value:
            raise _plain("examples", "add at least one example situation for this level")
        return value


class SeverityFramework(Model):
    """A complete set of severity levels, numbered 1..N from most to least severe."""

    name: Text = Field(description="Name of this framework.")
    levels: list[SeverityLevel] = Field(description="3 to 6 levels, numbered 1..N.")

    @model_validator(mode="after")
    def _check_invariants(self) -> SeverityFramework:
        problems = framework_problems(self.levels)
        if problems:
            # One error carrying every problem, one per line: describe_errors splits them.
            raise _plain("levels", "\n".join(problems))
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


class CoachError(Exception):
    """Base of every error the coach raises on purpose."""


class UnknownLevelError(CoachError, KeyError):
    """A severity level reference that the framework does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


# --- Company profile ----------------------------------------------------------------------

Stage = Literal["pre-seed", "seed", "series-a", "series-b", "growth", "enterprise"]
Segment = Literal["smb", "mid-market", "enterprise"]
Coverage = Literal["business-hours", "extended-hours", "24x7", "follow-the-sun"]
Concern = Literal["uptime", "data-sensitivity", "revenue-concentration", "compliance"]


class ContractualSLA(Model):
    """A response time already promised to customers in contracts."""

    severity: int = Field(ge=1, le=6, description="The level the promise applies to.")
    response_hours: float = Field(gt=0, description="Promised first-response time, in hours.")


class CompanyProfile(Model):
    """What the coach has learnt about the company while tailoring; every answer is optional."""

    stage: Stage | None = None
    segments: list[Segment] = Field(default_factory=list, description="Customer segment mix.")
    customer_count: int | None = Field(default=None, ge=0)
    cs_team_size: int | None = Field(default=None, ge=0)
    cs_roles: list[Text] = Field(default_factory=list, description="CS roles that exist.")
    coverage: Coverage | None = None
    timezone: str | None = None
    contractual_slas: list[ContractualSLA] = Field(default_factory=list)
    critical_concerns: list[Concern] = Field(default_factory=list)
    monthly_escalations: int | None = Field(default=None, ge=0)


# --- Tickets and plans --------------------------------------------------------------------

TICKET_FIELDS = (
    "account",
    "severity",
    "csm",
    "issue_summary",
    "business_impact",
    "actions_taken",
    "resolution_requested",
    "timeline_required",
    "escalation_owner",
)


class TicketDraft(Model):
    """A ticket being filled in by conversation: every field may still be missing."""

    account: Text | None = None
    severity: int | None = Field(default=None, ge=1, le=6)
    csm: Text | None = None
    issue_summary: Text | None = None
    business_impact: Text | None = None
    actions_taken: list[Text] = Field(default_factory=list)
    resolution_requested: Text | None = None
    timeline_required: Text | None = None
    due_by: AwareDatetime | None = Field(
        default=None, description="When timeline_required names a time."
    )
    escalation_owner: Text | None = None
    severity_rationale: str | None = Field(default=None, description="Why this severity.")

    def missing(self) -> list[str]:
        """Ticket fields that are still empty, in template order."""
        return [name for name in TICKET_FIELDS if getattr(self, name) in (None, [])]


class EscalationTicket(Model):
    """A confirmed escalation ticket: the seed template's fields plus derived times."""

    account: Text
    severity: int = Field(ge=1, le=6)
    csm: Text
    issue_summary: Text
    business_impact: Text
    actions_taken: list[Text] = Field(default_factory=list)
    resolution_requested: Text
    timeline_required: Text | None = Field(default=None, description="In the user's words.")
    due_by: AwareDatetime | None = None
    escalation_owner: Text
    created_at: AwareDatetime
    response_due: AwareDatetime = Field(description="created_at plus the level's response time.")

    @model_validator(mode="after")
    def _check_against_framework(self, info: ValidationInfo) -> EscalationTicket:
        framework = (info.context or {}).get("framework")
        if isinstance(framework, SeverityFramework):
            level = framework.find(self.severity)
            if level is None:
                raise _plain(
                    "severity", f"severity {self.severity} is not a level of the framework"
                )
            expected = self.created_at + timedelta(hours=level.response_hours)
            if self.response_due != expected:
                raise _plain(
                    "response_due", "response_due must be created_at plus the response time"
                )
        return self

    @classmethod
    def from_draft(
        cls, draft: TicketDraft, framework: SeverityFramework, now: datetime
    ) -> EscalationTicket:
        """Validate a finished draft; response_due is derived from the framework."""
        data = draft.model_dump(exclude={"severity_rationale"}, exclude_none=True)
        data["created_at"] = now
        level = framework.find(draft.severity) if draft.severity else None
        if level is not None:
            data["response_due"] = now + timedelta(hours=level.response_hours)
        return cls.model_validate(data, context={"framework": framework})


class ActionStep(Model):
    """One measurable next step of an action plan."""

    action: Text
    owner: Text
    due: AwareDatetime
    success_metric: Text = Field(description="How we know the step is done, measurably.")


class ActionPlan(Model):
    """The steps that take an escalation from ticket to review."""

    account: Text | None = None
    severity: int | None = Field(default=None, ge=1, le=6)
    steps: list[ActionStep] = Field(min_length=1)


# --- What the coach says ------------------------------------------------------------------


class Citation(Model):
    """Where a passage came from in knowledge/."""

    file: str
    section: str


class Answer(Model):
    """An answer to a question about the framework."""

    answer: str
    sources: list[Citation]
    mode: Literal["offline", "llm"] = "offline"
    notice: str | None = None


class Classification(Model):
    """A severity judgement with its reasons."""

    severity: int
    name: str
    owner: str
    response_hours: float
    rationale: str
    confidence: float = Field(ge=0, le=1)


class Button(Model):
    """A choice offered to the user; pressing it is the same as typing its id."""

    id: Text
    label: Text


class MessageDraft(Model):
    """A ready-to-send message, e.g. a customer update."""

    title: Text
    audience: Literal["customer", "internal"]
    text: Text
    next_update: AwareDatetime | None = None


class Artifact(Model):
    """Something the coach produced that the UI can show as a card and offer as a download."""

    kind: Literal["framework", "ticket", "draft", "action_plan", "message", "profile", "score"]
    title: Text
    data: dict[str, Any] = Field(description="The validated model, dumped as JSON-ready data.")


class Reply(Model):
    """One message from the coach: markdown, buttons, artifacts and citations."""

    text: str
    buttons: list[Button] = Field(default_factory=list)
    artifacts: list[Artifact] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    notice: str | None = Field(default=None, description="A short visible notice, e.g. fallback.")


_PLAIN_MESSAGES = {
    "missing": "is required but missing; add it",
    "extra_forbidden": "is not a known field; remove it or check its spelling",
    "string_too_short": "is empty; write something here",
    "string_type": "must be text",
    "float_parsing": "must be a number, e.g. 4 or 0.5",
    "float_type": "must be a number, e.g. 4 or 0.5",
    "int_parsing": "must be a whole number, e.g. 2",
    "int_type": "must be a whole number, e.g. 2",
    "int_from_float": "must be a whole number, e.g. 2",
    "list_type": "must be a list of items",
    "dict_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "timezone_aware": "needs a time zone, e.g. 2026-11-26T10:00:00+00:00",
}


def describe_errors(error: ValidationError) -> list[str]:
    """One plain line per problem, naming the field: "levels.2.owner: ..."."""
    lines: list[str] = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "(whole record)"
        message = _PLAIN_MESSAGES.get(item["type"], item["msg"])
        if item["type"] in ("greater_than", "greater_than_equal", "less_than_equal"):
            limit = next(iter((item.get("ctx") or {}).values()), "")
            word = {"greater_than": "more than", "greater_than_equal": "at least",
                    "less_than_equal": "at most"}[item["type"]]
            message = f"must be {word} {limit}"
        elif item["type"] == "literal_error":
            message = item["msg"].replace("Input should be", "must be")
        lines.extend(f"{where}: {part}" for part in message.splitlines())
    return lines


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every public model, by name."""
    models: list[type[BaseModel]] = [
        SeverityLevel,
        SeverityFramework,
        CompanyProfile,
        TicketDraft,
        EscalationTicket,
        ActionStep,
        ActionPlan,
        Citation,
        Answer,
        Classification,
        Button,
        MessageDraft,
        Artifact,
        Reply,
    ]
    return {model.__name__: model.model_json_schema() for model in models}

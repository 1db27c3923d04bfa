"""What the model returns for classification, ticket reading and message writing.

Every field is described, so the JSON schema sent to the model explains itself. Checks that
need the conversation (the framework in use, the promised update time) are model validators
reading the validation context the client passes; without a context they pass.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, ValidationInfo, model_validator

from coach.domain import Model, SeverityFramework, plain_error


def context_value(info: ValidationInfo, key: str, kind: type[Any]) -> Any:
    """The context's `key` when it is a `kind`, else None (no context: nothing to check)."""
    value = (info.context or {}).get(key)
    return value if isinstance(value, kind) else None


def level_numbers(framework: SeverityFramework) -> str:
    """"1, 2, 3, 4": the levels a reply may name."""
    return ", ".join(str(lvl.level) for lvl in framework.levels)


class LLMClassification(Model):
    """The severity of a described situation, judged against the framework's levels."""

    severity: int = Field(description="The level number, one of the framework's levels.")
    rationale: str = Field(description="The signals in the text that decided the level.")
    confidence: float = Field(ge=0, le=1, description="How sure the judgement is, 0 to 1.")

    @model_validator(mode="after")
    def _a_level_of_the_framework(self, info: ValidationInfo) -> LLMClassification:
        framework = context_value(info, "framework", SeverityFramework)
        if framework is not None and framework.find(self.severity) is None:
            raise plain_error("severity", f"severity must be one of {level_numbers(framework)}")
        return self


class LLMTicket(Model):
    """What a ticket description says; null (or empty) wherever the text is silent."""

    account: str | None = Field(default=None, description="The customer account's name.")
    csm: str | None = Field(default=None, description="The customer success manager's name.")
    severity: int | None = Field(
        default=None, description="The level the text states or clearly implies, else null."
    )
    severity_rationale: str | None = Field(
        default=None, description="Why that level, in one sentence."
    )
    issue_summary: str | None = Field(default=None, description="What is wrong, briefly.")
    business_impact: str | None = Field(
        default=None, description="What it costs the customer: users, revenue, deadlines."
    )
    actions_taken: list[str] = Field(
        default_factory=list, description="Steps already taken, one per item."
    )
    resolution_requested: str | None = Field(
        default=None, description="What the customer or the CSM asks to be done."
    )
    timeline_required: str | None = Field(
        default=None, description="By when, in the text's own words."
    )
    escalation_owner: str | None = Field(
        default=None, description="Who owns the escalation, if the text names them."
    )

    @model_validator(mode="after")
    def _null_or_a_level_of_the_framework(self, info: ValidationInfo) -> LLMTicket:
        framework = context_value(info, "framework", SeverityFramework)
        if framework is None or self.severity is None or framework.find(self.severity):
            return self
        raise plain_error(
            "severity", f"severity must be null or one of {level_numbers(framework)}"
        )


class LLMMessages(Model):
    """The customer update and the internal summary, rewritten from the coach's drafts."""

    customer_update: str = Field(
        description="The message to the customer; keeps the promised next-update time."
    )
    internal_summary: str = Field(description="The internal executive summary.")

    @model_validator(mode="after")
    def _keeps_the_next_update_time(self, info: ValidationInfo) -> LLMMessages:
        due = context_value(info, "next_update", datetime)
        stamp = due.strftime("%H:%M") if due else ""
        if stamp and stamp not in self.customer_update:
            raise plain_error(
                "customer_update",
                f"the customer update must say the next update comes by {stamp}",
            )
        return self


class LLMReading(Model):
    """What one chat message does, the part of the coach it asks for, and the ticket fields
    it states: the turn's understanding step, in one call."""

    act: str = Field(description="What the message does: one of the acts listed.")
    mode: str = Field(default="none", description="The part it asks to start, or none.")
    confidence: float = Field(ge=0, le=1, description="How sure the reading of the act is.")
    ticket: LLMTicket | None = Field(
        default=None, description="The ticket fields the message states, when it tells of an "
        "escalation or answers a ticket question; else null.")

    @model_validator(mode="after")
    def _a_known_act_and_mode(self, info: ValidationInfo) -> LLMReading:
        acts = context_value(info, "acts", tuple) or (self.act,)
        modes = context_value(info, "modes", tuple) or (self.mode,)
        if self.act not in acts:
            raise plain_error("act", f"act must be one of {', '.join(acts)}")
        if self.mode not in modes:
            raise plain_error("mode", f"mode must be one of {', '.join(modes)}")
        return self

"""What the model returns for classification, ticket reading and message writing."""

from __future__ import annotations

from pydantic import Field

from coach.domain import Model


class LLMClassification(Model):
    """What the model returns when it classifies."""

    severity: int = Field(description="The level number.")
    rationale: str = Field(description="The signals that decided it.")
    confidence: float = Field(ge=0, le=1)


class LLMTicket(Model):
    """What the model returns when it reads a ticket description; null where the text is silent."""

    account: str | None = None
    csm: str | None = None
    severity: int | None = None
    severity_rationale: str | None = None
    issue_summary: str | None = None
    business_impact: str | None = None
    actions_taken: list[str] = Field(default_factory=list)
    resolution_requested: str | None = None
    timeline_required: str | None = None
    escalation_owner: str | None = None


class LLMMessages(Model):
    """The two messages the model rewrites."""

    customer_update: str = Field(description="The message to the customer.")
    internal_summary: str = Field(description="The internal executive summary.")

"""Escalation tickets, drafts of them, and action plans."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import AwareDatetime, Field, ValidationInfo, model_validator

from coach.domain.base import Model, Text, plain_error
from coach.domain.framework import SeverityFramework

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
    customer_summary: Text | None = Field(
        default=None, description="The line the customer reads about the issue, when the "
        "summary carries internal detail.")
    severity_rationale: str | None = Field(default=None, description="Why this severity.")
    severity_unsure: bool = Field(
        default=False, description="The judge was unsure between two levels: worth triage."
    )

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
    customer_summary: Text | None = None
    created_at: AwareDatetime
    response_due: AwareDatetime = Field(description="created_at plus the level's response time.")

    @model_validator(mode="after")
    def _check_against_framework(self, info: ValidationInfo) -> EscalationTicket:
        framework = (info.context or {}).get("framework")
        if isinstance(framework, SeverityFramework):
            level = framework.find(self.severity)
            if level is None:
                raise plain_error(
                    "severity", f"severity {self.severity} is not a level of the framework"
                )
            expected = self.created_at + timedelta(hours=level.response_hours)
            if self.response_due != expected:
                raise plain_error(
                    "response_due", "response_due must be created_at plus the response time"
                )
        return self

    @classmethod
    def from_draft(
        cls, draft: TicketDraft, framework: SeverityFramework, now: datetime
    ) -> EscalationTicket:
        """Validate a finished draft; response_due is derived from the framework."""
        judged = {"severity_rationale", "severity_unsure"}  # about the draft, not the ticket
        data = draft.model_dump(exclude=judged, exclude_none=True)
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

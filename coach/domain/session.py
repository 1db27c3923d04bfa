"""`CoachSession`: everything needed to resume a conversation exactly, as one JSON document."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, Field, JsonValue

from coach.domain.base import Model
from coach.domain.framework import SeverityFramework
from coach.domain.profile import CompanyProfile
from coach.domain.replies import Classification
from coach.domain.ticket import ActionPlan, EscalationTicket, TicketDraft

HOME = "home"


class Usage(Model):
    """LLM calls and tokens, counted per session."""

    calls: int = Field(default=0, ge=0)
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    wait_ms: float = Field(default=0.0, ge=0, description="Time spent waiting for the model.")

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.wait_ms += other.wait_ms


# How many earlier states "back" can return to; bounds the size of a saved session.
MAX_HISTORY = 10


YesNo = Literal["yes", "no", "unsure"]


class TriageAnswer(Model):
    """One triage question and the user's answer."""

    key: str = Field(description="The question's key in knowledge/triage.yaml.")
    question: str
    answer: YesNo


class TicketProgress(Model):
    """How far the ticket conversation got, beyond the draft's own fields."""

    started_at: AwareDatetime | None = Field(
        default=None, description="When drafting began: the ticket's created_at."
    )
    skipped: list[str] = Field(default_factory=list, description="Fields the user skipped.")
    severity_confirmed: bool = Field(default=False, description="User chose or accepted it.")
    owner_given: bool = Field(default=False, description="User named the owner themselves.")
    listing: bool = Field(
        default=False, description="Actions are coming one per message, until the user is done."
    )
    suggestion: Classification | None = Field(default=None, description="Last classifier view.")
    triage_plan: list[str] = Field(
        default_factory=list, description="Triage questions still to ask, by key."
    )
    triage: list[TriageAnswer] = Field(
        default_factory=list, description="Triage questions asked and their answers."
    )


class CoachSession(Model):
    """The state of one conversation; the UI saves it after every turn."""

    mode: str = Field(default=HOME, description="Name of the active mode.")
    step: str = Field(default="menu", description="The mode's current step.")
    framework: SeverityFramework = Field(description="Active framework: seed's until tailored.")
    proposal: SeverityFramework | None = Field(
        default=None, description="A tailored framework being edited, not yet accepted."
    )
    profile: CompanyProfile = Field(default_factory=CompanyProfile)
    ticket: TicketDraft = Field(default_factory=TicketDraft)
    progress: TicketProgress = Field(default_factory=TicketProgress)
    confirmed_ticket: EscalationTicket | None = None
    action_plan: ActionPlan | None = None
    plan_accepted: bool = False
    mode_data: dict[str, JsonValue] = Field(
        default_factory=dict, description="Private state of plug-in modes, keyed by mode name."
    )
    offered: list[str] = Field(
        default_factory=list, description="Ids of the buttons shown last; others are stale."
    )
    turns: int = Field(default=0, ge=0)
    tracked: dict[str, str] = Field(
        default_factory=dict, description="The escalation made from each ticket confirmed "
        "here, by the ticket's created_at, so each is tracked once.")
    warned: list[str] = Field(
        default_factory=list, description='Clock warnings already given, as "id:clock:state".')
    usage: Usage = Field(default_factory=Usage, description="LLM calls and tokens so far.")
    history: list[CoachSession] = Field(
        default_factory=list, description="Earlier states, newest last, for 'back'."
    )

    def snapshot(self) -> CoachSession:
        """A copy of this state without its own history, to push on the history."""
        return self.model_copy(update={"history": []}, deep=True)

    def remember(self, before: CoachSession) -> None:
        """Push an earlier state, keeping only the newest MAX_HISTORY."""
        self.history = [*self.history, before][-MAX_HISTORY:]

    def restore(self, other: CoachSession) -> None:
        """Become `other` in place, so callers holding this object see the change."""
        for name in type(self).model_fields:
            setattr(self, name, getattr(other, name))

    def new_ticket(self) -> None:
        """Forget the ticket and its plan; everything else (framework, other modes) stays."""
        self.ticket = TicketDraft()
        self.progress = TicketProgress()
        self.confirmed_ticket = None
        self.action_plan = None
        self.plan_accepted = False

    def restart(self) -> None:
        """Start over; the framework, proposal and profile stay: they are the company's."""
        keep = {"framework", "proposal", "profile", "history", "turns", "offered", "usage",
                "tracked", "warned"}
        fresh = CoachSession(framework=self.framework)
        for name in type(self).model_fields:
            if name not in keep:
                setattr(self, name, getattr(fresh, name))

    def zone(self) -> str | None:
        """The company's time zone (IANA): told in this conversation, or the framework's."""
        return self.profile.timezone or self.framework.timezone

    def response_due(self) -> datetime | None:
        """When the first response is due, once drafting started and a severity is set."""
        level = self.framework.find(self.ticket.severity) if self.ticket.severity else None
        if level is None or self.progress.started_at is None:
            return None
        return self.progress.started_at + timedelta(hours=level.response_hours)

    def data(self, mode: str) -> dict[str, Any]:
        """The private state of a plug-in mode (a dict it may change)."""
        value = self.mode_data.setdefault(mode, {})
        if not isinstance(value, dict):
            value = self.mode_data[mode] = {}
        return value


CoachSession.model_rebuild()

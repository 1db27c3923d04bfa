"""Escalations as living records: a confirmed ticket, the framework it was created under, and an
append-only timeline of events. Status and severity are read from the events, never stored
beside them; corrections are new events."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from coach.domain.base import Model, Text
from coach.domain.framework import SeverityFramework
from coach.domain.ticket import EscalationTicket

Status = Literal["open", "in-progress", "waiting-on-customer", "waiting-on-vendor", "resolved",
                 "closed"]
STATUSES: tuple[Status, ...] = ("open", "in-progress", "waiting-on-customer",
                                "waiting-on-vendor", "resolved", "closed")
PAUSED: frozenset[str] = frozenset({"waiting-on-customer", "waiting-on-vendor"})
DONE: frozenset[str] = frozenset({"resolved", "closed"})
EventKind = Literal["created", "customer-update", "note", "status", "severity", "owner",
                    "step-done", "step-dropped", "resolved", "reopened", "review", "category",
                    "pushed"]
Category = Literal["product-defect", "outage", "security", "billing", "onboarding-training",
                   "support-process", "communication", "expectations", "other"]
CATEGORIES: tuple[Category, ...] = ("product-defect", "outage", "security", "billing",
                                    "onboarding-training", "support-process", "communication",
                                    "expectations", "other")


class Event(Model):
    """One entry of an escalation's timeline."""

    at: AwareDatetime
    by: Text
    kind: EventKind
    text: str = ""
    status: Status | None = Field(default=None, description="The status it moved to, if any.")
    severity: int | None = Field(default=None, ge=1, description="The level it set, if any.")
    category: Category | None = Field(
        default=None, description="The root-cause category it set (at or after resolution).")
    ref: str | None = Field(default=None, max_length=100, description='For a push: the '
                            'ticket it made or updated in the other tool, "zendesk:123".')


class Escalation(Model):
    """A tracked escalation."""

    id: Text
    owner: Text = Field(description="The user who created it.")
    team_id: Text = "default"
    ticket: EscalationTicket
    framework: SeverityFramework = Field(
        description="A copy of the framework it was created under: its levels and calendar.")
    events: list[Event] = Field(min_length=1)

    def timeline(self) -> list[Event]:
        """The events in time order (ties keep the order they were recorded in)."""
        return sorted(self.events, key=lambda e: e.at)

    @property
    def created_at(self) -> datetime:
        return self.events[0].at

    @property
    def status(self) -> Status:
        found: Status = "open"
        for event in self.timeline():
            if event.status is not None:
                found = event.status
        return found

    @property
    def severity(self) -> int:
        found = self.ticket.severity
        for event in self.timeline():
            if event.severity is not None:
                found = event.severity
        return found

    @property
    def account(self) -> str:
        return self.ticket.account

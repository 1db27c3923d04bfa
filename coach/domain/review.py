"""The post-escalation review: blameless, with numbers, a timeline, a root cause and action
items that have owners and due times (the JSON other tools exchange)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from coach.domain.base import Model, Text

ReviewStatus = Literal["draft", "in-review", "reviewed", "closed"]


class TimelineEntry(Model):
    at: AwareDatetime
    event: Text


class ActionItem(Model):
    """A follow-up that prevents a repeat: someone owns it, by a date."""

    action: Text
    owner: Text
    due: AwareDatetime
    link: str | None = None


class PostEscalationReview(Model):
    """A complete review; `status` is optional (a review recorded from a file is complete)."""

    summary: Text
    impact: Text = Field(description="With numbers: users, hours, money.")
    timeline: list[TimelineEntry] = Field(min_length=1)
    root_cause: Text
    contributing_factors: list[Text] = Field(default_factory=list)
    detection: Text
    what_went_well: list[Text] = Field(default_factory=list)
    what_went_badly: list[Text] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    status: ReviewStatus | None = None


StepStatus = Literal["open", "done", "dropped"]
StepSource = Literal["plan", "review", "tailoring"]


class NextStep(Model):
    """A tracked next step: an action plan's step, a review's action item, or a leader's own
    (tailoring) step. Open until marked done or dropped (with a reason)."""

    id: str
    escalation_id: str | None = None
    account: str | None = None
    action: Text
    owner: Text
    due: AwareDatetime
    status: StepStatus = "open"
    reason: str = ""
    source: StepSource

"""What the coach says: answers with citations, severity judgements, replies and artifacts."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from coach.domain.base import Model, Text


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


class Alternative(Model):
    """One level the judge considered, with its probability."""

    severity: int = Field(description="The level number.")
    probability: float = Field(ge=0, le=1, description="How likely this level is, calibrated.")


class Classification(Model):
    """A severity judgement with its reasons."""

    severity: int = Field(description="The level proposed.")
    name: str
    owner: str
    response_hours: float
    rationale: str
    confidence: float = Field(ge=0, le=1, description="The top probability, calibrated.")
    alternatives: list[Alternative] = Field(
        default_factory=list, description="The two likeliest levels, most likely first."
    )
    unsure: bool = Field(
        default=False,
        description="The judge's top probability is under its threshold: the more severe of "
        "the two likeliest levels is proposed, and the chat asks triage questions.",
    )


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

    kind: Literal["framework", "ticket", "draft", "action_plan", "message", "profile", "score",
                  "review", "dashboard", "handoff"]
    title: Text
    data: dict[str, Any] = Field(description="The validated model, dumped as JSON-ready data.")


class Reply(Model):
    """One message from the coach: markdown, buttons, artifacts and citations."""

    text: str
    buttons: list[Button] = Field(default_factory=list)
    artifacts: list[Artifact] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    notice: str | None = Field(default=None, description="A short visible notice, e.g. fallback.")
    export: bool = Field(
        default=False, description="Its files were asked for: offered even if offered before.")

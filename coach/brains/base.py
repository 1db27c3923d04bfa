"""The one seam between offline understanding and an LLM: the `Brain` Protocol.

`coach.brains.offline` and `coach.brains.llm` implement it; `coach.brains.factory` chooses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

from coach.domain import (
    Answer,
    Classification,
    CompanyProfile,
    MessageDraft,
    SeverityFramework,
    TicketDraft,
)

if TYPE_CHECKING:
    from coach.search.index import Passage
    from coach.tailoring.guide import QuestionKey
    from coach.tailoring.reading import TailorReading
    from coach.tailoring.rules import Change
    from coach.understanding.intents import IntentReading

Search = Callable[[str, int], "list[Passage]"]
"""Finds the k passages of the knowledge base closest to a question."""


class Brain(Protocol):
    """Everything the coach needs to understand and answer; offline or LLM-backed."""

    mode: Literal["offline", "llm"]

    def answer(
        self,
        question: str,
        on_token: Callable[[str], None] | None = None,
        framework: SeverityFramework | None = None,
    ) -> Answer:
        """Answer a question about the framework, with citations; LLM text streams to on_token.

        Questions about a level's owner, response time or examples are answered from
        `framework` (the default one when None), so a tailored framework answers for itself.
        """
        ...

    def classify(self, text: str, framework: SeverityFramework) -> Classification:
        """Judge the severity of a described situation against a framework."""
        ...

    def read_act(self, text: str, pending: str = "") -> IntentReading:
        """What a turn does: its dialogue act (`coach.understanding.acts.ACTS`) and the mode
        it asks for; `pending` says what the coach was doing ("ticket: ask:account")."""
        ...

    def extract_ticket(self, text: str, framework: SeverityFramework, now: datetime) -> TicketDraft:
        """Fill in what a description says of a ticket; nothing it does not say."""
        ...

    def write_messages(self, drafts: list[MessageDraft]) -> list[MessageDraft]:
        """Customer and internal messages, from drafts filled in from the knowledge templates."""
        ...

    def read_tailoring(
        self, text: str, framework: SeverityFramework, asked: QuestionKey | None
    ) -> TailorReading:
        """A framework edit asked for in words, or what the text says about the company."""
        ...

    def refine_proposal(
        self, framework: SeverityFramework, profile: CompanyProfile, extra_roles: list[str]
    ) -> tuple[SeverityFramework, list[Change]]:
        """A tailored proposal with wording fitted to the company; each change explained."""
        ...

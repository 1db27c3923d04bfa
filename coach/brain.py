"""The one seam between offline understanding and an LLM: the `Brain` Protocol and its factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Literal, Protocol

from coach.clock import Clock, system_clock
from coach.schemas import (
    Answer,
    Classification,
    CompanyProfile,
    MessageDraft,
    SeverityFramework,
    TicketDraft,
)
from coach.settings import Settings

if TYPE_CHECKING:
    from coach.embeddings import Embedder
    from coach.retrieval import KnowledgeIndex
    from coach.tailoring.guide import Guide, QuestionKey
    from coach.tailoring.reading import TailorReading
    from coach.tailoring.rules import Change
    from coach.understanding.classifier import SeverityClassifier


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


class OfflineBrain:
    """Rules, the labelled example bank and extractive answers: no network, no LLM.

    The index and the classifier are built on first use, so a command that only classifies
    never opens Chroma.
    """

    mode: Literal["offline", "llm"] = "offline"

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self._settings = settings
        self._embedder = embedder

    @cached_property
    def embedder(self) -> Embedder:
        from coach.embeddings import make_embedder

        return self._embedder or make_embedder(self._settings)

    @cached_property
    def index(self) -> KnowledgeIndex:
        from coach.retrieval import KnowledgeIndex

        return KnowledgeIndex.open(
            self._settings.knowledge_dir, self._settings.chroma_dir, self.embedder
        )

    @cached_property
    def classifier(self) -> SeverityClassifier:
        from coach.embeddings import word_embedder
        from coach.understanding.classifier import SeverityClassifier

        # The example bank is tuned with static word embeddings: quick to load, and the same
        # whichever embedder search uses.
        return SeverityClassifier.from_knowledge(self._settings.knowledge_dir, word_embedder())

    @cached_property
    def seed(self) -> SeverityFramework:
        from coach.framework import seed_framework

        return seed_framework(self._settings.knowledge_dir)

    def answer(
        self,
        question: str,
        on_token: Callable[[str], None] | None = None,
        framework: SeverityFramework | None = None,
    ) -> Answer:
        from coach.answering import compose_answer
        from coach.level_answers import graded_lead, level_answer, source_of

        framework = framework or self.seed
        source = source_of(framework, self.seed)
        about_a_level = level_answer(question, framework, source)
        if about_a_level is not None:
            return about_a_level
        lead = graded_lead(question, framework, self.classify, source)
        passages = self.index.search(question, k=4)
        threshold = self._settings.answer_threshold
        return compose_answer(question, passages, threshold, lead)

    def classify(self, text: str, framework: SeverityFramework) -> Classification:
        return self.classifier.classify(text, framework)

    def extract_ticket(self, text: str, framework: SeverityFramework, now: datetime) -> TicketDraft:
        from coach.understanding.extraction import extract_ticket

        return extract_ticket(text, framework, now, classify=self.classify)

    def write_messages(self, drafts: list[MessageDraft]) -> list[MessageDraft]:
        return drafts

    @cached_property
    def guide(self) -> Guide:
        from coach.tailoring.guide import load_guide

        return load_guide(self._settings.knowledge_dir)

    def read_tailoring(
        self, text: str, framework: SeverityFramework, asked: QuestionKey | None
    ) -> TailorReading:
        from coach.tailoring.reading import read_offline

        return read_offline(text, framework, self.guide, asked)

    def refine_proposal(
        self, framework: SeverityFramework, profile: CompanyProfile, extra_roles: list[str]
    ) -> tuple[SeverityFramework, list[Change]]:
        return framework, []  # the rules in knowledge/ already explain every change


def llm_wanted(settings: Settings) -> bool:
    """Whether the settings ask for an LLM: explicitly, or in `auto` when one is configured."""
    if settings.llm == "auto":
        return bool(settings.openai_api_key or settings.llm_api_key or settings.llm_base_url)
    return settings.llm == "openai"


def make_brain(settings: Settings, clock: Clock = system_clock) -> Brain:
    """The brain the settings ask for; the only place that chooses between modes."""
    offline = OfflineBrain(settings)
    if not llm_wanted(settings):
        return offline
    # Imported here so that offline use never loads LangChain or the OpenAI client.
    from coach.llm.brain import LLMBrain
    from coach.llm.client import LLMClient
    from coach.prompts import PromptLibrary

    prompts = PromptLibrary(settings.prompts_dir)
    return LLMBrain(
        offline, LLMClient(settings, prompts), prompts, clock, settings.answer_threshold
    )

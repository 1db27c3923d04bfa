"""`OfflineBrain`: rules, the labelled example bank and extractive answers; no network, no LLM."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property, lru_cache, partial
from typing import TYPE_CHECKING, Literal

from coach.domain import (
    Answer,
    Classification,
    CompanyProfile,
    MessageDraft,
    SeverityFramework,
    TicketDraft,
)
from coach.private import private_dir
from coach.settings import Settings

if TYPE_CHECKING:
    from coach.search.embeddings import Embedder
    from coach.search.index import KnowledgeIndex, Passage
    from coach.search.server import ServerKnowledge
    from coach.tailoring.guide import Guide, QuestionKey
    from coach.tailoring.reading import TailorReading
    from coach.tailoring.rules import Change
    from coach.understanding.classifier import SeverityClassifier
    from coach.understanding.intents import IntentReading, Intents
    from coach.understanding.names import AccountRanker, Names


class OfflineBrain:
    """Rules, the labelled example bank and extractive answers: no network, no LLM.

    The index and the classifier are built on first use, so a command that only classifies
    never opens Chroma.
    """

    mode: Literal["offline", "llm"] = "offline"

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self._settings = settings
        self._embedder = embedder
        private_dir(settings.data_dir)  # the index and the unpacked model live there

    @cached_property
    def embedder(self) -> Embedder:
        from coach.search.embeddings import make_embedder

        return self._embedder or make_embedder(self._settings)

    @cached_property
    def index(self) -> KnowledgeIndex | ServerKnowledge:
        """The local index (built on first use), or the Chroma server's (COACH_CHROMA_URL)."""
        settings = self._settings
        if settings.chroma_url:
            from coach.locks import INDEX_BUILD, shared_lock
            from coach.search.server import ServerKnowledge

            lock = partial(shared_lock, settings.database_url, INDEX_BUILD,
                           settings.data_dir / "chroma-build.lock")
            return ServerKnowledge(settings.chroma_url, settings.knowledge_dir, self.embedder,
                                   lock)
        from coach.search.index import KnowledgeIndex

        return KnowledgeIndex.open(settings.knowledge_dir, settings.chroma_dir, self.embedder)

    @cached_property
    def classifier(self) -> SeverityClassifier:
        from coach.search.embeddings import local_embedder
        from coach.understanding.classifier import SeverityClassifier

        # The model was trained on the local MiniLM's vectors, whichever embedder search uses.
        encoder = local_embedder(self._settings.models_dir)
        return SeverityClassifier.from_knowledge(self._settings.knowledge_dir, encoder, self.seed)

    @cached_property
    def seed(self) -> SeverityFramework:
        from coach.content.frameworks import seed_framework

        return seed_framework(self._settings.knowledge_dir)

    def answer(
        self,
        question: str,
        on_token: Callable[[str], None] | None = None,
        framework: SeverityFramework | None = None,
    ) -> Answer:
        from coach.answering.extractive import compose_answer
        from coach.answering.levels import graded_lead, level_answer, source_of

        framework = framework or self.seed
        source = source_of(framework, self.seed)
        kind = self.asks_about(question)
        about_a_level = level_answer(question, framework, source, kind)
        if about_a_level is not None:
            return about_a_level
        lead = graded_lead(question, framework, self.classify, source, kind)
        passages = self.index.search(question, k=4)
        threshold = self._settings.answer_threshold
        answer = compose_answer(question, passages, threshold, lead)
        if self.index.unavailable:  # the Chroma server does not answer: say so
            said = answer.answer if passages else (
                "I cannot search the knowledge base right now. Questions about the levels "
                "(their owners, response times, definitions) still work; ask again in a "
                "moment for the rest.")
            return answer.model_copy(update={"answer": said,
                                             "notice": self.index.unavailable.capitalize()})
        return answer

    def read_act(self, text: str, pending: str = "") -> IntentReading:
        """The dialogue act of a turn (`coach.understanding.acts.ACTS`), and the mode it asks
        for when its meaning asks for one (`coach.understanding.modes`)."""
        from dataclasses import replace

        from coach.understanding.acts import act_features
        from coach.understanding.modes import MAYBE, asked_mode, mode_features, respelt

        vector = self.classifier.read(text).embedding
        reading = self.readers[0].read(act_features(text, vector))
        fixed = respelt(text, self.common_words, self.request_words)  # "pracitce mode"
        asking = vector if fixed == text else self.classifier.read(fixed).embedding
        modes = self.readers[2].read(mode_features(fixed, asking))
        return replace(reading, target=asked_mode(modes), maybe=asked_mode(modes, MAYBE))

    @cached_property
    def request_words(self) -> frozenset[str]:
        from coach.understanding.modes import EXAMPLES_FILE, request_words

        return request_words(self._settings.knowledge_dir / EXAMPLES_FILE, self.common_words)

    def asks_about(self, question: str) -> str | None:
        """What a question asks about the levels (`coach.answering.asks.ASKS`), when the
        learned reader is sure it asks about a level at all; else None."""
        from coach.answering.asks import SURE, ask_features

        vector = self.classifier.read(question).embedding
        reading = self.readers[1].read(ask_features(question, vector))
        return reading.label if reading.chance("other") < SURE else None

    @cached_property
    def readers(self) -> tuple[Intents, Intents, Intents]:
        """The learned readers of a turn's act, of what a question asks, and of the mode a
        message asks for."""
        from coach.answering import asks
        from coach.understanding import acts, modes
        from coach.understanding.intents import Intents

        knowledge = self._settings.knowledge_dir
        return (Intents.load(knowledge / acts.MODEL_FILE, acts.ACTS, acts.SHAPE),
                Intents.load(knowledge / asks.MODEL_FILE, asks.ASKS, asks.EXTRA),
                Intents.load(knowledge / modes.MODEL_FILE, modes.MODES, modes.EXTRA))

    def search(self, question: str, k: int) -> list[Passage]:
        """The k passages of the knowledge base closest to a question (a `Search`)."""
        return self.index.search(question, k=k)

    def classify(self, text: str, framework: SeverityFramework) -> Classification:
        return self.classifier.classify(text, framework)

    def extract_ticket(self, text: str, framework: SeverityFramework, now: datetime) -> TicketDraft:
        from coach.understanding.extraction import extract_ticket

        return extract_ticket(text, framework, now, classify=self.classify,
                              names=self.read_names)

    def read_names(self, text: str) -> Names:
        """The account (chosen by the learned ranker) and the CSM a text names."""
        from coach.understanding.names import read_names

        return read_names(text, self.common_words, self.account_ranker)

    @cached_property
    def account_ranker(self) -> AccountRanker:
        from coach.search.embeddings import local_embedder
        from coach.understanding.names import AccountRanker

        # The ranker was trained on the local MiniLM's token states; a text is read once.
        read_tokens = lru_cache(maxsize=8)(local_embedder(self._settings.models_dir).token_states)
        return AccountRanker.load(self._settings.knowledge_dir, read_tokens)

    @cached_property
    def common_words(self) -> frozenset[str]:
        """Ordinary words, which a capital at the start of a sentence does not make a name."""
        from coach.search.minilm import vocabulary

        return vocabulary(self._settings.models_dir)

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

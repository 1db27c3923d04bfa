"""`LLMBrain`: the Brain Protocol on an OpenAI-compatible model, grounded and validated.

Every method makes one model call on the common path and falls back to the offline brain,
with one short notice, on any failure. After three failures in a row it stays offline for a
few minutes and says so once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Literal, TypeVar

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from coach.answering.extractive import no_answer, on_topic
from coach.answering.levels import describe, named_levels, section_name, source_of
from coach.brains.base import Brain, Search
from coach.brains.llm.breaker import Breaker
from coach.brains.llm.client import LLMClient, LLMUnavailable, TokenSink
from coach.brains.llm.outputs import (
    LLMClassification,
    LLMMessages,
    LLMReading,
    LLMTicket,
    level_numbers,
)
from coach.brains.llm.tailoring import (
    LLMRefinement,
    LLMTailorTurn,
    reworded,
    to_reading,
)
from coach.brains.turn import Turn, current_turn, within_turn
from coach.content.sections import Chunk
from coach.content.templates import PromptLibrary
from coach.domain import (
    Answer,
    Citation,
    Classification,
    CompanyProfile,
    MessageDraft,
    SeverityFramework,
    TicketDraft,
)
from coach.domain.clock import Clock, system_clock
from coach.search.index import Passage
from coach.tailoring.guide import QuestionKey
from coach.tailoring.reading import TailorReading
from coach.tailoring.rules import Change
from coach.understanding.acts import ACTS
from coach.understanding.customer_safe import leaks
from coach.understanding.intents import IntentReading
from coach.understanding.modes import MODES

T = TypeVar("T")
_CITATION = re.compile(r"\[(\d+)\]")
LLM_UNSURE = 0.6  # below this self-reported confidence, the chat asks triage questions
SURE_OFFLINE = 0.75  # an offline act reading this sure is kept: no model call to read a turn
READ_WORDS = 3  # shorter turns ("accept", "sev 2") are read offline
# Turns whose one call comes later and reads them itself: a question (the answer), a company
# described and any tailoring turn (the tailoring reading).
READ_LATER_ACTS = ("question", "company")
READ_LATER_MODES = ("tailor",)


def _levels_text(framework: SeverityFramework) -> str:
    return "\n".join(
        f"{lvl.level}: {lvl.name} - {lvl.definition}; {', '.join(lvl.examples)}"
        for lvl in framework.levels
    )


def _fits(read: LLMTicket, framework: SeverityFramework) -> bool:
    """Whether a reading's severity (read against the seed) is a level of `framework`."""
    return read.severity is None or framework.find(read.severity) is not None


class LLMBrain:
    """The LLM-backed brain; the fallback brain answers whenever the model cannot."""

    mode: Literal["offline", "llm"] = "llm"

    def __init__(
        self,
        *,
        fallback: Brain,
        search: Search,
        seed: SeverityFramework,
        client: LLMClient,
        prompts: PromptLibrary,
        clock: Clock = system_clock,
        threshold: float = 0.3,
    ) -> None:
        self.fallback, self.search, self.seed = fallback, search, seed
        self._client, self._prompts, self._threshold = client, prompts, threshold
        self.breaker = Breaker(clock)

    def _messages(self, prompt: str, **values: object) -> list[BaseMessage]:
        return [
            SystemMessage(content=self._prompts.render("system")),
            HumanMessage(content=self._prompts.render(prompt, **values)),
        ]

    def _guard(self, call: Callable[[], T], fallback: Callable[[Turn], T]) -> T:
        """The model's result, or the offline one with a notice in the turn saying why."""
        with within_turn() as scope:
            if self.breaker.is_open():
                return fallback(scope)
            try:
                result = call()
            except LLMUnavailable as failure:
                scope.notice(f"Answered offline: {failure}.")
                if self.breaker.failed():
                    scope.notice(
                        "The LLM failed 3 times in a row; the coach stays offline for 5 minutes."
                    )
                return fallback(scope)
        self.breaker.succeeded()
        return result

    def answer(
        self,
        question: str,
        on_token: TokenSink | None = None,
        framework: SeverityFramework | None = None,
    ) -> Answer:
        framework = framework or self.seed
        found = on_topic(self.search(question, 4), self._threshold)
        passages = self._level_facts(question, framework) + found
        if not passages:
            return no_answer()

        def fallback(scope: Turn) -> Answer:
            answer = self.fallback.answer(question, framework=framework)
            return answer.model_copy(update={"notice": " ".join(scope.notices) or None})

        return self._guard(lambda: self._grounded_answer(question, passages, on_token), fallback)

    def _level_facts(self, question: str, framework: SeverityFramework) -> list[Passage]:
        """The framework's own facts for each level the question names, as passages to cite."""
        source = source_of(framework, self.seed)
        return [
            Passage(Chunk(source, "Severity levels", section_name(level), describe(level)), 1, 1, 1)
            for level in named_levels(question, framework)
        ]

    def _grounded_answer(
        self, question: str, passages: list[Passage], on_token: TokenSink | None
    ) -> Answer:
        allowed = ", ".join(f"[{n}]" for n in range(1, len(passages) + 1))
        numbered = "\n\n".join(
            f"[{n}] ({p.chunk.heading}) {p.chunk.text}" for n, p in enumerate(passages, start=1)
        )
        messages = self._messages("answer", passages=numbered, question=question, allowed=allowed)
        text = self._client.text(messages, on_token)
        cited, bad = self._citations(text, len(passages))
        if bad or not cited:
            messages += [
                AIMessage(content=text),
                HumanMessage(
                    content=self._prompts.render(
                        "answer_retry",
                        bad=", ".join(f"[{n}]" for n in bad) or "nothing",
                        allowed=allowed,
                    )
                ),
            ]
            text = self._client.text(messages, on_token)
            cited, bad = self._citations(text, len(passages))
            if bad or not cited:
                raise LLMUnavailable("the LLM cited passages it was not given")
        sources = [
            Citation(file=passages[n - 1].chunk.file, section=passages[n - 1].chunk.section)
            for n in cited
        ]
        return Answer(answer=text.strip(), sources=sources, mode="llm")

    @staticmethod
    def _citations(text: str, count: int) -> tuple[list[int], list[int]]:
        numbers = list(dict.fromkeys(int(n) for n in _CITATION.findall(text)))
        return [n for n in numbers if 1 <= n <= count], [n for n in numbers if not 1 <= n <= count]

    def classify(self, text: str, framework: SeverityFramework) -> Classification:
        def call() -> Classification:
            out = self._client.structured(
                self._messages(
                    "classify",
                    levels=_levels_text(framework),
                    text=text,
                    allowed=level_numbers(framework),
                ),
                LLMClassification,
                {"framework": framework},
            )
            level = framework.level(out.severity)
            return Classification(
                severity=level.level,
                name=level.name,
                owner=level.owner,
                response_hours=level.response_hours,
                rationale=out.rationale,
                confidence=out.confidence,
                unsure=out.confidence < LLM_UNSURE,
            )

        return self._guard(call, lambda _: self.fallback.classify(text, framework))

    def read_act(self, text: str, pending: str = "") -> IntentReading:
        """The offline reading when it is sure; else the model's, in the turn's first call,
        with the ticket fields the text states kept for `extract_ticket` in the same turn."""
        offline = self.fallback.read_act(text, pending)
        if (offline.chance(offline.label) >= SURE_OFFLINE or len(text.split()) < READ_WORDS
                or offline.label in READ_LATER_ACTS or pending.startswith(READ_LATER_MODES)):
            return offline

        def call() -> IntentReading:
            out = self._client.structured(
                self._messages("read_turn", text=text, pending=pending or "the menu",
                               acts=", ".join(ACTS), modes=", ".join(MODES),
                               allowed=level_numbers(self.seed)),
                LLMReading,
                {"acts": ACTS, "modes": MODES},
            )
            current_turn().read[text] = out.ticket
            others = (1 - out.confidence) / (len(ACTS) - 1)
            chances = {act: out.confidence if act == out.act else others for act in ACTS}
            wanted = None if out.mode == "none" else out.mode
            return IntentReading(out.act, chances, target=wanted, maybe=wanted)

        return self._guard(call, lambda _: offline)

    def extract_ticket(self, text: str, framework: SeverityFramework, now: datetime) -> TicketDraft:
        read = current_turn().read.get(text)
        if isinstance(read, LLMTicket) and _fits(read, framework):  # read with the turn's act
            return self._draft(read, text, framework, now)

        def call() -> TicketDraft:
            out = self._client.structured(
                self._messages("extract_ticket", text=text, allowed=level_numbers(framework)),
                LLMTicket,
                {"framework": framework},
            )
            return self._draft(out, text, framework, now)

        return self._guard(call, lambda _: self.fallback.extract_ticket(text, framework, now))

    def _draft(
        self, out: LLMTicket, text: str, framework: SeverityFramework, now: datetime
    ) -> TicketDraft:
        data = {k: v for k, v in out.model_dump().items() if v not in (None, "", [])}
        if out.severity is None:
            # No severity in the text: judge it offline rather than spend a second call.
            judged = self.fallback.classify(text, framework)
            data["severity"], data["severity_rationale"] = judged.severity, judged.rationale
            data["severity_unsure"] = judged.unsure
        if "escalation_owner" not in data:
            data["escalation_owner"] = framework.level(data["severity"]).owner
        draft = TicketDraft.model_validate(data)
        offline = self.fallback.extract_ticket(text, framework, now)
        if draft.timeline_required and offline.due_by:
            draft.due_by = offline.due_by
        return draft

    def write_messages(self, drafts: list[MessageDraft]) -> list[MessageDraft]:
        by_audience = {d.audience: d for d in drafts}
        if set(by_audience) != {"customer", "internal"}:
            return drafts

        def call() -> list[MessageDraft]:
            out = self._client.structured(
                self._messages(
                    "write_messages",
                    customer=by_audience["customer"].text,
                    internal=by_audience["internal"].text,
                ),
                LLMMessages,
                {"next_update": by_audience["customer"].next_update},
            )
            offline = by_audience["customer"].text
            customer = offline if leaks(out.customer_update, offline) else out.customer_update
            return [
                by_audience["customer"].model_copy(update={"text": customer}),
                by_audience["internal"].model_copy(update={"text": out.internal_summary}),
            ]

        return self._guard(call, lambda _: drafts)

    def read_tailoring(
        self, text: str, framework: SeverityFramework, asked: QuestionKey | None
    ) -> TailorReading:
        def call() -> TailorReading:
            out = self._client.structured(
                self._messages(
                    "read_tailoring",
                    text=text,
                    framework=_levels_text(framework),
                    asked=asked or "none (a free message)",
                ),
                LLMTailorTurn,
                {"framework": framework},
            )
            return to_reading(out)

        return self._guard(call, lambda _: self.fallback.read_tailoring(text, framework, asked))

    def refine_proposal(
        self, framework: SeverityFramework, profile: CompanyProfile, extra_roles: list[str]
    ) -> tuple[SeverityFramework, list[Change]]:
        if current_turn().usage.calls:
            # Rewording is optional: never a second model call in one turn. A later turn that
            # re-proposes (a quick-reply answer, which costs no call) rewords it instead.
            return framework, []

        def call() -> tuple[SeverityFramework, list[Change]]:
            out = self._client.structured(
                self._messages(
                    "refine_proposal",
                    framework=_levels_text(framework),
                    profile=profile.model_dump_json(exclude_defaults=True),
                ),
                LLMRefinement,
                {"framework": framework, "profile": profile, "extra_roles": extra_roles},
            )
            return reworded(framework, out)

        return self._guard(call, lambda _: (framework, []))

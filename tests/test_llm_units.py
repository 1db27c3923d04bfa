"""Fast unit tests of LLM mode on LangChain's fake chat model, where the wire format is moot."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from coach.brains.llm.brain import LLMBrain
from coach.brains.llm.client import LLMClient
from coach.brains.offline import OfflineBrain
from coach.brains.turn import turn
from coach.content.templates import PromptLibrary
from coach.settings import Settings


def fake_brain(brain: OfflineBrain, settings: Settings, *replies: str) -> LLMBrain:
    model = GenericFakeChatModel(messages=iter(AIMessage(content=r) for r in replies))
    prompts = PromptLibrary(settings.prompts_dir)
    return LLMBrain(
        fallback=brain,
        search=brain.search,
        seed=brain.seed,
        client=LLMClient(settings, prompts, model=model),
        prompts=prompts,
    )


def test_a_grounded_answer_streams_token_by_token(brain: OfflineBrain, settings: Settings) -> None:
    llm = fake_brain(brain, settings, "A Severity 2 needs a first response within 4 hours [1].")
    tokens: list[str] = []
    with turn() as current:
        answer = llm.answer("how fast must we answer a sev 2?", on_token=tokens.append)
    assert answer.mode == "llm" and len(tokens) > 5
    assert "".join(tokens) == answer.answer
    assert current.usage.calls == 1


def test_citations_outside_the_passages_are_asked_again_then_refused(
    brain: OfflineBrain, settings: Settings
) -> None:
    llm = fake_brain(brain, settings, "Four hours [7].", "Still [8].")
    with turn() as current:
        answer = llm.answer("how fast must we answer a sev 2?")
    assert answer.mode == "offline" and answer.sources
    assert current.usage.calls == 2 and "cited passages it was not given" in current.notices[0]

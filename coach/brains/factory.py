"""Chooses the brain once, from the settings: offline, or an LLM that falls back to offline."""

from __future__ import annotations

from coach.brains.base import Brain
from coach.brains.offline import OfflineBrain
from coach.domain.clock import Clock, system_clock
from coach.settings import Settings


def llm_wanted(settings: Settings) -> bool:
    """Whether the settings ask for an LLM: explicitly, or in `auto` when one is configured."""
    if settings.llm == "auto":
        return bool(settings.openai_api_key or settings.llm_api_key or settings.llm_base_url)
    return settings.llm == "openai"


def make_brain(settings: Settings, clock: Clock = system_clock) -> Brain:
    """The brain the settings ask for; the only place that chooses between modes. `clock` times
    the LLM circuit breaker: real time, whatever COACH_NOW says."""
    offline = OfflineBrain(settings)
    if not llm_wanted(settings):
        return offline
    # Imported here so that offline use never loads LangChain or the OpenAI client.
    from coach.brains.llm.brain import LLMBrain
    from coach.brains.llm.client import LLMClient
    from coach.content.templates import PromptLibrary

    prompts = PromptLibrary(settings.prompts_dir)
    return LLMBrain(
        fallback=offline,
        search=offline.search,
        seed=offline.seed,
        client=LLMClient(settings, prompts),
        prompts=prompts,
        clock=clock,
        threshold=settings.answer_threshold,
    )

"""The guided conversation: `CoachSession` state and `Engine.handle(session, text) -> [Reply]`."""

from __future__ import annotations

from coach.brains.base import Brain
from coach.brains.factory import make_brain
from coach.content.frameworks import default_framework
from coach.domain.clock import Clock, coach_now
from coach.domain.session import CoachSession
from coach.engine.core import Engine
from coach.engine.inputs import press
from coach.settings import Settings

__all__ = ["CoachSession", "Engine", "make_engine", "press"]


def make_engine(
    settings: Settings, clock: Clock = coach_now, brain: Brain | None = None
) -> Engine:
    """The engine the settings describe: their brain, knowledge and framework file."""
    framework = default_framework(settings.framework_file, settings.knowledge_dir)
    return Engine.build(brain or make_brain(settings), settings.knowledge_dir, framework, clock)

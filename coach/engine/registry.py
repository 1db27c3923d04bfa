"""Which modes the engine runs: adding a mode is one line here, nothing else changes."""

from __future__ import annotations

from pathlib import Path

from coach.engine.modes.base import Mode
from coach.engine.modes.home import HomeMode
from coach.engine.modes.learn import LearnMode
from coach.engine.modes.plan import PlanMode
from coach.engine.modes.practice import PracticeMode
from coach.engine.modes.tailor import TailorMode
from coach.engine.modes.ticket import TicketMode


def default_modes(knowledge_dir: Path | None = None) -> list[Mode]:
    """The modes in menu order; the first one is home."""
    return [
        HomeMode(), TicketMode(), PlanMode(), LearnMode(knowledge_dir),
        PracticeMode(knowledge_dir), TailorMode(knowledge_dir),
    ]

"""Shared pieces of the engine tests (no tests here): one engine, talking, reading replies."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from coach.brains.factory import make_brain
from coach.domain import Reply
from coach.domain.clock import fixed_clock
from coach.engine import CoachSession, Engine, make_engine
from coach.settings import Settings
from tests.conftest import NOW

GLOBEX_PASTE = (
    "ACCOUNT: Globex Corporation\n"
    "SEVERITY: 2\n"
    "CSM: Dana Lee\n"
    "ISSUE SUMMARY:\n"
    "Scheduled report exports have failed since the 4.12 release; manual export still works.\n"
    "BUSINESS IMPACT:\n"
    "About 60 analysts spend an extra 2 hours a day re-running reports by hand.\n"
    "ACTIONS TAKEN:\n"
    "- Opened engineering ticket ENG-4471\n"
    "- Shared manual export steps with their admin team\n"
    "RESOLUTION REQUESTED:\n"
    "Hotfix for scheduled exports\n"
    "TIMELINE REQUIRED:\n"
    "Within 3 business days\n"
)


def talk(engine: Engine, session: CoachSession, lines: Iterable[str]) -> list[Reply]:
    """Feed each line as a turn; the replies of the last turn."""
    replies: list[Reply] = []
    for line in lines:
        replies = engine.handle(session, line)
    return replies


def text_of(replies: list[Reply]) -> str:
    """All reply texts of a turn, joined."""
    return "\n".join(r.text for r in replies)


def button_ids(replies: list[Reply]) -> list[str]:
    """Every button id offered in a turn."""
    return [b.id for r in replies for b in r.buttons]


@lru_cache(maxsize=1)
def offline_engine() -> Engine:
    """The real offline engine at a fixed time; built once, since the classifier loads a model."""
    settings = Settings(_env_file=None)
    return make_engine(settings, fixed_clock(NOW), make_brain(settings))

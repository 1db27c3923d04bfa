"""What one user turn accumulates across layers: LLM usage and notices for the user.

The engine opens a turn around each `handle()`; the LLM brain records into it. A context
variable keeps concurrent sessions (threads or tasks) apart without passing it everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from coach.domain.session import Usage


@dataclass
class Turn:
    """Usage and notices gathered during one turn."""

    usage: Usage = field(default_factory=Usage)
    notices: list[str] = field(default_factory=list)
    deadline: float | None = None
    """time.monotonic() by which every model call of the turn must be done."""
    read: dict[str, Any] = field(default_factory=dict)
    """What the model read of a text this turn, by text: later steps reuse it, no new call."""

    def deadline_after(self, seconds: float) -> float:
        """The turn's model budget: set by its first model call, shared by the rest."""
        if self.deadline is None:
            self.deadline = time.monotonic() + seconds
        return self.deadline

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)


_current: ContextVar[Turn | None] = ContextVar("coach_turn", default=None)


@contextmanager
def turn() -> Iterator[Turn]:
    """Open a turn for the code inside the block."""
    current = Turn()
    token = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(token)


@contextmanager
def within_turn() -> Iterator[Turn]:
    """The open turn, or a new one for the block when none is open (a one-shot call)."""
    found = _current.get()
    if found is not None:
        yield found
    else:
        with turn() as opened:
            yield opened


def current_turn() -> Turn:
    """The open turn; outside any turn, a throwaway one, so nothing leaks between calls."""
    found = _current.get()
    return found if found is not None else Turn()

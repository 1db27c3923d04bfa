"""The plug-in contract: a `Mode` reacts to turns through a `Context` the engine hands it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from coach.brains.base import Brain
from coach.content.library import Library
from coach.domain import Button, Reply
from coach.domain.session import CoachSession
from coach.understanding.intents import IntentReading

SURE_ACT = 0.5

TokenSink = Callable[[str], None]
"""Receives text as it is generated; LLM mode streams through it, offline nothing streams."""


@dataclass
class Context:
    """What a mode may use during one turn: the session it changes and the engine's services."""

    session: CoachSession
    brain: Brain
    library: Library
    now: datetime
    on_token: TokenSink | None
    switch: Callable[[str, str], list[Reply]]
    """Enter another mode by name, passing the text that asked for it."""
    menu: Callable[[], list[Button]]
    """Buttons that start each registered mode."""
    act: IntentReading | None = None
    """What the turn's text does (a question, an answer, a situation...), read once by the
    engine before any mode sees it; None for buttons and commands."""

    def is_act(self, *acts: str) -> bool:
        """Whether the turn's text is, most likely and more likely than not, one of `acts`."""
        return self.act is not None and self.act.label in acts and self.act.chance(
            self.act.label) >= SURE_ACT

    def go(self, mode: str, step: str) -> None:
        """Move the session to a mode and step."""
        self.session.mode, self.session.step = mode, step


class Mode(Protocol):
    """A conversation the coach can have: ticket, plan, and next learn, practice, tailor.

    A new mode is a class with these members, added to `registry.default_modes()`;
    no other mode or the engine changes. Private state goes in `session.data(name)`.
    """

    name: str
    """Its id: typing it or pressing a button with this id enters the mode."""
    label: str
    """Label of the menu button that enters it."""
    topic: str
    """What it works on, for "Back to the ticket: ..." after a digression."""

    def starts(self, text: str) -> bool:
        """Whether free words like these ask for this mode, e.g. "let's draft a ticket"."""
        ...

    def enter(self, ctx: Context, text: str) -> list[Reply]:
        """Begin or resume the mode; `text` is what asked for it (may carry content)."""
        ...

    def handle(self, ctx: Context, text: str) -> list[Reply] | None:
        """React to a turn while active; None when the input fits no step here."""
        ...

    def prompt(self, ctx: Context) -> Reply:
        """Say what is expected at the current step (used after help, back, or bad input)."""
        ...

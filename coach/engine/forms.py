"""Forms: what a mode fills in by asking, one slot at a time, and what may fill each slot.

A slot has its question, the acts that never fill it (a yes or a no is not an account) and a
check of the value. A mode fills a slot only from a turn whose act fits and whose value passes
the check; otherwise it says why, stores nothing, and asks again. A turn that asks for another
part of the coach ("let's do practice instead") fills nothing: the engine takes it there, and
the form waits where it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from coach.understanding.intents import IntentReading

SURE = 0.9  # an act this sure outweighs the slot that was asked about
Check = Callable[[str], "str | None"]
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)
NAME_WORDS = 8  # longer than this, a reply is a description, not a name


def any_text(value: str) -> str | None:
    """Any words at all."""
    return None if _WORD.search(value) or re.search(r"\d", value) else "That has no words"


def a_name(value: str) -> str | None:
    """A name: a few words with a letter, not a sentence or a question."""
    if not _WORD.search(value):
        return "That has no letters"
    if value.rstrip().endswith("?"):
        return "That reads as a question"
    if len(value.split()) > NAME_WORDS:
        return "That reads as a description"
    return None


@dataclass(frozen=True)
class Slot:
    """One thing a form asks for."""

    name: str
    label: str
    question: str
    check: Check = any_text
    refuses: tuple[str, ...] = ("yesno", "company")
    """Acts that never fill this slot, when the reading is sure of them: a company described
    is offered tailoring instead (coach.engine.offers)."""

    def problem(self, value: str, act: IntentReading | None) -> str | None:
        """Why the value does not fill the slot ("That reads as a yes or no"); None when it
        does."""
        if act is not None and act.label in self.refuses and act.chance(act.label) >= SURE:
            return f"That reads as a {_ACT_WORDS.get(act.label, act.label)}"
        return self.check(value)

    def refusal(self, problem: str) -> str:
        """What the coach says when a value does not fill the slot."""
        return f"{problem}, not the {self.label.lower()}; I have not stored it."


def asks_elsewhere(act: IntentReading | None) -> bool:
    """Whether a turn asks for another part of the coach rather than answering."""
    return (act is not None and act.label == "command" and act.chance("command") >= SURE
            and act.target is not None)


_ACT_WORDS = {"yesno": "yes or no", "company": "description of the company"}


@dataclass(frozen=True)
class Form:
    """A mode's slots, in the order it asks for them."""

    slots: tuple[Slot, ...]

    def __getitem__(self, name: str) -> Slot:
        return next(slot for slot in self.slots if slot.name == name)

    @property
    def labels(self) -> dict[str, str]:
        return {slot.name: slot.label for slot in self.slots}

    @property
    def questions(self) -> dict[str, str]:
        return {slot.name: slot.question for slot in self.slots}

"""Which part of the coach a message asks for, by meaning: "throw some scenarios at me",
"need to file a sev2 real quick", "custimize the levels for my company", "yo".

A learned reader (`coach.understanding.intents`) over the turn's MiniLM vector and its shape,
fitted by `make train` on requests written by people who never saw this code
(knowledge/examples/modes.jsonl). Its labels are the modes, and "none" for messages that ask
for no part: questions about the framework, situations, answers, small talk.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from coach.understanding.acts import SHAPE, act_features
from coach.understanding.intents import IntentReading

MODES = ("home", "ticket", "plan", "learn", "practice", "tailor", "none")
MODEL_FILE = Path("models") / "modes.npz"
EXAMPLES_FILE = Path("examples") / "modes.jsonl"
EXTRA = SHAPE
SURE = 0.6  # below this, a message asks for no mode by its meaning alone


mode_features = act_features
"""The mode reader's input is the act reader's: the sentence vector, then the shape."""


MAYBE = 0.3  # a part that may be meant: better started than "I didn't understand"


def asked_mode(reading: IntentReading, sure: float = SURE) -> str | None:
    """The mode a message asks for, when the reader is `sure` enough it asks for that one."""
    wanted = max((m for m in MODES if m != "none"), key=reading.chance)
    return wanted if reading.chance(wanted) >= sure else None


def request_words(examples: Path, known: frozenset[str]) -> frozenset[str]:
    """The ordinary words people use to ask for a mode ("practice", "ticket", "tailor"), from
    the reader's training requests: what a misspelt word is compared with."""
    words: set[str] = set()
    for line in examples.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        if row.get("mode", "none") != "none":
            words.update(w for w in re.findall(r"[a-z]{5,}", str(row["text"]).casefold())
                         if w in known)
    return frozenset(words)


def respelt(text: str, known: frozenset[str], wanted: frozenset[str]) -> str:
    """The text with each unknown word of five letters or more that is one slip (a letter
    added, dropped, changed or two swapped) away from a request word replaced by it:
    "pracitce mode" -> "practice mode", "tailer this" -> "tailor this"."""
    def fix(match: re.Match[str]) -> str:
        word = match[0]
        folded = word.casefold()
        if folded in known:
            return word
        return next((w for w in sorted(wanted) if _one_slip(folded, w)), word)

    return re.sub(r"[A-Za-z]{5,}", fix, text)


def _one_slip(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))

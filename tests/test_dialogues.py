"""Scripted conversations written from the user's side by writers who never saw the code
(tests/eval/dialogues): the end state and the replies a good coach must reach. The dev part is
tuned on; the frozen part is only ever added to (its hash is checked) and prints totals only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from coach.engine import Engine
from tests.conftest import REPO_ROOT
from tests.test_engine_support import offline_engine
from tools.evaluate import NOT_UNDERSTOOD, dialogue_checks, load_jsonl, opener_reached

DIALOGUES = REPO_ROOT / "tests" / "eval" / "dialogues"
CLASSES = 10
FROZEN_FLOOR = 0.88  # measured 220/235 = 93.6% (the target is 90%)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return offline_engine()


def _passed(engine: Engine, path: Path) -> tuple[int, int]:
    results = [ok for case in load_jsonl(path) for ok in dialogue_checks(engine, case)]
    return sum(results), len(results)


def test_the_frozen_dialogues_are_unchanged() -> None:
    listed = dict(reversed(line.split()) for line in
                  (DIALOGUES / "SHA256SUMS").read_text().splitlines())
    assert set(listed) == {"frozen.jsonl", "openers_frozen.jsonl"}
    for name, digest in listed.items():
        assert hashlib.sha256((DIALOGUES / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", ["dev.jsonl", "dev2.jsonl", "frozen.jsonl"])
def test_every_class_is_covered(name: str) -> None:
    cases = load_jsonl(DIALOGUES / name)
    assert len(cases) >= 40 and len({c["class"] for c in cases}) == CLASSES
    assert all(c["turns"] and c["checks"] for c in cases)


@pytest.mark.parametrize(("name", "floor"), [("dev.jsonl", 0.85), ("dev2.jsonl", 0.85),
                                             ("frozen.jsonl", FROZEN_FLOOR)])
def test_dialogue_checks_floor(engine: Engine, name: str, floor: float) -> None:
    passed, total = _passed(engine, DIALOGUES / name)
    assert passed >= floor * total, f"{passed}/{total} checks passed"


@pytest.mark.parametrize(("name", "floor"), [("openers_dev.jsonl", 0.85),
                                             ("openers_frozen.jsonl", 0.9)])
def test_first_messages_start_the_part_they_ask_for(engine: Engine, name: str, floor: float
                                                    ) -> None:
    """Written blind, labelled twice: 60 dev and 30 frozen first messages ("pracitce mode",
    "yo", "need to file a sev2 real quick"); none is a dead end."""
    cases = load_jsonl(DIALOGUES / name)
    reached = sum(opener_reached(engine, case) for case in cases)
    dead_ends = 0
    for case in cases:
        replies = engine.handle(engine.new_session(), str(case["text"]))
        dead_ends += any(reply.text.startswith(NOT_UNDERSTOOD) for reply in replies)
    assert reached >= floor * len(cases) and dead_ends == 0, (reached, len(cases), dead_ends)

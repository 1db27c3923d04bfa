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
from tools.evaluate import dialogue_checks, load_jsonl

DIALOGUES = REPO_ROOT / "tests" / "eval" / "dialogues"
CLASSES = 10
FROZEN_FLOOR = 0.85  # measured 211/235 = 89.8% when frozen (the target is 90%)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return offline_engine()


def _passed(engine: Engine, path: Path) -> tuple[int, int]:
    results = [ok for case in load_jsonl(path) for ok in dialogue_checks(engine, case)]
    return sum(results), len(results)


def test_the_frozen_dialogues_are_unchanged() -> None:
    digest, name = (DIALOGUES / "SHA256SUMS").read_text().split()
    assert hashlib.sha256((DIALOGUES / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", ["dev.jsonl", "frozen.jsonl"])
def test_every_class_is_covered(name: str) -> None:
    cases = load_jsonl(DIALOGUES / name)
    assert len(cases) >= 40 and len({c["class"] for c in cases}) == CLASSES
    assert all(c["turns"] and c["checks"] for c in cases)


@pytest.mark.parametrize(("name", "floor"), [("dev.jsonl", 0.85), ("frozen.jsonl", FROZEN_FLOOR)])
def test_dialogue_checks_floor(engine: Engine, name: str, floor: float) -> None:
    passed, total = _passed(engine, DIALOGUES / name)
    assert passed >= floor * total, f"{passed}/{total} checks passed"

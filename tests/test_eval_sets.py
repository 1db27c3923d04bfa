"""The evaluation sets stay honest: one case format, a frozen set that is never edited, and no
text that the coach's code or knowledge could have been fitted to word for word."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.conftest import EVAL, FROZEN, KNOWLEDGE, REPO_ROOT

SHARED_RUN = 8  # words


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1)}


def test_the_frozen_files_are_exactly_those_listed_with_their_hashes() -> None:
    listed = {}
    for line in (FROZEN / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.lstrip("*")] = digest
    present = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in FROZEN.glob("*.jsonl")}
    assert present == listed


@pytest.mark.parametrize("path", [EVAL / "severity.jsonl", FROZEN / "severity.jsonl"],
                         ids=["dev", "frozen"])
def test_severity_cases_share_one_format(path: Path) -> None:
    rows = _rows(path)
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert {"id", "text", "severity", "accept"} <= row.keys()
        assert row["severity"] in row["accept"]  # type: ignore[operator]
        assert set(row["accept"]) <= {1, 2, 3, 4}  # type: ignore[call-overload]


BLIND = sorted(EVAL.glob("tickets_blind*.jsonl"))


@pytest.mark.parametrize("path", [*BLIND, FROZEN / "tickets.jsonl"],
                         ids=[*(p.stem for p in BLIND), "frozen"])
def test_blind_ticket_cases_share_one_format(path: Path) -> None:
    rows = _rows(path)
    assert len(rows) >= 30 and len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        expect = row["expect"]
        assert isinstance(expect, dict) and {"account", "csm"} <= set(expect) <= {
            "account", "csm", "severity", "actions_taken_min", "timeline"}
        assert expect["account"] and expect.get("severity", 1) in {1, 2, 3, 4}
        assert {"account", "csm"} <= set(row["agreed"])  # type: ignore[call-overload]


def test_each_dev_ticket_has_its_own_id_across_the_batches() -> None:
    ids = [row["id"] for path in BLIND for row in _rows(path)]
    assert len(ids) == len(set(ids)) > 500


def test_the_frozen_set_is_large_and_mostly_hard_enough() -> None:
    severity, questions = _rows(FROZEN / "severity.jsonl"), _rows(FROZEN / "questions.jsonl")
    assert len(severity) >= 200 and sum(bool(r["hard"]) for r in severity) >= 0.4 * len(severity)
    assert len(questions) >= 40


def test_no_eval_text_shares_eight_words_with_the_code_or_the_knowledge() -> None:
    sources = [*(REPO_ROOT / "coach").rglob("*.py"), *(p for p in KNOWLEDGE.rglob("*")
               if p.is_file() and p.suffix in {".md", ".yaml", ".jsonl", ".json", ".txt"})]
    known = set().union(*(_runs(p.read_text(encoding="utf-8")) for p in sources))
    shared = [
        f"{path.relative_to(REPO_ROOT)}:{row.get('id', n)}"
        for path in [*EVAL.glob("*.jsonl"), *FROZEN.glob("*.jsonl")]
        for n, row in enumerate(_rows(path))
        for field in ("text", "question")
        if isinstance(row.get(field), str) and _runs(str(row[field])) & known
    ]
    assert shared == []

"""Accuracy figures for the classifier and the extractor, shared by the tests and `make bench`."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.domain import (
    Answer,
    Classification,
    Reply,
    SeverityFramework,
    SeverityLevel,
    TicketDraft,
    hours_text,
)

if TYPE_CHECKING:
    from coach.engine import Engine

Classify = Callable[[str, SeverityFramework], Classification]
Extract = Callable[[str, SeverityFramework, datetime], TicketDraft]
_EXACT = {"account", "csm", "escalation_owner"}


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """One dict per non-blank line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@dataclass
class SeverityReport:
    """Accuracy, confusion matrix (rows: expected, columns: predicted) and the misses.

    A prediction is right when a labeller gave it (the case's `accept`). A dangerous under-call
    is judged against the most severe accepted level: 1 graded 3 or 4, or 2 graded 4.
    """

    levels: int
    total: int = 0
    correct: int = 0
    under_calls: int = 0
    matrix: list[list[int]] = field(default_factory=list)
    misses: list[tuple[str, int, int]] = field(default_factory=list)
    by_pattern: dict[str, list[int]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def matrix_text(self) -> str:
        """The confusion matrix as a small Markdown table."""
        head = "| expected \\ predicted | " + " | ".join(str(n + 1) for n in range(self.levels))
        rows = [head + " |", "|---" * (self.levels + 1) + "|"]
        for i, row in enumerate(self.matrix):
            rows.append(f"| {i + 1} | " + " | ".join(map(str, row)) + " |")
        return "\n".join(rows)


def severity_report(
    classify: Classify, framework: SeverityFramework, cases: Iterable[dict[str, Any]]
) -> SeverityReport:
    """Classify every case ({"id", "text", "severity", "accept"}) and tally the results."""
    count = len(framework.levels)
    report = SeverityReport(count, matrix=[[0] * count for _ in range(count)])
    for case in cases:
        expected = int(case["severity"])
        accepted = {int(n) for n in case.get("accept", [expected])}
        got = classify(str(case["text"]), framework).severity
        right = got in accepted
        report.total += 1
        report.correct += right
        report.under_calls += dangerous(min(accepted), got)
        report.matrix[expected - 1][got - 1] += 1
        tally = report.by_pattern.setdefault(str(case.get("misleading") or "plain"), [0, 0])
        tally[0] += right
        tally[1] += 1
        if not right:
            report.misses.append((str(case["text"]), expected, got))
    return report


def dangerous(most_severe: int, predicted: int) -> bool:
    """A Severity 1 graded 3 or 4, or a Severity 2 graded 4."""
    return (most_severe == 1 and predicted >= 3) or (most_severe == 2 and predicted >= 4)


def question_report(
    answer: Callable[[str], Answer], framework: SeverityFramework, cases: Iterable[dict[str, Any]]
) -> int:
    """How many questions are answered right, with sources: the answer states the asked fact
    (response time, owner, or "Severity N") of a level the labellers accepted."""
    right = 0
    for case in cases:
        reply = answer(str(case["question"]))
        facts = [_fact(framework.level(int(n)), str(case["asks"])) for n in case["accept"]]
        right += bool(reply.sources) and any(f.casefold() in reply.answer.casefold() for f in facts)
    return right


def names_report(
    read: Callable[[str], Any], cases: Iterable[dict[str, Any]]
) -> dict[str, int]:
    """How many cases' account and CSM the reader gets right (case-insensitive)."""
    right = {"account": 0, "csm": 0}
    for case in cases:
        names = read(str(case["text"]))
        for name in right:
            got, want = getattr(names, name), case["expect"][name]
            right[name] += (got or "").casefold() == (want or "").casefold()
    return right


def situation_cases(questions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Level questions that tell a situation, as severity cases of that situation alone."""
    from coach.answering.levels import situation

    told = ((q, situation(str(q["question"]))) for q in questions)
    return [{"id": q["id"], "text": text, "severity": q["severity"], "accept": q["accept"]}
            for q, text in told if text]


def _fact(level: SeverityLevel, asks: str) -> str:
    if asks == "response":
        return hours_text(level.response_hours)
    return level.owner if asks == "owner" else f"Severity {level.level}"


def ticket_field_results(draft: TicketDraft, case: dict[str, Any]) -> dict[str, bool]:
    """Per field of a case ({"expected", "absent"}): did the draft get it right?"""
    results = {name: _field_ok(name, getattr(draft, name), want)
               for name, want in case["expected"].items()}
    for name in case.get("absent", []):
        results[name] = getattr(draft, name) in (None, "", [])
    return results


def ticket_report(
    extract: Extract, framework: SeverityFramework, cases: Iterable[dict[str, Any]], now: datetime
) -> tuple[float, list[tuple[int, str]]]:
    """Share of ticket fields right over all cases, and the (case index, field) pairs wrong."""
    right, total, wrong = 0, 0, []
    for index, case in enumerate(cases):
        results = ticket_field_results(extract(str(case["text"]), framework, now), case)
        right += sum(results.values())
        total += len(results)
        wrong += [(index, name) for name, ok in results.items() if not ok]
    return (right / total if total else 0.0), wrong


def _field_ok(name: str, got: Any, want: Any) -> bool:
    if name == "actions_taken":
        actions = [a.casefold() for a in got or []]
        return all(any(str(p).casefold() in a for a in actions) for p in want)
    if name == "severity":
        return bool(got == want)
    if got is None:
        return False
    if name in _EXACT:
        return str(got).casefold() == str(want).casefold()
    return str(want).casefold() in str(got).casefold()


def latencies(run: Callable[[str], object], texts: list[str]) -> tuple[float, float]:
    """Median and 95th-percentile seconds of `run` over the texts (after one warm-up call)."""
    run(texts[0])
    times = []
    for text in texts:
        start = time.perf_counter()
        run(text)
        times.append(time.perf_counter() - start)
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def cold_start(runs: int = 3, text: str = "Every user is locked out of the app") -> float:
    """Best wall-clock seconds of a fresh `coach classify --json` process."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "coach", "classify", text, "--json"],
                       check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def dialogue_checks(engine: Engine, case: dict[str, Any]) -> list[bool]:
    """Run one scripted conversation (tests/eval/dialogues) on a fresh session; each of its
    checks on the end state or the last turn's replies, passed or not."""
    session = engine.new_session()
    engine.start(session)
    replies: list[Reply] = []
    for line in case["turns"]:
        replies = engine.handle(session, str(line))
    state = session.model_dump(mode="json")
    said = "\n".join(reply.text for reply in replies)
    return [_check(check, state, said) for check in case["checks"]]


NOT_UNDERSTOOD = ("I didn't understand", "I don't have anything")
MENU = {"ticket", "plan", "learn", "practice", "tailor"}


def opener_reached(engine: Engine, case: dict[str, Any]) -> bool:
    """Whether a first message (tests/eval/dialogues/openers_*.jsonl) started a part it asks
    for (`accept`): its mode; the menu listed, for "menu"; a question about the framework
    answered with sources, for "learn"; the ticket a plan starts from, for "plan"."""
    session = engine.new_session()
    engine.start(session)
    replies = engine.handle(session, str(case["text"]))
    said = " ".join(reply.text for reply in replies)
    if any(reply.text.startswith(NOT_UNDERSTOOD) for reply in replies):
        return False
    reached = {session.mode}
    if MENU <= {button.id for reply in replies for button in reply.buttons}:
        reached.add("menu")
    if session.mode == "home" and any(reply.citations for reply in replies):
        reached.add("learn")
    if session.mode == "ticket" and "plan starts from a confirmed ticket" in said:
        reached.add("plan")
    return bool(reached & set(case["accept"]))


def _check(check: dict[str, Any], state: dict[str, Any], said: str) -> bool:
    if "reply" in check:
        value: Any = said
    else:
        value = state
        for part in str(check["path"]).split("."):
            value = value.get(part) if isinstance(value, dict) else None
    text = " ".join(map(str, value)) if isinstance(value, list) else str(value or "")
    folded = text.casefold()
    if "equals" in check:
        want = check["equals"]
        if want is None or isinstance(want, (int, float)):
            return bool(value == want)
        return folded == str(want).casefold()
    if "contains" in check:
        return str(check["contains"]).casefold() in folded
    if "not_contains" in check:
        return str(check["not_contains"]).casefold() not in folded
    if "contains_any" in check:
        return any(str(w).casefold() in folded for w in check["contains_any"])
    if "not_starts" in check:
        return not folded.lstrip().startswith(str(check["not_starts"]).casefold())
    raise ValueError(f"unknown check: {check}")


DASHBOARD_TODAY = datetime(2026, 12, 1).date()  # the sets' ranges are read as of this day


def dashboard_requests(path: Path) -> tuple[int, int, int, int]:
    """(right, requests found, false alarms, cases) of `asks_for_dashboard` on a set of
    `{"id", "text", "dashboard"}` cases."""
    from coach.web.dashboard import asks_for_dashboard

    cases = load_jsonl(path)
    said = [(asks_for_dashboard(c["text"], DASHBOARD_TODAY), bool(c["dashboard"])) for c in cases]
    return (sum(got == want for got, want in said), sum(got and want for got, want in said),
            sum(got and not want for got, want in said), len(cases))

"""The frozen test set (tests/eval/test/), scored as totals only.

Written blind from the seed framework and labelled twice; nobody reads it case by case, and
these tests report totals, never a case. The floors sit just under the figures measured at the
last training (BENCHMARKS.md); they stop a regression, they are not the targets.
"""

from __future__ import annotations

import pytest

from coach.brains.offline import OfflineBrain
from coach.domain import SeverityFramework
from tests.conftest import FROZEN
from tools.evaluate import load_jsonl, names_report, question_report, severity_report

pytestmark = pytest.mark.slow


def test_severity_on_the_frozen_set(brain: OfflineBrain, seed: SeverityFramework) -> None:
    report = severity_report(brain.classify, seed, load_jsonl(FROZEN / "severity.jsonl"))
    totals = (f"{report.correct}/{report.total} right, "
              f"{report.under_calls} dangerous under-calls")
    assert report.accuracy >= 0.88, totals
    assert report.under_calls <= 0.01 * report.total, totals  # the target: at most 1%


def test_questions_on_the_frozen_set(brain: OfflineBrain, seed: SeverityFramework) -> None:
    cases = load_jsonl(FROZEN / "questions.jsonl")
    right = question_report(lambda q: brain.answer(q, framework=seed), seed, cases)
    assert right >= 0.88 * len(cases), f"{right}/{len(cases)} answered right with sources"


def test_ticket_names_on_the_frozen_set(brain: OfflineBrain) -> None:
    cases = load_jsonl(FROZEN / "tickets.jsonl")
    right = names_report(brain.read_names, cases)
    totals = f"{right} of {len(cases)}"
    assert right["account"] >= 0.92 * len(cases) and right["csm"] >= 0.92 * len(cases), totals

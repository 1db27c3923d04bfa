"""The understanding step: learned readers of a turn's act and of what a question asks, and
the engine following people when they ask something mid-flow or describe their company."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from coach.answering.asks import ASKS
from coach.brains.offline import OfflineBrain
from coach.domain import SeverityFramework
from coach.understanding.acts import ACTS
from tests.conftest import KNOWLEDGE
from tests.test_engine_support import offline_engine, talk, text_of

RUN = 6  # words two training utterances may not share


def _rows(name: str) -> list[dict[str, str]]:
    path = KNOWLEDGE / "examples" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize(("name", "key", "labels"), [("acts.jsonl", "act", ACTS),
                                                      ("asks.jsonl", "asks", ASKS)])
def test_training_sets_cover_every_label_without_near_copies(
        name: str, key: str, labels: tuple[str, ...]) -> None:
    rows = _rows(name)
    counts = Counter(r[key] for r in rows)
    assert set(counts) == set(labels) and min(counts.values()) >= 60, counts
    seen: dict[tuple[str, ...], int] = {}
    for n, row in enumerate(rows):
        words = re.findall(r"\w+", row["text"].lower())
        for i in range(len(words) - RUN + 1):
            assert seen.setdefault(tuple(words[i:i + RUN]), n) == n, row["text"]


@pytest.mark.parametrize(("text", "act"), [
    ("hmm wait, what does the resolution requested field want from me?", "question"),
    ("Account: Tollgate Freight\nSeverity: 2\nCSM: Ines\nSummary: label printing fails", "paste"),
    ("nope", "yesno"),
])
def test_plain_acts_are_read(brain: OfflineBrain, text: str, act: str) -> None:
    assert brain.read_act(text).label == act


@pytest.mark.parametrize(("question", "fact"), [
    ("P4 SLA?", "48 hours"),
    ("ok and who leads on a severity I?", "VP CS + Executive"),
])
def test_terse_level_questions_are_answered_from_the_framework(
        brain: OfflineBrain, seed: SeverityFramework, question: str, fact: str) -> None:
    answer = brain.answer(question, framework=seed)
    assert fact in answer.answer and answer.sources


def test_a_question_mid_ticket_is_answered_and_nothing_is_stored() -> None:
    engine = offline_engine()
    session = engine.new_session()
    engine.start(session)
    answers = {"ask:account": "Globex", "ask:csm": "Dana Li", "triage": "2", "severity": "2",
               "ask:issue_summary": "Scheduled exports fail since Monday for all analysts."}
    talk(engine, session, ["let's draft a ticket"])
    while session.step in answers:
        engine.handle(session, answers[session.step])
    assert session.step == "ask:business_impact"
    replies = engine.handle(session, "sorry, what counts as business impact?")
    assert session.ticket.business_impact is None and session.step == "ask:business_impact"
    assert replies[0].citations  # answered from the knowledge, with sources
    assert replies[-1].text.startswith("Back to the ticket: ")


def test_a_company_described_on_the_home_screen_starts_tailoring_not_a_ticket() -> None:
    engine = offline_engine()
    session = engine.new_session()
    engine.start(session)
    replies = engine.handle(session, "Hi! Head of CS here at a 40-person Series A startup, we "
                                     "sell mostly to mid-market companies and have 3 CSMs.")
    assert session.mode == "tailor" and session.progress.started_at is None
    assert "ticket" not in text_of(replies).casefold()

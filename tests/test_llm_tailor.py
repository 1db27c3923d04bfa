"""Tailoring in LLM mode through the real engine and the fake OpenAI server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from coach.engine import CoachSession, Engine
from coach.settings import Settings
from tests.fake_openai import FakeOpenAI, Scripted
from tests.test_engine_support import text_of
from tests.test_llm_engine import llm_engine

PROFILE = {
    "stage": "series-a",
    "segments": ["mid-market"],
    "cs_team_size": 40,
    "cs_roles": ["CS Director", "CS Manager", "CSM"],
    "absent_roles": ["VP CS"],
    "coverage": "business-hours",
    "timezone": "US Eastern",
}


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def propose(engine: Engine, session: CoachSession, server: FakeOpenAI) -> None:
    """Start tailoring and describe the company; the model reads it as the Series A profile."""
    engine.handle(session, "tailor")
    server.enqueue(Scripted(content=json.dumps({"edit": None, "profile": PROFILE})))
    engine.handle(session, "Series A, mid-market, no VP CS, business hours US Eastern")


def calls_per_turn(engine: Engine, server: FakeOpenAI, lines: list[str]) -> list[int]:
    session = engine.new_session()
    counts = []
    for line in lines:
        before = len(server.chat_requests)
        engine.handle(session, line)
        counts.append(len(server.chat_requests) - before)
    return counts


def test_free_text_is_read_by_the_llm_and_answered_questions_are_not_asked_again(
    settings: Settings, server: FakeOpenAI
) -> None:
    engine = llm_engine(settings, server)
    session = engine.new_session()
    engine.handle(session, "tailor")
    server.enqueue(Scripted(content=json.dumps({"edit": None, "profile": PROFILE})))
    before = len(server.chat_requests)
    replies = engine.handle(
        session,
        "we're a Series A selling to mid-market, no VP CS yet, business hours on the US east coast",
    )
    assert len(server.chat_requests) - before == 1
    assert session.profile.stage == "series-a" and session.profile.coverage == "business-hours"
    assert "VP CS" not in session.profile.cs_roles
    assert session.proposal is not None
    assert all("VP CS" not in lvl.owner for lvl in session.proposal.levels)
    text = text_of(replies)
    assert "What stage" not in text and "coverage" not in session.step


def test_an_edit_in_the_llms_reading_changes_only_that_level(
    settings: Settings, server: FakeOpenAI
) -> None:
    engine = llm_engine(settings, server, retries=1)
    session = engine.new_session()
    propose(engine, session, server)
    assert session.proposal is not None
    before = session.proposal.model_copy(deep=True)
    bad = {"edit": {"kind": "response", "level": 9, "value": "2 hours"}, "profile": None}
    good = {"edit": {"kind": "response", "level": 2, "value": "2 hours"}, "profile": None}
    server.enqueue(Scripted(content=json.dumps(bad)), Scripted(content=json.dumps(good)))
    engine.handle(session, "we promise the second tier an answer inside a couple of hours")
    assert "edit.level must be one of" in server.chat_requests[-1]["messages"][-1]["content"]
    assert session.proposal.levels[1].response_hours == 2
    assert [lvl.response_hours for lvl in session.proposal.levels][2:] == [
        lvl.response_hours for lvl in before.levels
    ][2:]


def test_proposal_wording_by_the_llm_keeps_owners_and_is_explained(
    settings: Settings, server: FakeOpenAI
) -> None:
    engine = llm_engine(settings, server)
    session = engine.new_session()
    propose(engine, session, server)
    owners = [lvl.owner for lvl in session.proposal.levels] if session.proposal else []
    wording = {
        "levels": [
            {
                "level": 1,
                "definition": "A customer's team cannot run payroll",
                "examples": ["Payroll export down for a mid-market customer"],
                "why": "Mid-market customers run payroll on us.",
            }
        ]
    }
    server.enqueue(Scripted(content=json.dumps(wording)))
    replies = engine.handle(session, "[button:no-slas]")  # a quick reply: re-proposes, no read
    assert session.proposal is not None
    assert session.proposal.levels[0].examples == ["Payroll export down for a mid-market customer"]
    assert [lvl.owner for lvl in session.proposal.levels] == owners
    assert "Mid-market customers run payroll on us." in text_of(replies)


def test_tailoring_turns_make_at_most_one_call_each(settings: Settings, server: FakeOpenAI) -> None:
    server.responder = lambda request: Scripted(
        content=json.dumps(
            {"edit": None, "profile": PROFILE}
            if "tailoring" in json.dumps(request)
            else {"levels": []}
        )
    )
    counts = calls_per_turn(
        llm_engine(settings, server),
        server,
        [
            "tailor",
            "Series A, mid-market, no VP CS, business hours US Eastern",
            "[button:no-slas]",
            "[button:uptime]",
            "about 20 a month",
            "accept",
        ],
    )
    assert max(counts) <= 1

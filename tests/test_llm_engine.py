"""The real engine in LLM mode against the fake OpenAI server: one call per turn at most."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from coach.brains.factory import make_brain
from coach.domain import EscalationTicket
from coach.domain.clock import fixed_clock
from coach.engine import CoachSession, Engine, make_engine
from coach.settings import Settings
from tests.conftest import NOW
from tests.fake_openai import FakeOpenAI, Scripted
from tests.test_engine_support import text_of

EXTRACTED = {
    "account": "Initech",
    "csm": "Sam Park",
    "severity": 1,
    "severity_rationale": "They threaten to cancel at renewal.",
    "issue_summary": "Reporting outage blocks month-end reports",
    "business_impact": "300 users cannot run reports; $120k ARR at risk",
    "actions_taken": ["Opened a P1 with engineering"],
    "resolution_requested": "A fix deployed and a call with their CFO",
    "timeline_required": "by Friday",
    "escalation_owner": None,
}
PASTE = (
    "Initech, my account (I'm Sam Park), says they will cancel at renewal unless the reporting "
    "outage is fixed. 300 users can't run month-end reports and $120k ARR is at risk. I've "
    "opened a P1 with engineering. We need a fix deployed and a call with their CFO by Friday."
)


READ = {"act": "situation", "mode": "none", "confidence": 0.9, "ticket": EXTRACTED}
"""The turn's reading of PASTE: its act, and the ticket fields it states."""


def llm_reply(request: dict[str, Any]) -> Scripted:
    """A model stand-in that always reads or extracts the Initech ticket (used by make bench
    too)."""
    reading = "Say what the message does" in json.dumps(request)
    return Scripted(content=json.dumps(READ if reading else EXTRACTED))


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def llm_engine(settings: Settings, server: FakeOpenAI, retries: int = 0) -> Engine:
    """The real engine on an LLM brain that talks to the fake server."""
    configured = settings.model_copy(
        update={
            "llm": "openai",
            "llm_base_url": server.base_url,
            "llm_api_key": SecretStr("sk-x"),
            "llm_timeout": 3.0,
            "llm_max_retries": retries,
        }
    )
    return make_engine(configured, fixed_clock(NOW), make_brain(configured, fixed_clock(NOW)))


def confirmed_by_llm(engine: Engine, server: FakeOpenAI) -> CoachSession:
    """A session whose ticket the model read from PASTE, accepted and confirmed."""
    session = engine.new_session()
    server.enqueue(Scripted(content=json.dumps(READ)))
    for line in ["ticket", PASTE, "accept", "confirm"]:
        engine.handle(session, line)
    return session


def test_ticket_by_llm_makes_at_most_one_call_per_turn(
    settings: Settings, server: FakeOpenAI
) -> None:
    engine = llm_engine(settings, server)
    session = engine.new_session()
    server.enqueue(Scripted(content=json.dumps(READ)))  # the act and the fields, in one call
    counts = []
    for line in ["ticket", PASTE, "accept", "confirm"]:
        before = len(server.chat_requests)
        engine.handle(session, line)
        counts.append(len(server.chat_requests) - before)
    assert max(counts) <= 1 and sum(counts) == 1
    ticket = EscalationTicket.model_validate(
        session.confirmed_ticket.model_dump() if session.confirmed_ticket else {}
    )
    assert (ticket.account, ticket.csm, ticket.severity) == ("Initech", "Sam Park", 1)
    assert ticket.escalation_owner == "VP CS + Executive"
    assert session.usage.calls == 1 and session.usage.prompt_tokens > 0
    status = text_of(engine.handle(session, "status"))
    assert "Language model: llm; 1 LLM calls" in status


def test_a_failing_llm_turn_is_answered_offline_with_a_notice(
    settings: Settings, server: FakeOpenAI
) -> None:
    engine = llm_engine(settings, server)
    session = engine.new_session()
    engine.handle(session, "ticket")
    server.enqueue(Scripted(status=500))
    replies = engine.handle(session, PASTE)
    assert replies[0].notice and "Answered offline" in replies[0].notice
    assert session.ticket.account == "Initech"  # the offline extractor filled it in
    CoachSession.model_validate_json(session.model_dump_json())


def drafts_written_as(settings: Settings, server: FakeOpenAI, customer_update: str) -> str:
    """The drafts' text for a confirmed ticket when the model writes this customer update;
    asserts the drafts took one model call."""
    engine = llm_engine(settings, server)
    session = confirmed_by_llm(engine, server)
    written = {"customer_update": customer_update,
               "internal_summary": "HEADLINE: Initech reporting outage, Severity 1."}
    server.enqueue(Scripted(content=json.dumps(written)))
    before = len(server.chat_requests)
    text = text_of(engine.handle(session, "drafts"))
    assert len(server.chat_requests) - before == 1
    return text


def test_message_drafts_are_written_by_the_llm_in_one_call(
    settings: Settings, server: FakeOpenAI
) -> None:
    # Severity 1: first response due 11:00 (10:00 + 1 hour), the next update 2 hours later.
    text = drafts_written_as(settings, server,
                             "Hi Initech team, we are on it. Next update by 13:00.")
    assert "Next update by 13:00" in text and "HEADLINE: Initech" in text
    prompt = server.chat_requests[-1]["messages"][-1]["content"]
    assert "Initech" in prompt and "13:00" in prompt


def test_a_customer_update_the_llm_fills_with_internal_detail_is_not_used(
    settings: Settings, server: FakeOpenAI
) -> None:
    text = drafts_written_as(settings, server,
                             "Hi Initech team, your $240k renewal matters; ENG-7781 is open.")
    assert "$240k" not in text and "ENG-7781" not in text
    assert "Hi Initech team," in text and "HEADLINE: Initech" in text  # offline customer draft


def test_triage_answers_reach_the_llm_in_the_turn_s_one_call(
    settings: Settings, server: FakeOpenAI
) -> None:
    engine = llm_engine(settings, server)
    session = engine.new_session()
    unsure = {"severity": 2, "rationale": "Could be 2 or 1.", "confidence": 0.4}
    server.enqueue(Scripted(content=json.dumps(unsure)))
    for line in ["ticket", "Initech", "Their order sync fails on and off since Monday.",
                 "Some orders reach the warehouse late."]:
        engine.handle(session, line)
    assert session.step == "triage"
    sure = {"severity": 1, "rationale": "Their business is stopped.", "confidence": 0.9}
    server.enqueue(Scripted(content=json.dumps(sure)))
    engine.handle(session, "yes")
    engine.handle(session, "no")
    before = len(server.chat_requests)
    replies = engine.handle(session, "no")
    assert len(server.chat_requests) - before == 1
    graded = server.chat_requests[-1]["messages"][-1]["content"]
    assert "cannot do their core work" in graded and "workaround" in graded
    assert "Severity 1" in text_of(replies)
    assert "Triage answers:" in (session.ticket.severity_rationale or "")


def test_an_unsure_turn_is_read_by_the_model_in_its_one_call(
    settings: Settings, server: FakeOpenAI
) -> None:
    engine = llm_engine(settings, server)
    session = engine.new_session()
    server.enqueue(Scripted(content=json.dumps(
        {"act": "command", "mode": "practice", "confidence": 0.9, "ticket": None})))
    engine.handle(session, "explian the severity tiers")  # offline: a command, not sure
    assert len(server.chat_requests) == 1 and session.mode == "practice"
    prompt = server.chat_requests[-1]["messages"][-1]["content"]
    assert "explian the severity tiers" in prompt and "home: menu" in prompt


def test_a_sure_or_short_turn_makes_no_reading_call_and_a_failed_one_falls_back(
    settings: Settings, server: FakeOpenAI
) -> None:
    engine = llm_engine(settings, server)
    session = engine.new_session()
    for line in ["ticket", "Initech", "Some orders reach the warehouse late.", "skip"]:
        engine.handle(session, line)
    readings = [r for r in server.chat_requests if "Say what the message does" in json.dumps(r)]
    assert readings == [] and session.ticket.account == "Initech"
    fresh = engine.new_session()
    server.enqueue(Scripted(status=500))
    replies = engine.handle(fresh, "explian the severity tiers")
    assert replies[0].notice and "Answered offline" in replies[0].notice
    assert fresh.mode == "learn"  # the offline reading's target

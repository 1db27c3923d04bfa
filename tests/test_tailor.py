"""Tailoring: questions one at a time, free text, rules per profile, edits, acceptance, export."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from coach.brains.offline import OfflineBrain
from coach.domain import SeverityFramework
from coach.engine import CoachSession, Engine, press
from tests.test_engine_support import button_ids, offline_engine, talk, text_of

SERIES_A = ("we're a 40-person Series A selling to mid-market, no VP CS yet, "
            "business hours US Eastern")


def start(engine: Engine) -> CoachSession:
    session = engine.new_session()
    engine.start(session)
    return session


def tailored(engine: Engine) -> CoachSession:
    """A session with a Series A proposal on the table (not accepted)."""
    session = start(engine)
    talk(engine, session, [SERIES_A, "a head of CS, two CS managers, a support lead and 6 CSMs"])
    assert session.proposal is not None
    return session


def test_free_text_answers_several_questions_which_are_not_asked_again() -> None:
    engine = offline_engine()
    session = start(engine)
    replies = engine.handle(session, SERIES_A)
    profile = session.profile
    assert (profile.stage, profile.segments, profile.coverage) == (
        "series-a", ["mid-market"], "business-hours")
    assert profile.timezone == "America/New_York"  # an IANA zone, shown as "US Eastern"
    assert session.data("tailor")["absent_roles"] == ["VP CS"]
    assert session.mode == "tailor" and session.step == "ask:roles"
    assert "which roles exist" in text_of(replies)
    asked = [engine.handle(session, "skip") for _ in range(4)]
    texts = " ".join(text_of(r) for r in asked)
    for answered in ("What stage", "Which customer segments", "What coverage"):
        assert answered not in texts


def test_the_same_sentence_as_the_answer_to_the_stage_question() -> None:
    engine = offline_engine()
    session = start(engine)
    talk(engine, session, ["tailor"])
    assert session.step == "ask:stage"
    engine.handle(session, SERIES_A)
    assert (session.profile.stage, session.profile.segments) == ("series-a", ["mid-market"])
    assert session.step == "ask:roles"


def test_questions_come_one_at_a_time_with_buttons_and_can_be_skipped() -> None:
    engine = offline_engine()
    session = start(engine)
    first = engine.handle(session, "tailor")
    assert "What stage" in text_of(first)
    assert {"seed", "series-a", "skip"} <= set(button_ids(first))
    second = engine.press(session, "seed")
    assert session.profile.stage == "seed"
    assert "segments" in text_of(second) and "smb" in button_ids(second)
    talk(engine, session, ["skip"])
    assert session.proposal is None  # roles and coverage are still unknown
    third = talk(engine, session, ["2 CSMs", press("business-hours")])
    assert session.proposal is not None  # stage, roles and coverage known: proposed at once
    assert any(a.kind == "framework" for r in third for a in r.artifacts)


# --- Edits, acceptance and what follows -------------------------------------------------------

def test_valid_edits_change_only_what_they_name() -> None:
    engine = offline_engine()
    session = tailored(engine)
    before = session.proposal
    assert before is not None
    talk(engine, session, ["make severity 2 response 2 hours"])
    assert session.proposal is not None and session.proposal.levels[1].response_hours == 2
    talk(engine, session, ["sev 3 owner is the Support Lead",
                           "add 'SSO broken' as a sev 2 example", "rename level 1 to P1"])
    after = session.proposal
    assert after.levels[2].owner == "Support Lead"
    assert "SSO broken" in after.levels[1].examples
    assert after.levels[0].name == "P1"
    assert after.levels[3] == before.levels[3]


@pytest.mark.parametrize("edit, says", [
    ("make sev 2 response 10 minutes", "can't make Severity 2 faster than Severity 1"),
    ("sev 3 owner is the VP CS", "not a role you have"),
    ("rename level 2 to Critical", "must be unique"),
    ("sev 7 owner is the CSM", "no level"),
    ("make severity 4 response soon", "couldn't read a time"),
])
def test_an_edit_that_breaks_an_invariant_is_refused_and_nothing_changes(
    edit: str, says: str
) -> None:
    engine = offline_engine()
    session = tailored(engine)
    before = session.proposal
    replies = engine.handle(session, edit)
    assert says in text_of(replies)
    assert "Nothing was changed" in text_of(replies) or "stays as it was" in text_of(replies)
    assert session.proposal == before


def test_accepting_makes_the_proposal_active_and_edits_keep_working() -> None:
    engine = offline_engine()
    session = tailored(engine)
    proposal = session.proposal
    replies = engine.handle(session, "accept")
    assert session.framework == proposal and session.proposal is None
    assert any(a.kind == "framework" for r in replies for a in r.artifacts)
    talk(engine, session, ["menu", "make severity 3 response 12 hours"])
    assert session.framework.levels[2].response_hours == 12
    refused = engine.handle(session, "make severity 3 response 1 minute")
    assert "stays as it was" in text_of(refused)
    assert session.framework.levels[2].response_hours == 12
    restored = CoachSession.model_validate_json(session.model_dump_json())
    assert restored.framework == session.framework


def test_after_acceptance_classification_and_ticket_owners_follow_the_framework(
    brain: OfflineBrain,
) -> None:
    engine = offline_engine()
    session = tailored(engine)
    seed = session.framework
    assert brain.classify("Dashboard colours look odd", seed).severity == 4
    talk(engine, session, ["add 'SSO broken' as a sev 2 example",
                           "add 'Dashboard colours look odd' as a sev 2 example", "accept"])
    assert brain.classify("SSO broken", session.framework).severity == 2
    assert brain.classify("Dashboard colours look odd", session.framework).severity == 2
    replies = talk(engine, session, [
        "I need to escalate Initech",
        "SSO broken for their finance team since this morning; they can use passwords meanwhile.",
        "About 30 accountants re-enter passwords; month-end close continues.",
        "severity 2",
    ])
    assert session.ticket.severity == 2
    assert session.ticket.escalation_owner == "Head of CS"  # the tailored level 2 owner
    assert session.response_due() == session.progress.started_at + timedelta(hours=4)
    assert replies


def test_export_gives_markdown_and_json() -> None:
    engine = offline_engine()
    session = tailored(engine)
    replies = engine.handle(session, "export framework")
    text = text_of(replies)
    assert "severity-framework.md" in text and "| Level | Name |" not in text  # in the file
    data = next(a.data for r in replies for a in r.artifacts if a.kind == "framework")
    exported = SeverityFramework.model_validate(json.loads(json.dumps(data)))
    assert exported == session.proposal



def test_export_anywhere_includes_an_accepted_framework() -> None:
    engine = offline_engine()
    session = tailored(engine)
    talk(engine, session, ["accept", "ticket"])
    assert session.mode == "ticket"
    text = text_of(engine.handle(session, "export"))
    assert "severity-framework.json" in text
    text = text_of(engine.handle(session, "export framework"))
    assert "severity-framework.md" in text and session.ticket.account is None


def test_a_definition_edit_keeps_a_word_that_starts_like_to() -> None:
    engine = offline_engine()
    session = tailored(engine)
    engine.handle(session, "make severity 1 definition total outage for every user")
    assert session.proposal is not None
    assert session.proposal.levels[0].definition == "total outage for every user"

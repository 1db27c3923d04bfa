"""Unsure never means "Severity 4": the chat asks at most three triage questions, then grades.

The judge here is the real offline brain with one thing fixed: its classification of the
ticket is unsure, so the conversation's policy is tested apart from the model's weights.
"""

from __future__ import annotations

from datetime import datetime

from coach.brains.offline import OfflineBrain
from coach.domain import Alternative, Classification, SeverityFramework, TicketDraft
from coach.domain.clock import fixed_clock
from coach.engine import CoachSession, Engine, press
from coach.engine.triage import read_answer
from coach.settings import Settings
from tests.conftest import NOW
from tests.test_engine_support import button_ids, talk, text_of

OPENING = [
    "I need to escalate Initech",
    "Their order sync has been failing on and off since Monday.",
    "Some orders reach the warehouse late; staff re-enter a few by hand.",
]


class UnsureJudge(OfflineBrain):
    """The offline brain, except that its judgement hesitates until it hears triage answers."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.graded: list[str] = []

    def classify(self, text: str, framework: SeverityFramework) -> Classification:
        self.graded.append(text)
        heard = "cannot do their core work" in text
        level = framework.level(1 if heard else 2)
        return Classification(
            severity=level.level, name=level.name, owner=level.owner,
            response_hours=level.response_hours, rationale=f"Severity {level.level}.",
            confidence=0.9 if heard else 0.45, unsure=not heard,
            alternatives=[Alternative(severity=level.level, probability=0.45),
                          Alternative(severity=3, probability=0.40)],
        )

    def extract_ticket(self, text: str, framework: SeverityFramework, now: datetime) -> TicketDraft:
        return super().extract_ticket(text, framework, now).model_copy(
            update={"severity": None, "severity_rationale": None})


def _engine(settings: Settings) -> tuple[Engine, UnsureJudge]:
    judge = UnsureJudge(settings)
    return Engine.build(judge, settings.knowledge_dir, judge.seed, fixed_clock(NOW)), judge


def _session(engine: Engine) -> CoachSession:
    session = engine.new_session()
    engine.start(session)
    return session


def test_an_unsure_judgement_starts_triage_with_one_question(settings: Settings) -> None:
    engine, _ = _engine(settings)
    session = _session(engine)
    replies = talk(engine, session, OPENING)
    assert session.step == "triage"
    assert "1 of 3" in text_of(replies) and "Why I ask" in text_of(replies)
    assert {"yes", "no", "not-sure", "accept"} <= set(button_ids(replies))


def test_three_answers_then_the_coach_grades_with_them(settings: Settings) -> None:
    engine, judge = _engine(settings)
    session = _session(engine)
    talk(engine, session, OPENING)
    second = talk(engine, session, ["yes"])
    assert "2 of 3" in text_of(second)
    talk(engine, session, ["no"])
    graded = talk(engine, session, [press("not-sure")])
    assert session.step == "severity" and not session.progress.triage_plan
    assert "cannot do their core work" in judge.graded[-1]  # the answers were graded
    assert "Severity 1" in text_of(graded)
    rationale = session.ticket.severity_rationale or ""
    assert "Triage answers:" in rationale and "yes" in rationale and "not sure" not in rationale
    assert [a.answer for a in session.progress.triage] == ["yes", "no", "unsure"]


def test_a_stated_level_ends_triage_and_is_taken_as_chosen(settings: Settings) -> None:
    engine, _ = _engine(settings)
    session = _session(engine)
    talk(engine, session, OPENING)
    talk(engine, session, ["make it a 3"])
    assert session.ticket.severity == 3 and session.progress.severity_confirmed
    assert session.step != "triage" and not session.progress.triage_plan


def test_accept_takes_the_current_proposal(settings: Settings) -> None:
    engine, _ = _engine(settings)
    session = _session(engine)
    talk(engine, session, OPENING)
    talk(engine, session, [press("accept")])
    assert session.ticket.severity == 2 and session.progress.severity_confirmed
    assert session.step != "triage"


def test_a_reply_that_is_not_an_answer_takes_the_proposal_and_moves_on(
    settings: Settings,
) -> None:
    engine, _ = _engine(settings)
    session = _session(engine)
    talk(engine, session, OPENING)
    replies = talk(engine, session, ["Dana Lee"])
    assert session.ticket.severity == 2 and session.progress.severity_confirmed
    assert "Severity 2" in text_of(replies) and session.step != "triage"


def test_a_level_stated_in_the_description_is_never_triaged(settings: Settings) -> None:
    engine, _ = _engine(settings)
    session = _session(engine)
    talk(engine, session, [
        "I need to escalate Initech",
        "Sev 2: their order sync has been failing on and off since Monday.",
    ])
    assert not session.progress.triage and session.step != "triage"


def test_triage_answers_are_read_in_everyday_words() -> None:
    assert read_answer("Yeah, totally") == "yes"
    assert read_answer("nope") == "no"
    assert read_answer("a few of them") == "no"
    assert read_answer("all 900 agents") == "yes"
    assert read_answer("not sure tbh") == "unsure"
    assert read_answer("what do you mean by core work?") is None

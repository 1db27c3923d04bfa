"""Learning the framework: six cited lessons in order, check questions, questions, skip, jump."""

from __future__ import annotations

import re

from coach.content.sections import AREA_TITLES, AREAS, load_chunks
from coach.domain import Reply
from coach.engine import CoachSession, Engine
from coach.training.lessons import load_lessons
from tests.conftest import KNOWLEDGE
from tests.test_engine_support import button_ids, offline_engine, talk, text_of


def start(engine: Engine) -> CoachSession:
    session = engine.new_session()
    engine.start(session)
    return session


def lesson_title(replies: list[Reply]) -> str:
    """The area of the lesson a turn shows."""
    match = re.search(r"\*\*Lesson \d of 6: (.+?)\*\*", text_of(replies))
    assert match, f"no lesson in {text_of(replies)[:200]!r}"
    return next(area for area, title in AREA_TITLES.items() if title == match.group(1))


def test_walks_the_six_areas_in_order_each_cited_from_knowledge() -> None:
    engine = offline_engine()
    session = start(engine)
    known = {(c.file, c.section) for c in load_chunks(KNOWLEDGE)}
    seen = []
    replies = engine.handle(session, "learn")
    for _ in AREAS:
        seen.append(lesson_title(replies))
        citations = [c for r in replies for c in r.citations]
        assert citations and all((c.file, c.section) in known for c in citations)
        assert {c.file for c in citations} == {f"lessons/{seen[-1]}.md"}
        replies = engine.handle(session, "next")
    assert seen == list(AREAS)
    assert "6 of 6 areas" in text_of(replies)
    assert session.data("learn")["completed"] == list(AREAS)


def test_check_question_gives_feedback_and_progress_is_kept() -> None:
    engine = offline_engine()
    session = start(engine)
    talk(engine, session, ["learn"])
    check = engine.handle(session, "check")
    assert {"a", "b", "c"} <= set(button_ids(check))
    wrong = engine.handle(session, "a")
    assert "Not quite" in text_of(wrong) and "b)" in text_of(wrong)
    talk(engine, session, ["next", "check"])
    right = engine.handle(session, "b")
    assert text_of(right).startswith("Correct.")
    state = session.data("learn")
    assert state["correct"] == {"criteria": False, "severity": True}
    restored = CoachSession.model_validate_json(session.model_dump_json())
    assert restored.mode_data == session.mode_data and restored.step == "feedback"


def test_any_question_is_answered_with_citations_and_the_lesson_resumes() -> None:
    engine = offline_engine()
    session = start(engine)
    talk(engine, session, ["learn", "check"])
    replies = engine.handle(session, "Who owns a Severity 2 escalation?")
    answer, back = replies[0], replies[-1]
    assert answer.citations and "CS Director" in answer.text
    assert "Check:" in back.text  # the check question is asked again
    assert session.data("learn")["phase"] == "check"


def test_skip_go_back_and_jump_by_name() -> None:
    engine = offline_engine()
    session = start(engine)
    talk(engine, session, ["learn"])
    assert lesson_title(engine.handle(session, "skip")) == "severity"
    assert lesson_title(engine.handle(session, "jump to communication")) == "communication"
    assert lesson_title(engine.handle(session, "previous lesson")) == "response"
    assert lesson_title(engine.handle(session, "Post-escalation review")) == "review"
    assert session.data("learn")["index"] == AREAS.index("review")


def test_learn_can_start_on_a_named_area_from_anywhere() -> None:
    engine = offline_engine()
    session = start(engine)
    assert lesson_title(engine.handle(session, "teach me about tracking")) == "tracking"
    assert session.mode == "learn"


def test_a_question_from_the_menu_or_a_plan_is_answered_with_sources() -> None:
    engine = offline_engine()
    session = engine.new_session()
    replies = engine.handle(session, "how often do I update the customer on a sev 1?")
    assert "every 2 hours" in replies[0].text and replies[0].citations
    assert session.mode == "home"
    assert "didn't understand" in text_of(engine.handle(session, "banana bread"))


def test_check_works_again_after_an_answer_and_continue_moves_on() -> None:
    engine = offline_engine()
    session = start(engine)
    talk(engine, session, ["learn", "check"])
    wrong = engine.handle(session, "a")
    assert "check" in button_ids(wrong) and "`check`" in text_of(wrong)
    again = engine.handle(session, "check")
    assert "didn't understand" not in text_of(again)
    assert "Check: Escalation criteria" in text_of(again)
    assert session.data("learn")["phase"] == "check"
    assert text_of(engine.handle(session, "b")).startswith("Correct.")
    assert "Check: Escalation criteria" in text_of(engine.handle(session, "check"))
    engine.handle(session, "b")
    assert lesson_title(engine.handle(session, "continue")) == "severity"


def test_feedback_never_doubles_a_full_stop() -> None:
    engine = offline_engine()
    for area in AREAS:
        session = start(engine)
        talk(engine, session, [f"learn {area}", "check"])
        for choice in "abc":
            replies = engine.handle(session, choice)
            assert ".." not in text_of(replies), text_of(replies)
            talk(engine, session, ["check"])


def test_lessons_teach_the_substance_within_a_short_read() -> None:
    lessons = load_lessons(KNOWLEDGE)
    for lesson in lessons.values():
        points = lesson.key_points()
        words = sum(len(f"{heading} {text}".split()) for heading, text in points)
        assert words <= 220, (lesson.area, words)
        assert len(points) == len(lesson.sections)
        assert all(text.endswith((".", '"')) for _, text in points)
    response = " ".join(text for _, text in lessons["response"].key_points())
    assert all(t in response for t in ("1 hour", "4 hours", "24 hours", "48 hours"))
    severity = " ".join(text for _, text in lessons["severity"].key_points())
    assert all(role in severity for role in ("VP CS", "CS Director", "CS Manager", "CSM"))
    bullets = text_of(engine_lesson("response"))
    assert "within 1 hour" in bullets and "Response time targets are set per" not in bullets


def engine_lesson(area: str) -> list[Reply]:
    engine = offline_engine()
    return engine.handle(start(engine), f"learn {area}")


def test_a_hedged_letter_answers_the_check_question() -> None:
    engine = offline_engine()
    for said in ("b i guess?", "its c right?", "i'd say a"):
        session = start(engine)
        talk(engine, session, ["learn", "check"])
        replies = engine.handle(session, said)
        assert session.step == "feedback", said
        assert text_of(replies).startswith(("Correct", "Not quite")), said

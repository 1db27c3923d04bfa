"""Practice: scenarios from the bank, answers in usual forms, partial credit, a summary."""

from __future__ import annotations

import pytest

from coach.domain import SeverityFramework, hours_text
from coach.engine import CoachSession, Engine
from coach.tailoring.guide import load_guide
from coach.training.scenarios import Scenario, load_scenarios
from coach.training.scoring import (
    PartScore,
    PracticeAnswer,
    ScenarioScore,
    read_answer,
    score_answer,
)
from coach.training.summary import PracticeSummary, summarise
from tests.conftest import KNOWLEDGE
from tests.test_engine_support import offline_engine, talk, text_of

ROLES = load_guide(KNOWLEDGE).owner_aliases()


def start(engine: Engine) -> CoachSession:
    session = engine.new_session()
    engine.start(session)
    return session


def scenario(level: int) -> Scenario:
    return next(s for s in load_scenarios(KNOWLEDGE) if s.level == level)


def test_the_bank_has_at_least_30_scenarios_covering_every_level() -> None:
    bank = load_scenarios(KNOWLEDGE)
    assert len(bank) >= 30
    assert {s.level for s in bank} == {1, 2, 3, 4}
    assert len({s.id for s in bank}) == len(bank)


@pytest.mark.parametrize("text, severity, owner, hours", [
    ("P2", 2, [], None),
    ("high", 2, [], None),
    ("sev 2", 2, [], None),
    ("four hours", None, [], 4),
    ("4h", None, [], 4),
    ("the director", None, ["CS Director"], None),
    ("Critical, VP CS and an exec, within the hour", 1, ["VP CS", "Executive"], 1),
    ("severity three, CS manager, 24 hours", 3, ["CS Manager"], 24),
    ("I'd say a 4 and I own it myself, 2 days", 4, ["CSM"], 48),
    ("P1 - 30 min - vp", 1, ["VP CS"], 0.5),
])
def test_answers_are_read_in_their_usual_forms(
    text: str, severity: int | None, owner: list[str], hours: float | None, seed: SeverityFramework
) -> None:
    answer = read_answer(text, seed, ROLES)
    assert (answer.severity, answer.owner, answer.hours) == (severity, owner, hours)


def test_each_part_is_scored_with_partial_credit(seed: SeverityFramework) -> None:
    high = scenario(2)
    exact = score_answer(high, PracticeAnswer(severity=2, owner=["CS Director"], hours=4), seed)
    assert [p.score for p in exact.parts] == [1, 1, 1]
    one_off = score_answer(high, PracticeAnswer(severity=3, owner=["CS Manager"], hours=24), seed)
    assert [p.score for p in one_off.parts] == [0.5, 0.5, 0.5]
    far = score_answer(high, PracticeAnswer(severity=4, owner=["CSM"], hours=48), seed)
    assert [p.score for p in far.parts] == [0, 0, 0]
    assert "Severity 2 (High)" in far.parts[0].note and "CS Director" in far.parts[1].note


def correct_answer(session: CoachSession) -> str:
    """The right answer, in words, to the scenario being shown."""
    state = session.data("practice")
    bank = {s.id: s for s in load_scenarios(KNOWLEDGE)}
    level = session.framework.levels[bank[state["round"][state["position"]]].level - 1]
    return f"sev {level.level}, {level.owner}, {hours_text(level.response_hours)}"


def test_a_scripted_round_ends_with_a_score_weak_spots_and_lessons_to_revisit() -> None:
    engine = offline_engine()
    session = start(engine)
    first = engine.handle(session, "practice 3 scenarios")
    assert "Scenario 1 of 3" in text_of(first)
    graded = engine.handle(session, correct_answer(session))
    scores = [a for r in graded for a in r.artifacts if a.kind == "score"]
    assert scores and scores[0].data["parts"][0]["score"] == 1
    # Second scenario: severity only, then the rest when asked; a deliberately wrong owner.
    asked = engine.handle(session, correct_answer(session).split(",")[0])
    assert "the owner and the response time" in text_of(asked)
    unclear = engine.handle(session, "not sure")  # names nothing: asked again, nothing scored
    assert "I didn't understand" in text_of(unclear)
    wrong_owner = "myself" if "CSM" not in correct_answer(session) else "the VP"
    last = talk(engine, session, [wrong_owner, correct_answer(session).split(", ")[2]])
    assert "Scenario 3 of 3" in text_of(last)
    done = engine.handle(session, "stop")
    summary = PracticeSummary.model_validate(
        next(a.data for r in done for a in r.artifacts if a.kind == "score"))
    assert (summary.scenarios, summary.out_of) == (2, 6)
    assert summary.score == 5 and summary.percent == 83
    assert summary.by_part["owner"] == 0.5
    assert any(w.startswith("Owner") for w in summary.weak_spots)
    assert summary.revisit == ["severity"]
    assert "Lessons to revisit: Severity levels" in text_of(done)
    assert any(c.file == "lessons/severity.md" for r in done for c in r.citations)


def test_practice_scores_against_the_accepted_tailored_framework() -> None:
    engine = offline_engine()
    session = start(engine)
    talk(engine, session, ["tailor", "seed", "smb", "2 CSMs", "business-hours", "accept"])
    assert session.framework.levels[1].owner == "Founder"
    talk(engine, session, ["practice 1 scenarios"])
    level = session.framework.levels[load_bank_level(session) - 1]
    replies = engine.handle(session, f"sev {level.level}, the CS Director, "
                                     f"{hours_text(level.response_hours)}")
    text = text_of(replies)
    assert session.framework.name in text
    assert f"is owned by {level.owner}" in text


def load_bank_level(session: CoachSession) -> int:
    state = session.data("practice")
    bank = {s.id: s for s in load_scenarios(KNOWLEDGE)}
    return bank[state["round"][state["position"]]].level


def graded(expected: int, given: int, credit: float) -> ScenarioScore:
    parts = [PartScore(part=p, score=credit, note="") for p in ("severity", "owner", "response")]
    return ScenarioScore(scenario_id=f"s{expected}{given}", title="t", expected_level=expected,
                         given_level=given, parts=parts)


def test_summary_counts_the_exact_credit_per_part() -> None:
    summary = summarise([graded(2, 3, 0.5) for _ in range(3)], "seed")
    assert "Severity: 1.5 of 3" in summary.weak_spots
    assert "Owner: 1.5 of 3" in summary.weak_spots
    assert "Response time: 1.5 of 3" in summary.weak_spots
    assert not any("0.51" in spot for spot in summary.weak_spots)


def test_over_grading_advice_names_severity_1_only_when_it_was_used() -> None:
    no_sev1 = summarise([graded(3, 2, 0.5), graded(4, 3, 0.5)], "seed")
    over = next(s for s in no_sev1.weak_spots if "more severe" in s)
    assert "Graded 2 scenarios" in over and "Severity 1" not in over
    assert "Severity 2 or Severity 3" in over
    with_sev1 = summarise([graded(2, 1, 0.5)], "seed")
    over = next(s for s in with_sev1.weak_spots if "more severe" in s)
    assert over.startswith("Graded 1 scenario ") and "keep Severity 1" in over


def test_score_notes_never_end_in_a_double_full_stop(seed: SeverityFramework) -> None:
    stopped = seed.model_copy(update={"levels": [
        lvl.model_copy(update={"definition": lvl.definition + "."}) for lvl in seed.levels]})
    result = score_answer(scenario(2), PracticeAnswer(severity=4, owner=["CSM"]), stopped)
    assert all(".." not in p.note for p in result.parts)
    assert all(p.note.endswith(".") for p in result.parts)

"""Questions about a severity level are answered from the framework, not from prose."""

from __future__ import annotations

import pytest

from coach.answering.levels import MATRIX_FILE, level_answer
from coach.brains.offline import OfflineBrain
from coach.domain import SeverityFramework, SeverityLevel
from coach.parsing.text import sentences
from coach.web.views import cited_sources
from tests.conftest import EVAL, KNOWLEDGE
from tools.evaluate import load_jsonl, question_report


@pytest.mark.parametrize(
    ("question", "level"),
    [
        ("how long do I have to get back to a customer on a sev 3?", 3),
        ("who's supposed to own the absolute worst kind of escalation?", 1),
        ("a medium-level escalation landed on my desk, who owns it?", 3),
        ("what kinds of things count as a P2?", 2),
        ("how would you describe the lowest level?", 4),
        ("what's the third-highest tier for?", 3),
        ("got a meduim-priority ticket, what's the response time?", 3),
        ("a crtical case landed, how soon must I answer?", 1),
        ("lowest level: do I deal with it myself or does it go up to my boss?", 4),
    ],
)
def test_a_named_level_gets_its_facts_from_the_framework(
    brain: OfflineBrain, seed: SeverityFramework, question: str, level: int
) -> None:
    answer = brain.answer(question)
    facts = seed.level(level)
    assert [s.model_dump() for s in answer.sources] == [
        {"file": MATRIX_FILE, "section": f"Severity {level} ({facts.name})"}
    ]
    text = answer.answer.lower()
    assert f"{facts.response_hours:g} hour" in text and facts.owner.lower() in text
    assert all(example.lower() in text for example in facts.examples)


def test_two_named_levels_are_compared(brain: OfflineBrain) -> None:
    answer = brain.answer("what actually separates a sev 1 from a sev 2?")
    assert "business-stopping" in answer.answer and "workaround exists" in answer.answer
    assert len(answer.sources) == 2


def test_every_level_at_once(brain: OfflineBrain, seed: SeverityFramework) -> None:
    answer = brain.answer("what are the response times for each severity level?")
    assert all(f"within {lvl.response_hours:g} h" in answer.answer for lvl in seed.levels)


def test_a_described_situation_is_graded_then_taught(brain: OfflineBrain) -> None:
    answer = brain.answer(
        "customer's whole platform is down and nobody can log in. how fast do we need to reply?"
    )
    assert answer.answer.startswith("From what you describe, this is Severity 1 (Critical)")
    assert "1 hour" in answer.answer
    assert answer.sources[0].file == MATRIX_FILE
    assert len(sentences(answer.answer)) <= 3 and len(answer.answer.split()) <= 81


@pytest.mark.parametrize(
    "question",
    [
        # the story's words ("night", "field", "update") are not what is asked
        "The whole app went dark last night - nobody there can sign in. Who owns it?",
        "Their admin can't add a custom field, says 'we are stuck.' What severity?",
        "how fast on an account whose every user is locked out after the status page update?",
    ],
)
def test_the_story_told_does_not_change_what_is_asked(brain: OfflineBrain, question: str) -> None:
    assert brain.answer(question).answer.startswith("From what you describe, this is Severity")


@pytest.mark.parametrize(
    "question",
    [
        "How often do we update the customer on a sev 2?",
        "Do we need a post-escalation review for a sev 1?",
        "Who on the customer's side needs to know about a sev 1?",
        "How fast do I need to respond?",  # no level named, no situation to grade
        "What is a first response?",
    ],
)
def test_other_questions_about_levels_are_left_to_the_lessons(
    brain: OfflineBrain, seed: SeverityFramework, question: str
) -> None:
    assert level_answer(question, seed) is None
    answer = brain.answer(question)
    assert answer.sources and all(s.file != MATRIX_FILE for s in answer.sources)


def test_a_tailored_framework_answers_with_its_own_facts() -> None:
    levels = [
        SeverityLevel(level=n, name=name, definition=f"{name} impact", response_hours=hours,
                      owner=owner, examples=[f"{name} example"])
        for n, name, hours, owner in [
            (1, "Blocker", 0.5, "Head of Support"),
            (2, "Major", 2, "Support Lead"),
            (3, "Minor", 8, "Account Manager"),
        ]
    ]
    framework = SeverityFramework(name="Acme", levels=levels)
    answer = level_answer("who owns a blocker issue and how fast do we respond?", framework)
    assert answer is not None
    assert "30 minutes" in answer.answer and "Head of Support" in answer.answer


def test_the_ui_shows_the_cited_level(brain: OfflineBrain) -> None:
    answer = brain.answer("who owns a sev 2?")
    [source] = cited_sources(answer.sources, KNOWLEDGE)
    assert source.name == f"{MATRIX_FILE} § Severity 2 (High)"
    assert "CS Director" in source.text and "4 hours" in source.text


@pytest.mark.parametrize(
    "question",
    ["is " * 3300, "a 1 or a 2 " * 900, "sev 1, " * 1400, "who owns " * 1100, "?" * 9000],
)
def test_odd_long_questions_get_a_well_formed_answer(brain: OfflineBrain, question: str) -> None:
    answer = brain.answer(question[:10_000])
    assert answer.answer and len(sentences(answer.answer)) <= 3


@pytest.mark.parametrize(("name", "floor"), [("level_questions.jsonl", 0.85),
                                             ("level_questions_2.jsonl", 0.80)])
def test_situations_and_indirect_level_names_floor(
    brain: OfflineBrain, seed: SeverityFramework, name: str, floor: float
) -> None:
    """Dev questions written blind: a situation to grade, or a level named in other words."""
    cases = load_jsonl(EVAL / name)
    right = question_report(lambda q: brain.answer(q, framework=seed), seed, cases)
    assert right >= floor * len(cases), f"{right}/{len(cases)}"


def test_a_belief_in_a_question_is_confirmed_or_corrected(brain: OfflineBrain,
                                                          seed: SeverityFramework) -> None:
    wrong = brain.answer("i think a customer threatening to leave is a sev 2?", framework=seed)
    assert wrong.answer.startswith("Not quite") and "not Severity 2 but Severity 1" in wrong.answer
    right = brain.answer("so a full outage for all their users would be sev 1, right?",
                         framework=seed)
    assert right.answer.startswith("Yes") and "Severity 1 (Critical)" in right.answer
    story = brain.answer("the whole platform is down since 6am and nothing works, would that "
                         "be a sev 3?", framework=seed)
    assert "not Severity 3 but Severity 1" in story.answer and story.sources


def test_a_level_s_own_listed_example_is_never_contradicted(brain: OfflineBrain,
                                                            seed: SeverityFramework) -> None:
    answer = brain.answer("wait, is a data breach concern always a sev 1?", framework=seed)
    assert answer.answer.startswith("Yes") and "Severity 1 (Critical)" in answer.answer

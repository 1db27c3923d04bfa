"""The offline severity classifier: accuracy floors, framework awareness, misleading text."""

from __future__ import annotations

import numpy as np
import pytest

from coach.domain import SeverityFramework, SeverityLevel
from coach.search.embeddings import word_embedder
from coach.understanding.classifier import SeverityClassifier, spread
from coach.understanding.signals import find_signals
from tests.conftest import EVAL, KNOWLEDGE
from tools.evaluate import leave_one_out, load_jsonl, severity_report


@pytest.fixture(scope="module")
def classifier() -> SeverityClassifier:
    return SeverityClassifier.from_knowledge(KNOWLEDGE, word_embedder())


def _level(n: int, name: str, hours: float, owner: str, examples: list[str]) -> SeverityLevel:
    return SeverityLevel(level=n, name=name, definition=f"{name} situations", response_hours=hours,
                         owner=owner, examples=examples)


@pytest.fixture(scope="module")
def tailored() -> SeverityFramework:
    """Five levels with their own owners and times, and an example of their own at level 3."""
    return SeverityFramework(name="Tailored", levels=[
        _level(1, "P0", 0.5, "Head of Support", ["Platform down for all tenants"]),
        _level(2, "P1", 2, "Support Director", ["Core workflow broken, workaround exists"]),
        _level(3, "P2", 8, "Team Lead", ["Label printer driver rejects thermal paper rolls"]),
        _level(4, "P3", 24, "Senior CSM", ["Training gap"]),
        _level(5, "P4", 72, "Account Manager", ["Cosmetic issue"]),
    ])


def test_accuracy_on_the_evaluation_set(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    report = severity_report(classifier.classify, seed, load_jsonl(EVAL / "severity.jsonl"))
    assert report.accuracy >= 0.95, report.misses


def test_leave_one_out_on_the_example_bank(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    assert leave_one_out(classifier, seed).accuracy >= 0.92


def test_output_comes_from_the_active_framework(
    classifier: SeverityClassifier, seed: SeverityFramework, tailored: SeverityFramework
) -> None:
    text = "The whole platform is down for Acme and none of their 900 agents can log in."
    assert classifier.classify(text, seed).owner == "VP CS + Executive"
    result = classifier.classify(text, tailored)
    assert (result.severity, result.name, result.owner, result.response_hours) == (
        1, "P0", "Head of Support", 0.5)
    low = classifier.classify("Could we get a dark mode? Purely a nice-to-have.", tailored)
    assert (low.severity, low.owner) == (5, "Account Manager")


def test_a_tailored_example_classifies_at_its_own_level(
    classifier: SeverityClassifier, tailored: SeverityFramework
) -> None:
    result = classifier.classify("The label printer driver rejects thermal paper rolls.", tailored)
    assert result.severity == 3


def test_seed_levels_spread_by_relative_position() -> None:
    assert spread(1, 5) == {1: 1.0}
    assert spread(4, 3) == {3: 1.0}
    assert spread(2, 3) == pytest.approx({1: 1 / 3, 2: 2 / 3})


@pytest.mark.parametrize(("text", "level", "context"), [
    ("No customer data was exposed or leaked; Hartwell Dental only spotted a typo on the login "
     "page.", 4, "negated"),
    ("They mentioned the outage from two years ago, but today they only want a CSV column "
     "renamed.", 4, "past"),
    ("Their CTO asked what our failover plan would be if the platform ever went down; just "
     "curious.", 4, "hypothetical"),
    ("Their payroll provider had a data breach; our systems were not affected and they only "
     "wanted a confirmation email.", 4, "third party"),
    ("One user at Brindle Law says her dashboard is slow to load this afternoon.", 4,
     "single user"),
])
def test_misleading_signals_are_weighed_in_context(
    classifier: SeverityClassifier, seed: SeverityFramework, text: str, level: int, context: str
) -> None:
    assert any(signal.context == context for signal in find_signals(text))
    result = classifier.classify(text, seed)
    assert result.severity == level, result.rationale
    assert context in result.rationale


def test_rationale_names_signals_and_examples(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    text = "Initech says they will cancel at renewal and move to a competitor."
    result = classifier.classify(text, seed)
    assert result.severity == 1
    assert "churn" in result.rationale and "Closest examples" in result.rationale


def test_confidence_is_lower_on_ambiguous_text(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    clear = classifier.classify(
        "Every user at Norfield is locked out, the whole site is down and orders stopped.", seed)
    vague = classifier.classify("Norfield had some questions about their account this week.", seed)
    assert clear.confidence > vague.confidence


def test_close_call_picks_the_more_severe_level(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    # An outage with a workaround sits between levels 1 and 2; the framework teaches "go higher".
    text = "Checkout is down for everyone at Pellow Books; staff take card payments by phone."
    assert classifier.classify(text, seed).severity == 1


def test_a_conditional_threat_to_leave_is_not_a_hypothetical(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    text = "Their CFO said they would cancel unless the billing errors are fixed this week."
    assert classifier.classify(text, seed).severity == 1


def test_close_scores_go_to_the_more_severe_level() -> None:
    from coach.understanding.classifier import decide

    assert decide(np.array([0.9, 1.0, 0.1, 0.0]))[0] == 1  # within 15%: the higher severity
    assert decide(np.array([0.5, 1.0, 0.1, 0.0]))[0] == 2  # a clear win stays
    assert decide(np.array([0.0, 0.1, 1.0, 0.95]))[0] == 3  # never the less severe one


@pytest.mark.parametrize("text", ["The customer emailed me.", "Can we talk about Globex tomorrow?",
                                  "something's off with the account"])
def test_text_that_names_no_problem_is_not_graded_severe(
    classifier: SeverityClassifier, seed: SeverityFramework, text: str
) -> None:
    result = classifier.classify(text, seed)
    assert result.severity == 4 and result.confidence <= 0.3
    assert "names no problem" in result.rationale


def test_a_negated_clause_does_not_pull_in_look_alike_examples(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    text = "No data was exposed, but the customer asks about our SOC2 report."
    assert classifier.classify(text, seed).severity >= 3


def test_another_vendors_outage_is_not_a_churn_threat(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    third = ("A partner of theirs had an outage with another vendor; they asked whether we're "
             "affected. We're not.")
    assert classifier.classify(third, seed).severity >= 3
    leaving = "Their CFO says they are switching to another vendor next quarter."
    assert classifier.classify(leaving, seed).severity == 1


def test_an_example_added_at_an_unusual_level_wins_over_the_signals(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    data = seed.model_dump()
    data["levels"][0]["examples"].append("dashboard colors wrong")
    tailored = SeverityFramework.model_validate(data)
    assert classifier.classify("The dashboard colors are wrong", seed).severity > 1
    assert classifier.classify("The dashboard colors are wrong", tailored).severity == 1

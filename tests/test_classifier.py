"""The severity classifier: the learned model decides, unsure means more severe, any framework."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from coach.domain import SeverityFramework, SeverityLevel
from coach.search.embeddings import local_embedder
from coach.settings import Settings
from coach.understanding.classifier import SeverityClassifier, on_framework, propose, spread
from coach.understanding.features import SIGNAL_FEATURES
from coach.understanding.signals import find_signals
from tests.conftest import EVAL, KNOWLEDGE
from tools.evaluate import load_jsonl, severity_report, situation_cases
from tools.severity_features import bank_hash


@pytest.fixture(scope="module")
def classifier(settings: Settings) -> SeverityClassifier:
    return SeverityClassifier.from_knowledge(KNOWLEDGE, local_embedder(settings.models_dir))


def _level(n: int, name: str, hours: float, owner: str, examples: list[str]) -> SeverityLevel:
    return SeverityLevel(level=n, name=name, definition=f"{name} situations", response_hours=hours,
                         owner=owner, examples=examples)


@pytest.fixture(scope="module")
def tailored() -> SeverityFramework:
    """Five levels with their own owners and times."""
    return SeverityFramework(name="Tailored", levels=[
        _level(1, "P0", 0.5, "Head of Support", ["Platform down for all tenants"]),
        _level(2, "P1", 2, "Support Director", ["Core workflow broken, workaround exists"]),
        _level(3, "P2", 8, "Team Lead", ["Report export slow"]),
        _level(4, "P3", 24, "Senior CSM", ["Training gap"]),
        _level(5, "P4", 72, "Account Manager", ["Cosmetic issue"]),
    ])


def test_the_committed_model_was_trained_on_this_bank_and_these_signals(
    classifier: SeverityClassifier,
) -> None:
    texts = [t for t, _ in classifier.bank]
    levels = [lvl for _, lvl in classifier.bank]
    assert classifier.model.bank_hash == bank_hash(texts, levels), "run `make train`"
    model = classifier.model
    for head in (model.regression, model.tuned_head):
        assert head.coef.shape == (4, 384 + len(SIGNAL_FEATURES) + 4)
    shipped = classifier.embedder.top_weights(model.tuning.first)
    assert model.tuning.weights.keys() == shipped.keys()
    assert all(model.tuning.weights[k].shape == w.shape for k, w in shipped.items())
    assert classifier.model.bank_embeddings.shape == (len(texts), 384)
    assert classifier.model.encoder == classifier.embedder.identity


def test_no_hand_rule_changes_the_models_output_on_any_dev_case(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    for case in load_jsonl(EVAL / "severity.jsonl"):
        text = str(case["text"])
        p = classifier.model.probabilities(classifier.read(text))
        result = classifier.classify(text, seed)
        assert result.severity == propose(p, classifier.model.threshold,
                                          classifier.model.floor), text
        assert [a.severity for a in result.alternatives] == list(np.argsort(-p)[:2] + 1)
        assert result.confidence == pytest.approx(float(p.max()), abs=0.005)


def test_unsure_proposes_the_more_severe_of_the_two_likeliest() -> None:
    assert propose(np.array([0.30, 0.40, 0.20, 0.10]), threshold=0.5, floor=1) == 1
    # never the milder
    assert propose(np.array([0.05, 0.15, 0.45, 0.35]), threshold=0.5, floor=1) == 3
    assert propose(np.array([0.05, 0.15, 0.25, 0.55]), threshold=0.5, floor=1) == 4
    assert propose(np.array([0.30, 0.40, 0.20, 0.10]), threshold=0.35, floor=1) == 2


def test_a_likely_enough_much_graver_level_is_proposed() -> None:
    """A 20% chance of a Severity 1 is not graded 3 or 4; a level next to it is not moved."""
    assert propose(np.array([0.20, 0.05, 0.05, 0.70]), threshold=0.5, floor=0.15) == 1
    assert propose(np.array([0.10, 0.20, 0.00, 0.70]), threshold=0.5, floor=0.15) == 2
    assert propose(np.array([0.18, 0.02, 0.80, 0.00]), threshold=0.5, floor=0.15) == 1
    assert propose(np.array([0.10, 0.30, 0.60, 0.00]), threshold=0.5, floor=0.15) == 3


def test_accuracy_floor_on_the_dev_cases(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    """The dev severity set and the situations told in the dev level questions (204 cases)."""
    cases = load_jsonl(EVAL / "severity.jsonl")
    for name in ("level_questions.jsonl", "level_questions_2.jsonl"):
        cases += situation_cases(load_jsonl(EVAL / name))
    report = severity_report(classifier.classify, seed, cases)
    assert report.accuracy >= 0.84 and report.under_calls <= 4, (report.correct, report.total)


def test_output_comes_from_the_active_framework(
    classifier: SeverityClassifier, seed: SeverityFramework, tailored: SeverityFramework
) -> None:
    text = "The whole platform is down for Acme and none of their 900 agents can log in."
    assert classifier.classify(text, seed).owner == "VP CS + Executive"
    result = classifier.classify(text, tailored)
    assert (result.severity, result.name, result.owner, result.response_hours) == (
        1, "P0", "Head of Support", 0.5)
    assert all(1 <= a.severity <= 5 for a in result.alternatives)


def test_probabilities_carry_onto_a_framework_by_relative_position() -> None:
    assert spread(1, 5) == {1: 1.0}
    assert spread(4, 3) == {3: 1.0}
    assert spread(2, 3) == pytest.approx({1: 1 / 3, 2: 2 / 3})
    carried = on_framework(np.array([0.1, 0.2, 0.3, 0.4]), 5)
    assert carried.sum() == pytest.approx(1.0) and carried[-1] == pytest.approx(0.4)


def test_rationale_names_signals_and_examples(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    text = "Initech's COO says they will cancel at renewal and move to a competitor."
    result = classifier.classify(text, seed)
    assert result.severity == 1
    assert "churn" in result.rationale and "Closest examples" in result.rationale


def test_a_signal_in_a_past_or_negated_clause_is_set_aside_in_the_rationale(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    text = "No customer data was exposed; Hartwell Dental only spotted a typo on the login page."
    assert any(s.context == "negated" for s in find_signals(text))
    assert "negated" in classifier.classify(text, seed).rationale


def test_confidence_is_lower_on_ambiguous_text(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    clear = classifier.classify(
        "Every user at Norfield is locked out, the whole site is down and orders stopped.", seed)
    vague = classifier.classify("Norfield had some questions about their account this week.", seed)
    assert clear.confidence > vague.confidence


def test_the_runtime_never_imports_scikit_learn() -> None:
    code = ("import sys; from coach.brains.offline import OfflineBrain; "
            "from coach.settings import get_settings; b = OfflineBrain(get_settings()); "
            "b.classify('the site is down', b.seed); print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True,
                         text=True, check=True).stdout
    assert not [m for m in json.loads(out) if m.split(".")[0] in ("sklearn", "scipy", "torch")]


def test_the_tuned_layers_run_on_the_shared_lower_ones(classifier: SeverityClassifier) -> None:
    """With the shipped weights in the tuned slots, the tuned vector is the plain one; with
    the tuned weights it differs, and the plain one is unchanged."""
    texts = ["the whole platform is down", "a typo on the pricing page"]
    encoder, first = classifier.embedder, classifier.model.tuning.first
    plain = encoder.embed(texts)
    same, copy = encoder.embed_tuned(texts, encoder.top_weights(first), first)
    assert np.allclose(same, plain, atol=1e-6) and np.allclose(copy, plain, atol=1e-6)
    base, tuned = encoder.embed_tuned(texts, classifier.model.tuning.weights, first)
    assert np.allclose(base, plain, atol=1e-6)
    assert (np.sum(tuned * plain, axis=1) < 0.99).all()

"""The surface reading: n-grams cut as scikit-learn cuts them, TF-IDF vectors, the committed head.

`make train` checks the coach's logits against scikit-learn's on every dev case; these check the
pieces by hand, in the project's venv, which has no scikit-learn."""

from __future__ import annotations

import math

import numpy as np

from coach.brains.offline import OfflineBrain
from coach.understanding.surface import Space, SurfaceHead, char_ngrams, word_ngrams


def test_letter_runs_inside_padded_words_and_a_short_word_once() -> None:
    assert char_ngrams("ab", 2, 5) == [" a", "ab", "b ", " ab", "ab ", " ab "]
    assert char_ngrams("  A\tb ", 2, 2) == [" a", "a ", " b", "b "]


def test_words_of_two_letters_or_more_and_their_pairs() -> None:
    assert word_ngrams("The SLA, the sla! a", 1, 2) == [
        "the", "sla", "the", "sla", "the sla", "sla the", "the sla"]


def test_a_vector_is_damped_counts_times_idf_at_unit_length() -> None:
    space = Space("char_wb", 2, 5, {"ab": 0, "zz": 1, " ab ": 2}, np.array([1.0, 2.0, 3.0]))
    columns, values = space.vector("ab AB")
    assert sorted(columns.tolist()) == [0, 2]
    by_column = dict(zip(columns.tolist(), values.tolist(), strict=True))
    tf = 1 + math.log(2)
    norm = math.hypot(tf * 1.0, tf * 3.0)
    assert math.isclose(by_column[0], tf / norm, rel_tol=1e-6)
    assert math.isclose(by_column[2], 3 * tf / norm, rel_tol=1e-6)
    assert space.vector("xy")[0].size == 0  # no known n-gram: an empty vector


def test_the_head_adds_each_space_at_its_offset() -> None:
    chars = Space("char_wb", 2, 2, {" a": 0}, np.array([1.0]))
    words = Space("word", 1, 1, {"down": 0}, np.array([1.0]))
    coef = np.array([[0.0, 4.0], [0.0, 0.0], [2.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    head = SurfaceHead((chars, words), coef, np.zeros(4, dtype=np.float32), 1.0)
    assert head.logits("a").tolist() == [0.0, 0.0, 2.0, 0.0]  # " a" is column 0
    assert head.logits("down").tolist() == [4.0, 0.0, 0.0, 0.0]  # "down" is column 1
    p = head.probabilities("down")
    assert math.isclose(float(p.sum()), 1.0) and int(p.argmax()) == 0


def test_the_committed_model_mixes_in_the_surface_reading(brain: OfflineBrain) -> None:
    model = brain.classifier.model
    assert 0.0 < model.surface_weight < 1.0
    assert {s.analyzer for s in model.surface.spaces} == {"char_wb", "word"}
    reading = brain.classifier.read("Another customer's invoices are visible in our portal.")
    assert reading.text.startswith("Another customer's")
    p = model.probabilities(reading)
    assert math.isclose(float(p.sum()), 1.0, rel_tol=1e-5)

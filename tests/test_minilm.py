"""The MiniLM encoder is pinned to reference vectors from the model's own implementation.

tests/data/minilm_golden.json was written by tools/minilm_reference.py: Hugging Face
transformers on PyTorch over the same packaged weights (its "source" field says which).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from coach.search.embeddings import local_embedder
from coach.search.minilm import MiniLMEmbedder, erf, unpacked_model
from coach.settings import Settings

GOLDEN = Path(__file__).resolve().parent / "data" / "minilm_golden.json"


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


def test_vectors_match_the_reference_implementation(
    golden: dict[str, Any], settings: Settings
) -> None:
    got = local_embedder(settings.models_dir).embed(golden["texts"])
    reference = np.asarray(golden["vectors"], dtype=np.float32)
    cosines = (got * reference).sum(axis=1) / np.linalg.norm(reference, axis=1)
    assert got.shape == reference.shape == (len(golden["texts"]), 384)
    assert cosines.min() >= 0.9999, dict(zip(golden["texts"], cosines.round(6), strict=True))


def test_the_golden_set_covers_empty_long_and_odd_text(golden: dict[str, Any]) -> None:
    texts: list[str] = golden["texts"]
    assert "" in texts and max(len(t.split()) for t in texts) > 256
    assert any(not t.isascii() for t in texts)


def test_erf_is_the_error_function() -> None:
    points = np.linspace(-6, 6, 241)
    exact = np.array([math.erf(p) for p in points])
    assert np.abs(erf(points) - exact).max() < 2e-7


def test_token_states_cover_a_long_text_window_by_window(settings: Settings) -> None:
    """The account ranker reads every mention, also past the model's 256-token window: each
    token has a state and its character span, and a short text's states are the encoder's."""
    encoder = local_embedder(settings.models_dir)
    short = "Globex had an outage; Dana Li (CSM) is on it."
    states, spans = encoder.token_states(short)
    whole = encoder.hidden([short], 6)[0]  # [CLS] ... [SEP]
    assert np.allclose(states, whole[1:-1], atol=1e-5)
    assert short[spans[0][0]:spans[1][1]] == "Globex"  # "globe", "##x"
    long = "filler " * 600 + "Initech"
    states, spans = encoder.token_states(long)
    assert len(states) == len(spans) > 600 and spans[-1][1] == len(long)
    assert np.isfinite(states).all() and encoder.token_states("")[0].shape == (0, 384)


def test_a_damaged_model_file_is_unpacked_again(tmp_path: Path, settings: Settings) -> None:
    folder = unpacked_model(tmp_path)
    weights = folder / "model.safetensors"
    size = weights.stat().st_size
    expected = MiniLMEmbedder(settings.models_dir).embed(["data of another customer"])
    with weights.open("r+b") as handle:  # cut short: the size check catches it on load
        handle.truncate(size // 3)
    assert np.allclose(MiniLMEmbedder(tmp_path).embed(["data of another customer"]), expected)
    assert weights.stat().st_size == size
    with weights.open("r+b") as handle:  # same size, damaged header: the load fails, the
        handle.write(b"\xff" * 64)  # contents are checked and unpacked again
    assert np.allclose(MiniLMEmbedder(tmp_path).embed(["data of another customer"]), expected)

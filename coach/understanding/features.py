"""What the severity model reads in a text: its sentence embedding and its signals in context.

The same code builds the training matrix (`make train`) and the run-time input, so the model
never sees features computed two ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from coach.search.minilm import MiniLMEmbedder
from coach.understanding.signals import COMPILED, Signal, find_signals

# How a signal's clause frames it; None is "at face value".
CONTEXTS = (None, "negated", "past", "hypothetical", "third party", "single user", "small scale")
REACH = ("single_user", "small_scale")


def _key(name: str, context: str | None) -> str:
    return name if context is None else f"{name} ({context})"


SIGNAL_FEATURES: tuple[str, ...] = tuple(
    [_key(name, context) for name, *_ in COMPILED for context in CONTEXTS] + list(REACH)
)
_INDEX = {key: n for n, key in enumerate(SIGNAL_FEATURES)}


@dataclass(frozen=True)
class Reading:
    """One text as the model sees it: its MiniLM vector (search's, the neighbours'), the
    vector of the severity-tuned encoder when there is one, and its signals."""

    embedding: np.ndarray
    signals: list[Signal]
    tuned: np.ndarray | None = None
    text: str = ""  # as written: the surface half reads its words

    @property
    def signal_vector(self) -> np.ndarray:
        """1 for each signal-in-context the text holds, 0 elsewhere."""
        vector = np.zeros(len(SIGNAL_FEATURES), dtype=np.float32)
        for signal in self.signals:
            vector[_INDEX[_key(signal.name, signal.context)]] = 1.0
        return vector


def flat(text: str) -> str:
    """A text as the encoder reads it: whitespace runs as one space, never empty."""
    return " ".join(text.split()) or " "


def read_texts(
    texts: list[str], embedder: MiniLMEmbedder, tuning: tuple[Mapping[str, np.ndarray], int]
    | None = None,
) -> list[Reading]:
    """Embed and read a batch of texts; with `tuning` (the tuned layers' weights and the first
    tuned layer) each reading also carries the tuned encoder's vector."""
    flats = [flat(t) for t in texts]
    if tuning is None:
        plain, tuned = embedder.embed(flats), [None] * len(texts)
    else:
        plain, both = embedder.embed_tuned(flats, *tuning)
        tuned = list(both)
    return [Reading(e, find_signals(t), v, t) for e, t, v in zip(plain, texts, tuned, strict=True)]

"""The severity model's surface reading: the words and letter runs a text is written in.

A text becomes two TF-IDF vectors, as scikit-learn's `TfidfVectorizer` builds them in training
(tools/train_severity.py): runs of 2 to 5 characters inside word boundaries ("char_wb"), and
words and word pairs. Each is lower-cased, counted, damped (1 + log count), weighted by the
inverse document frequency learned on the example bank, and scaled to unit length; a linear
layer over both gives the surface half's logits. Numpy only: the coach never imports
scikit-learn, so this module reproduces its analyzers exactly (a test checks them on known
n-grams, and `make train` checks the logits against scikit-learn's on every dev case).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

SURFACE_SPACES = ("chars", "words")  # the spaces' names in the model file, in column order
_WHITE = re.compile(r"\s\s+")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character runs of `low` to `high` letters inside each word padded with one space, as
    scikit-learn's "char_wb" analyzer cuts them."""
    out = []
    for word in _WHITE.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            out += [padded[i: i + n] for i in range(max(1, len(padded) - n + 1))]
            if len(padded) <= n:
                break  # a short word is counted once, whole
    return out


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    """Words of two or more letters and their runs of `low` to `high`, as scikit-learn's "word"
    analyzer cuts them."""
    words = _TOKEN.findall(text.lower())
    return [" ".join(words[i: i + n]) for n in range(low, high + 1)
            for i in range(len(words) - n + 1)]


@dataclass(frozen=True)
class Space:
    """One TF-IDF space: its analyzer, its vocabulary (term -> column) and each term's IDF."""

    analyzer: str  # "char_wb" or "word"
    low: int
    high: int
    index: dict[str, int]
    idf: np.ndarray

    def terms(self, text: str) -> list[str]:
        cut = char_ngrams if self.analyzer == "char_wb" else word_ngrams
        return cut(text, self.low, self.high)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's nonzero columns and their values, at unit length."""
        counts = Counter(t for t in self.terms(text) if t in self.index)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.fromiter((self.index[t] for t in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64,
                         count=len(counts))
        values = tf * self.idf[columns]
        return columns, (values / np.linalg.norm(values)).astype(np.float32)


@dataclass(frozen=True)
class SurfaceHead:
    """A calibrated linear layer over the spaces side by side (columns offset in order)."""

    spaces: tuple[Space, ...]
    coef: np.ndarray  # (4, all columns)
    intercept: np.ndarray  # (4,)
    temperature: float

    def logits(self, text: str) -> np.ndarray:
        z = self.intercept.astype(np.float64).copy()
        offset = 0
        for space in self.spaces:
            columns, values = space.vector(text)
            z += self.coef[:, offset + columns].astype(np.float64) @ values
            offset += len(space.index)
        return z

    def probabilities(self, text: str) -> np.ndarray:
        z = self.logits(text) / self.temperature
        e = np.exp(z - z.max())
        out: np.ndarray = e / e.sum()
        return out


def space_arrays(name: str, space: Space) -> dict[str, np.ndarray]:
    """A space as arrays for the model file, under keys that start with `name`."""
    terms = sorted(space.index, key=space.index.__getitem__)
    return {f"{name}:terms": np.array(terms), f"{name}:idf": space.idf.astype(np.float32),
            f"{name}:shape": np.array([space.low, space.high]),
            f"{name}:analyzer": np.array(space.analyzer)}


def space_from(name: str, data: dict[str, np.ndarray]) -> Space:
    """The space `space_arrays` wrote."""
    terms = data[f"{name}:terms"].tolist()
    low, high = (int(v) for v in data[f"{name}:shape"])
    return Space(str(data[f"{name}:analyzer"]), low, high,
                 dict(zip(terms, range(len(terms)), strict=True)),
                 data[f"{name}:idf"].astype(np.float64))

"""Learned readers of what a message is or asks: a calibrated linear layer over its features.

Two readers share this: the dialogue act of a turn (`coach.understanding.acts`) and what a
question asks about a level (`coach.answering.asks`). Each is fitted by `make train`
(tools/train_intents.py) on utterances written by people who never saw this code, and applied
here with numpy. The features always start with the message's MiniLM sentence vector.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.domain import CoachError


class IntentsMismatch(CoachError):
    """A committed intent model was fitted on other labels or features; run `make train`."""


@dataclass(frozen=True)
class IntentReading:
    """The likeliest label of a message and every label's calibrated probability."""

    label: str
    probabilities: dict[str, float]
    target: str | None = None
    """The mode the message asks for (coach.understanding.modes), when that is clear."""
    maybe: str | None = None
    """The mode it may ask for, when nothing else makes sense of it."""

    def chance(self, label: str) -> float:
        return self.probabilities.get(label, 0.0)


@dataclass(frozen=True)
class Intents:
    """P(label | features) = softmax((coef @ x + intercept) / temperature)."""

    labels: tuple[str, ...]
    coef: np.ndarray  # (labels, features)
    intercept: np.ndarray  # (labels,)
    temperature: float

    @classmethod
    def load(cls, path: Path, labels: tuple[str, ...], extra: tuple[str, ...]) -> Intents:
        """The model in `path`, checked against the labels and extra features this code has."""
        with np.load(path, allow_pickle=False) as data:
            if (tuple(str(a) for a in data["labels"]) != labels
                    or tuple(str(s) for s in data["extra"]) != extra):
                raise IntentsMismatch(f"{path.name} predates the current labels or features: "
                                      "run `make train`")
            return cls(labels, data["coef"].astype(np.float32),
                       data["intercept"].astype(np.float32), float(data["temperature"]))

    def read(self, x: np.ndarray) -> IntentReading:
        z = (self.coef @ x + self.intercept) / self.temperature
        e = np.exp(z - z.max())
        p = e / e.sum()
        return IntentReading(self.labels[int(p.argmax())],
                             {a: round(float(v), 3) for a, v in zip(self.labels, p, strict=True)})

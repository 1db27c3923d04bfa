"""The learned severity model: committed coefficients applied with numpy.

Its input is the text's MiniLM embedding, its signals in context and the neighbour votes of
the example bank (whose vectors the model file carries, in half precision).

`make train` fits it (tools/train_severity.py, scikit-learn in its own venv) and writes
knowledge/models/severity.npz; the coach only reads that file. Probabilities are on the
seed's four levels, calibrated by the temperature fitted in training.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.domain import CoachError
from coach.understanding.features import SIGNAL_FEATURES, Reading
from coach.understanding.neighbours import votes

MODEL_FILE = Path("models") / "severity.npz"


class ModelMismatch(CoachError):
    """The committed model was trained on other features; run `make train`."""


@dataclass(frozen=True)
class SeverityModel:
    """Multinomial logistic regression over [embedding, signals, neighbour votes]."""

    coef: np.ndarray  # (4, features)
    intercept: np.ndarray  # (4,)
    temperature: float
    threshold: float  # below this top probability, the more severe of the top two is proposed
    encoder: str
    bank_hash: str
    bank_embeddings: np.ndarray  # (examples, embedding width): neighbour votes, rationale
    bank_levels: np.ndarray  # (examples,) seed levels

    @classmethod
    def load(cls, knowledge_dir: Path) -> SeverityModel:
        """The model in knowledge/models/, checked against the features this code computes."""
        with np.load(knowledge_dir / MODEL_FILE, allow_pickle=False) as data:
            if tuple(str(s) for s in data["signal_features"]) != SIGNAL_FEATURES:
                raise ModelMismatch("the severity model predates the current signals: "
                                    "run `make train`")
            return cls(
                coef=data["coef"].astype(np.float32),
                intercept=data["intercept"].astype(np.float32),
                temperature=float(data["temperature"]),
                threshold=float(data["threshold"]),
                encoder=str(data["encoder"]),
                bank_hash=str(data["bank_hash"]),
                bank_embeddings=data["bank_embeddings"].astype(np.float32),
                bank_levels=data["bank_levels"].astype(np.int64),
            )

    def inputs(self, reading: Reading) -> np.ndarray:
        """The model's input vector for one text."""
        voted = votes(reading.embedding[None, :], self.bank_embeddings, self.bank_levels)[0]
        return np.concatenate([reading.embedding, reading.signal_vector, voted])

    def probabilities(self, reading: Reading) -> np.ndarray:
        """P(seed level 1..4 | text), calibrated."""
        z = (self.coef @ self.inputs(reading) + self.intercept) / self.temperature
        e = np.exp(z - z.max())
        out: np.ndarray = e / e.sum()
        return out

    def signal_weights(self, reading: Reading, seed_level: int) -> list[tuple[str, float]]:
        """The signals present, each with how much it pushed towards `seed_level` over the
        other levels, strongest first."""
        width = self.bank_embeddings.shape[1]
        weights = self.coef[:, width : width + len(SIGNAL_FEATURES)]
        toward = weights[seed_level - 1] - np.delete(weights, seed_level - 1, axis=0).mean(0)
        present = np.flatnonzero(reading.signal_vector)
        return sorted(((SIGNAL_FEATURES[i], float(toward[i])) for i in present),
                      key=lambda item: -item[1])

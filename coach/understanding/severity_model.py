"""The learned severity model: committed weights applied with numpy.

Three calibrated readers:
- a logistic regression over the text's MiniLM embedding, its signals in context and the
  neighbour votes of the example bank (whose vectors the model file carries, half precision);
- MiniLM's top layers tuned to severity, with a linear head over the tuned sentence vector, the
  same signals and votes. The file carries those layers' weights; the lower layers are shared
  with search, so a text runs through them once;
- the surface reading: a logistic regression over the text's letter runs and words, TF-IDF
  weighted (coach.understanding.surface). It reads what the sentence vectors blur: "another
  customer's records", "not renew", "URGENT" beside "typo".
The first two are averaged, and that mean is mixed with the surface reading's probabilities
by a weight chosen in training.

`make train` fits both (tools/train_severity.py, tools/tune_encoder.py: scikit-learn and torch
in their own venv) and writes knowledge/models/severity.npz; the coach only reads that file.
Probabilities are on the seed's four levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.domain import CoachError
from coach.understanding.features import SIGNAL_FEATURES, Reading
from coach.understanding.neighbours import votes
from coach.understanding.surface import SURFACE_SPACES, SurfaceHead, space_from

MODEL_FILE = Path("models") / "severity.npz"


class ModelMismatch(CoachError):
    """The committed model was trained on other features; run `make train`."""


@dataclass(frozen=True)
class Head:
    """A calibrated linear layer: P(level) = softmax((coef @ x + intercept) / temperature)."""

    coef: np.ndarray  # (4, features)
    intercept: np.ndarray  # (4,)
    temperature: float

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = (self.coef @ x + self.intercept) / self.temperature
        e = np.exp(z - z.max())
        out: np.ndarray = e / e.sum()
        return out


@dataclass(frozen=True)
class Tuning:
    """The severity-tuned top layers of the encoder: weights by MiniLM name, from `first` up."""

    first: int
    weights: dict[str, np.ndarray]
    scale: float  # the tuned unit vector's factor in the head's input


@dataclass(frozen=True)
class SeverityModel:
    """The regression and the tuned encoder's head, each calibrated, averaged."""

    regression: Head  # over [embedding, signals, neighbour votes]
    tuned_head: Head  # over [tuned vector x scale, signals, neighbour votes]
    tuning: Tuning
    surface: SurfaceHead  # over the text's letter runs and words
    surface_weight: float  # its share of the probabilities; the other two share the rest
    threshold: float  # below this top probability, the more severe of the top two is proposed
    floor: float  # a level 2+ more severe than that, at least this likely, is proposed instead
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
            if not {"tuned_coef", "floor", "surface_coef"} <= set(data.files):
                raise ModelMismatch("the severity model predates its tuned encoder, its policy "
                                    "or its surface reading: run `make train`")
            arrays = {k: data[k] for k in data.files if k.startswith("surface")}
            return cls(
                regression=Head(data["coef"].astype(np.float32),
                                data["intercept"].astype(np.float32), float(data["temperature"])),
                tuned_head=Head(data["tuned_coef"].astype(np.float32),
                                data["tuned_intercept"].astype(np.float32),
                                float(data["tuned_temperature"])),
                tuning=Tuning(
                    first=int(data["tuned_from"]),
                    weights={k.split(":", 1)[1]: data[k].astype(np.float32)
                             for k in data.files if k.startswith("tuned:")},
                    scale=float(data["tuned_scale"]),
                ),
                surface=SurfaceHead(
                    spaces=tuple(space_from(f"surface:{n}", arrays) for n in SURFACE_SPACES),
                    coef=data["surface_coef"].astype(np.float32),
                    intercept=data["surface_intercept"].astype(np.float32),
                    temperature=float(data["surface_temperature"]),
                ),
                surface_weight=float(data["surface_weight"]),
                threshold=float(data["threshold"]),
                floor=float(data["floor"]),
                encoder=str(data["encoder"]),
                bank_hash=str(data["bank_hash"]),
                bank_embeddings=data["bank_embeddings"].astype(np.float32),
                bank_levels=data["bank_levels"].astype(np.int64),
            )

    def probabilities(self, reading: Reading) -> np.ndarray:
        """P(seed level 1..4 | text), calibrated: the mean of the two vector readers, mixed
        with the surface reading."""
        if reading.tuned is None:
            raise ValueError("the reading lacks the tuned encoder's vector")
        voted = votes(reading.embedding[None, :], self.bank_embeddings, self.bank_levels)[0]
        rest = [reading.signal_vector, voted]
        plain = self.regression.probabilities(np.concatenate([reading.embedding, *rest]))
        tuned = self.tuned_head.probabilities(
            np.concatenate([reading.tuned * self.tuning.scale, *rest]))
        surface = self.surface.probabilities(reading.text)
        out: np.ndarray = (1 - self.surface_weight) * (plain + tuned) / 2 \
            + self.surface_weight * surface
        return out

    def signal_weights(self, reading: Reading, seed_level: int) -> list[tuple[str, float]]:
        """The signals present, each with how much it pushed towards `seed_level` over the
        other levels, strongest first."""
        width = self.bank_embeddings.shape[1]
        span = slice(width, width + len(SIGNAL_FEATURES))
        weights = self.regression.coef[:, span] + self.tuned_head.coef[:, span]
        toward = weights[seed_level - 1] - np.delete(weights, seed_level - 1, axis=0).mean(0)
        present = np.flatnonzero(reading.signal_vector)
        return sorted(((SIGNAL_FEATURES[i], float(toward[i])) for i in present),
                      key=lambda item: -item[1])

"""Fit the intent readers and write their models (part of `make train`):
- the dialogue act of a turn: knowledge/examples/acts.jsonl -> knowledge/models/acts.npz;
- what a question asks about the levels: knowledge/examples/asks.jsonl -> models/asks.npz;
- the mode a message asks for: knowledge/examples/modes.jsonl -> models/modes.npz.

Each training set was written by writers who never saw the code. The features are the coach's
own (`act_features`, `ask_features`); each model is a multinomial logistic regression fitted
with numpy (full-batch gradient descent with an L2 penalty: the sets are small), its temperature
calibrated on out-of-fold predictions. Prints cross-validated accuracy per label.

    python -m tools.train_intents
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.answering import asks
from coach.content.paths import content_dir
from coach.search.minilm import MiniLMEmbedder
from coach.settings import get_settings
from coach.understanding import acts, modes
from coach.understanding.features import flat

FOLDS = 5
PENALTY = 3e-2
STEPS = 600
RATE = 0.5


@dataclass(frozen=True)
class Spec:
    """One reader: its training set, the label key, its labels, features and model file."""

    examples: Path
    key: str
    labels: tuple[str, ...]
    extra: tuple[str, ...]
    features: Callable[[str, np.ndarray], np.ndarray]
    model: Path
    balanced: bool = False  # weigh labels equally (their sets differ in size)


SPECS = (
    Spec(acts.EXAMPLES_FILE, "act", acts.ACTS, acts.SHAPE, acts.act_features, acts.MODEL_FILE,
         balanced=True),
    Spec(asks.EXAMPLES_FILE, "asks", asks.ASKS, asks.EXTRA, asks.ask_features, asks.MODEL_FILE),
    Spec(modes.EXAMPLES_FILE, "mode", modes.MODES, modes.EXTRA, modes.mode_features,
         modes.MODEL_FILE, balanced=True),
)


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def fit(x: np.ndarray, y: np.ndarray, labels: int, balanced: bool = False
        ) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and intercepts in the raw feature space (standardisation folded in);
    `balanced` weighs every label the same, however many examples it has."""
    mean, scale = x.mean(0), x.std(0) + 1e-6
    xs = (x - mean) / scale
    onehot = np.eye(labels)[y]
    counts = np.bincount(y, minlength=labels)
    weight = (len(y) / (labels * counts[y]))[:, None] if balanced else np.ones((len(y), 1))
    w, b = np.zeros((labels, x.shape[1])), np.zeros(labels)
    for _ in range(STEPS):
        grad = (softmax(xs @ w.T + b) - onehot) * weight
        w -= RATE * (grad.T @ xs / len(y) + PENALTY * w)
        b -= RATE * grad.mean(0)
    coef = w / scale
    return coef, b - coef @ mean


def temperature(z: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the out-of-fold log loss."""
    grid = np.linspace(0.3, 3.0, 55)
    losses = [-np.log(softmax(z / t)[np.arange(len(y)), y] + 1e-12).mean() for t in grid]
    return float(grid[int(np.argmin(losses))])


def data(spec: Spec, embedder: MiniLMEmbedder, knowledge: Path) -> tuple[np.ndarray, np.ndarray]:
    """The features and labels of a reader's training set."""
    rows = [json.loads(line) for line in
            (knowledge / spec.examples).read_text(encoding="utf-8").splitlines() if line]
    texts = [str(r["text"]) for r in rows]
    y = np.array([spec.labels.index(r[spec.key]) for r in rows])
    vectors = embedder.embed([flat(t) for t in texts])
    return np.stack([spec.features(t, v) for t, v in zip(texts, vectors, strict=True)]), y


def cross_validated(x: np.ndarray, y: np.ndarray, labels: int, balanced: bool = False
                    ) -> np.ndarray:
    """Out-of-fold logits of every example."""
    folds = np.random.default_rng(0).permutation(len(y)) % FOLDS
    z = np.zeros((len(y), labels))
    for k in range(FOLDS):
        coef, intercept = fit(x[folds != k], y[folds != k], labels, balanced)
        z[folds == k] = x[folds == k] @ coef.T + intercept
    return z


def report(spec: Spec, y: np.ndarray, z: np.ndarray) -> None:
    right = z.argmax(1) == y
    print(f"{spec.key}: {len(y)} utterances, cross-validated accuracy {right.mean():.1%}")
    for n, label in enumerate(spec.labels):
        print(f"  {label:<11} {right[y == n].mean():.1%} of {int((y == n).sum())}")


def train(spec: Spec, embedder: MiniLMEmbedder, knowledge: Path) -> None:
    x, y = data(spec, embedder, knowledge)
    z = cross_validated(x, y, len(spec.labels), spec.balanced)
    report(spec, y, z)
    t = temperature(z, y)
    coef, intercept = fit(x, y, len(spec.labels), spec.balanced)
    np.savez_compressed(knowledge / spec.model, coef=coef.astype(np.float32),
                        intercept=intercept.astype(np.float32), temperature=np.float32(t),
                        labels=np.array(spec.labels), extra=np.array(spec.extra))
    print(f"  wrote knowledge/{spec.model} (temperature {t:.2f})")


def main() -> None:
    embedder = MiniLMEmbedder(get_settings().models_dir)
    for spec in SPECS:
        train(spec, embedder, content_dir("knowledge"))


if __name__ == "__main__":
    main()

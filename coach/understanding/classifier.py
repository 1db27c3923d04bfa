"""Offline severity classifier: the learned model's probabilities, mapped onto any framework.

No hand rule changes the model's output except one policy, chosen in training: when the model
is unsure (its top probability is under the threshold), the more severe of its two likeliest
levels is proposed; and a level two or more levels more severe than that, with a probability at
or above the floor, is proposed instead. Unsure never means "Severity 4".

The one thing that outranks the model is the company's own call: a tailored framework that
lists this very situation as an example of a level (an example the seed does not have, which
the text matches almost word for word) gets that level, and the rationale says so.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from coach.domain import Alternative, Classification, SeverityFramework, SeverityLevel
from coach.search.minilm import MiniLMEmbedder
from coach.understanding.features import Reading, read_texts
from coach.understanding.severity_model import SeverityModel

SEED_LEVELS = 4  # the model and its examples speak the seed's four levels
BANK_FILE = Path("examples") / "example_bank.jsonl"
READ_CACHE = 16  # texts whose reading is kept: a turn's text is read once
OWN_EXAMPLE_MATCH = 0.8  # cosine at which a text is the company's own example, not a neighbour


def spread(seed_level: int, levels: int) -> dict[int, float]:
    """Share a seed-scale level out over a framework of `levels` levels by relative position."""
    position = (seed_level - 1) / (SEED_LEVELS - 1) * (levels - 1)
    low = int(np.floor(position))
    frac = position - low
    shares = {low + 1: 1.0 - frac}
    if frac > 1e-9:
        shares[low + 2] = frac
    return shares


def on_framework(seed_probabilities: np.ndarray, levels: int) -> np.ndarray:
    """The seed-scale probabilities carried onto a framework's levels by relative position."""
    out = np.zeros(levels)
    for seed_level, p in enumerate(seed_probabilities, start=1):
        for level, share in spread(seed_level, levels).items():
            out[level - 1] += p * share
    return out


def propose(probabilities: np.ndarray, threshold: float, floor: float) -> int:
    """The likeliest level (1-based), or the more severe of the top two when unsure; and a
    level two or more levels more severe than that, as likely as `floor` or more, instead (the
    most severe such): a 20% chance of a Severity 1 is not graded Severity 3 or 4."""
    order = np.argsort(-probabilities, kind="stable")
    top, second = int(order[0]), int(order[1])
    chosen = second if probabilities[top] < threshold and second < top else top
    graver = [level for level in range(chosen - 1) if probabilities[level] >= floor]
    return (graver[0] if graver else chosen) + 1


@dataclass
class SeverityClassifier:
    """Judges severity with the learned model; explains with its signals and the bank."""

    embedder: MiniLMEmbedder  # the encoder the model was trained on
    model: SeverityModel
    bank: list[tuple[str, int]]
    seed_examples: frozenset[str] = frozenset()
    _own: dict[str, tuple[list[tuple[str, int]], np.ndarray]] = field(default_factory=dict)
    _read: dict[str, Reading] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_knowledge(
        cls, knowledge_dir: Path, embedder: MiniLMEmbedder, seed: SeverityFramework | None = None
    ) -> SeverityClassifier:
        """The committed model and the example bank it was trained on."""
        path = knowledge_dir / BANK_FILE
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        bank = [(str(r["text"]), int(r["level"])) for r in rows]
        examples = frozenset(e.casefold() for lvl in (seed.levels if seed else []) for e in
                             lvl.examples)
        return cls(embedder, SeverityModel.load(knowledge_dir), bank, examples)

    def read(self, text: str) -> Reading:
        """The text's vectors (plain and tuned: one pass through the shared lower layers).
        A turn's text is read once: the act, the question reader and severity share it."""
        reading = self._read.get(text)
        if reading is None:
            tuning = self.model.tuning
            reading = read_texts([text], self.embedder, (tuning.weights, tuning.first))[0]
            with self._lock:
                if len(self._read) >= READ_CACHE:
                    self._read.pop(next(iter(self._read)))
                self._read[text] = reading
        return reading

    def classify(self, text: str, framework: SeverityFramework) -> Classification:
        """The level the coach proposes, the two likeliest levels, and the reasons."""
        reading = self.read(text)
        own = self._own_example(reading, framework)
        if own is not None:
            return _companys_call(framework.level(own[1]), own[0])
        seed_p = self.model.probabilities(reading)
        p = on_framework(seed_p, len(framework.levels))
        chosen = framework.levels[propose(p, self.model.threshold, self.model.floor) - 1]
        likeliest = np.argsort(-p, kind="stable")[:2]
        seed_level = _seed_level(chosen.level, len(framework.levels), seed_p)
        return Classification(
            severity=chosen.level, name=chosen.name, owner=chosen.owner,
            response_hours=chosen.response_hours,
            confidence=round(float(p.max()), 2),
            alternatives=[Alternative(severity=int(i) + 1, probability=round(float(p[i]), 2))
                          for i in likeliest],
            rationale=self._rationale(reading, chosen.level, chosen.name, seed_level,
                                      unsure=chosen.level != int(likeliest[0]) + 1),
            unsure=bool(p.max() < self.model.threshold) or chosen.level != int(likeliest[0]) + 1,
        )

    def _own_example(
        self, reading: Reading, framework: SeverityFramework
    ) -> tuple[str, int] | None:
        """The framework's own example (one the seed lacks) that the text nearly is, if any."""
        key = framework.model_dump_json()
        if key not in self._own:
            own = [(e, lvl.level) for lvl in framework.levels for e in lvl.examples
                   if e.casefold() not in self.seed_examples]
            vectors = self.embedder.embed([e for e, _ in own]) if own else np.zeros((0, 1))
            self._own[key] = (own, vectors)
        own, vectors = self._own[key]
        if not own:
            return None
        sims = vectors @ reading.embedding
        best = int(np.argmax(sims))
        return own[best] if float(sims[best]) >= OWN_EXAMPLE_MATCH else None

    def _rationale(
        self, reading: Reading, level: int, name: str, seed_level: int, unsure: bool
    ) -> str:
        parts = [f"Severity {level} ({name})."]
        if unsure:
            parts.append("Unsure between two levels, so the more severe one.")
        weights = self.model.signal_weights(reading, seed_level)
        toward = [key for key, weight in weights if weight > 0][:3]
        if toward:
            parts.append(f"Signals: {', '.join(_phrase(reading, k) for k in toward)}.")
        aside = [s for s in reading.signals if s.damped]
        if aside:
            parts.append("Set aside: " + ", ".join(
                dict.fromkeys(f"\"{s.phrase}\" ({s.context})" for s in aside)) + ".")
        near = self._closest(reading, seed_level)
        if near:
            parts.append("Closest examples: " + "; ".join(
                f"\"{_short(t)}\" (level {lvl})" for t, lvl in near) + ".")
        return " ".join(parts)

    def _closest(self, reading: Reading, seed_level: int, count: int = 2) -> list[tuple[str, int]]:
        """The bank examples nearest the text, preferring those at the chosen seed level."""
        if len(self.bank) != len(self.model.bank_embeddings):
            return []
        sims = self.model.bank_embeddings @ reading.embedding
        order = [int(i) for i in np.argsort(-sims)]
        same = [i for i in order if self.bank[i][1] == seed_level][:count]
        return [self.bank[i] for i in (same or order[:1])]


def _companys_call(level: SeverityLevel, example: str) -> Classification:
    return Classification(
        severity=level.level, name=level.name, owner=level.owner,
        response_hours=level.response_hours, confidence=1.0,
        alternatives=[Alternative(severity=level.level, probability=1.0)],
        rationale=(f"Severity {level.level} ({level.name}). Your framework lists this situation "
                   f"as an example of it: \"{_short(example)}\"."),
    )


def _seed_level(level: int, levels: int, seed_p: np.ndarray) -> int:
    """The likeliest seed level among those that carry onto the framework's `level`."""
    mapped = [s for s in range(1, SEED_LEVELS + 1) if spread(s, levels).get(level, 0) > 0]
    nearest = min(range(1, SEED_LEVELS + 1),
                  key=lambda s: abs((s - 1) / 3 - (level - 1) / max(levels - 1, 1)))
    return max(mapped, key=lambda s: seed_p[s - 1]) if mapped else nearest


def _phrase(reading: Reading, key: str) -> str:
    """A signal feature as the reader found it: `outage ("is down")`."""
    name = key.split(" (")[0]
    found = next((s for s in reading.signals if s.name == name), None)
    label = key.replace("_", " ")
    return f"{label} (\"{found.phrase}\")" if found else label


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"

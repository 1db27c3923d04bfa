"""Offline severity classifier: nearest examples plus explicit signals weighed in context."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from coach.domain import NO_SIGNAL_CONFIDENCE, Classification, SeverityFramework
from coach.understanding.signals import SCALES, SEVERE, Signal, find_signals

if TYPE_CHECKING:
    from coach.search.embeddings import Embedder

SEED_LEVELS = 4  # the example bank and the signals are written against the seed's four levels
K_NEIGHBOURS = 7
FRAMEWORK_WEIGHT = 2.0  # a tailored framework's own examples outrank the generic bank
NEIGHBOUR_WEIGHT = 2.0
CLOSE_CALL = 0.15
SCALE_WEIGHT = 1.0  # a problem limited to one or a few people counts in full, at its lower level
OWN_EXAMPLE_MATCH = 0.8  # similarity at which a text counts as one of the framework's examples
OWN_EXAMPLE_VOTE = 6.0  # more than any mix of signals: the company's own call stands
# Words that say something is wrong or wanted; a text with none of them describes no escalation.
_PROBLEM = re.compile(
    r"\b(?:problems?|issues?|bugs?|errors?|broke\w*|down|fail\w*|can'?t|cannot|couldn'?t|unable"
    r"|slow\w*|wrong|missing|lost|los\w+|angry|upset|unhappy|frustrat\w*|complain\w*|escalat\w*"
    r"|threat\w*|risk\w*|delay\w*|outages?|expos\w+|breach\w*|leak\w*|crash\w*|stuck|block\w*"
    r"|impact\w*|affect\w*|cancel\w*|churn\w*|request\w*|asks?|asking|want\w*|needs?|feature\w*"
    r"|urgent\w*|complaint\w*|incorrect|inaccurate|duplicat\w*|corrupt\w*|deleted|refund\w*"
    r"|dispute\w*|sla|overdue|late|missed|confus\w*|typo\w*|gap|sick of|furious|livid"
    r"|disappoint\w*|terminat\w*|competitor\w*|unauthori[sz]ed|hack\w*|attack\w*|not working"
    r"|doesn'?t work|isn'?t working|won'?t|reject\w*|odd|weird|strange|annoy\w*|grumbl\w*"
    r"|disagree\w*|moan\w*|gripe\w*)\b", re.I)
# Proper names say nothing about severity but dominate static embeddings, so they are masked.
_CLAUSES = re.compile(r"[,;:—–]\s*|\.\s+|\s+but\s+", re.I)
_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*)*")


def spread(seed_level: int, levels: int) -> dict[int, float]:
    """Share a seed-scale level out over a framework of `levels` levels by relative position."""
    position = (seed_level - 1) / (SEED_LEVELS - 1) * (levels - 1)
    low = int(np.floor(position))
    frac = position - low
    shares = {low + 1: 1.0 - frac}
    if frac > 1e-9:
        shares[low + 2] = frac
    return shares


def mask_names(text: str) -> str:
    """Drop capitalised names (not sentence starts) before embedding."""
    return _NAME.sub("", text)


@dataclass
class _Pool:
    """Embedded reference texts with their level on the active framework's scale."""

    texts: list[str]
    levels: np.ndarray
    weights: np.ndarray
    vectors: np.ndarray


@dataclass
class SeverityClassifier:
    """Judges severity from the example bank, a framework's own examples and explicit signals."""

    embedder: Embedder
    bank: list[tuple[str, int]]
    _bank_vectors: np.ndarray | None = field(default=None, init=False, repr=False)
    _pools: dict[str, _Pool] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_knowledge(cls, knowledge_dir: Path, embedder: Embedder) -> SeverityClassifier:
        """Load the labelled example bank from knowledge/examples/."""
        path = knowledge_dir / "examples" / "example_bank.jsonl"
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        return cls(embedder, [(str(r["text"]), int(r["level"])) for r in rows])

    def classify(self, text: str, framework: SeverityFramework) -> Classification:
        """The framework level the text describes, with the reasons and a confidence."""
        count = len(framework.levels)
        signals = find_signals(text)
        own = self._own_example(text, framework)
        if not signals and not _PROBLEM.search(text) and own is None:
            return _nothing_to_judge(framework)
        scores, counted = signal_scores(signals, count)
        if own is not None:
            # The company put this very situation at a level: that decides it.
            scores[own[0] - 1] += OWN_EXAMPLE_VOTE
        neighbours = self._neighbours(_without_damped(text, signals), framework)
        for number, weight, _ in neighbours:
            scores[number - 1] += weight
        chosen, confidence = decide(scores)
        if not counted:
            confidence = min(confidence, NO_SIGNAL_CONFIDENCE)
        level = framework.levels[chosen - 1]
        return Classification(
            severity=level.level, name=level.name, owner=level.owner,
            response_hours=level.response_hours, confidence=confidence,
            rationale=rationale(level.level, level.name, counted, signals, neighbours),
        )

    def _neighbours(self, text: str, framework: SeverityFramework) -> list[tuple[int, float, str]]:
        """Votes (level, weight, example) of the nearest reference examples."""
        pool = self._pool(framework)
        query = self.embedder.embed([mask_names(text)])[0]
        sims = pool.vectors @ query
        top = np.argsort(-sims)[:K_NEIGHBOURS]
        total = float(sum(max(sims[i], 0.0) * pool.weights[i] for i in top)) or 1.0
        return [
            (int(pool.levels[i]), NEIGHBOUR_WEIGHT * max(float(sims[i]), 0.0)
             * float(pool.weights[i]) / total, pool.texts[i])
            for i in top
        ]

    def _own_example(self, text: str, framework: SeverityFramework) -> tuple[int, str] | None:
        """The framework's own example the text (nearly) is, with its level; else None."""
        pool = self._pool(framework)
        own = np.flatnonzero(pool.weights == FRAMEWORK_WEIGHT)
        if not own.size:
            return None
        sims = pool.vectors[own] @ self.embedder.embed([mask_names(text)])[0]
        best = int(own[int(np.argmax(sims))])
        if float(sims.max()) < OWN_EXAMPLE_MATCH:
            return None
        return int(pool.levels[best]), pool.texts[best]

    def _pool(self, framework: SeverityFramework) -> _Pool:
        """The reference pool for a framework, embedded once per distinct framework."""
        key = framework.model_dump_json()
        if key not in self._pools:
            if self._bank_vectors is None:
                self._bank_vectors = self.embedder.embed([mask_names(t) for t, _ in self.bank])
            texts, levels, weights = [], [], []
            for text, seed_level in self.bank:
                for level, share in spread(seed_level, len(framework.levels)).items():
                    texts.append(text)
                    levels.append(level)
                    weights.append(share)
            own = [(ex, lvl.level) for lvl in framework.levels for ex in lvl.examples]
            own += [(lvl.definition, lvl.level) for lvl in framework.levels]
            own_vectors = self.embedder.embed([mask_names(t) for t, _ in own])
            bank_rows = [i for i, (t, s) in enumerate(self.bank)
                         for _ in spread(s, len(framework.levels))]
            vectors = np.vstack([self._bank_vectors[bank_rows], own_vectors])
            self._pools[key] = _Pool(
                texts + [t for t, _ in own],
                np.array(levels + [lvl for _, lvl in own]),
                np.array(weights + [FRAMEWORK_WEIGHT] * len(own)),
                vectors,
            )
        return self._pools[key]


def signal_scores(signals: list[Signal], levels: int) -> tuple[np.ndarray, list[Signal]]:
    """Scores per framework level from the signals that survive their context."""
    scores = np.zeros(levels)
    workaround = any(s.name == "workaround" and not s.damped for s in signals)
    counted = []
    for signal in signals:
        if signal.damped:
            continue
        seed_level, weight = signal.level, signal.weight
        if signal.context in SCALES:
            seed_level, weight = max(seed_level, SCALES[signal.context]), weight * SCALE_WEIGHT
        elif workaround and signal.name in SEVERE - {"breach", "churn"}:
            seed_level = 2  # major impact with a workaround is the framework's level 2
        for level, share in spread(seed_level, levels).items():
            scores[level - 1] += weight * share
        counted.append(signal)
    return scores, counted


def _without_damped(text: str, signals: list[Signal]) -> str:
    """The text minus the clauses whose signal words their context cancels ("no data was
    exposed"), so the rest of such a clause cannot pull in look-alike examples either."""
    for signal in signals:
        if signal.damped and signal.phrase in text:
            clauses = _CLAUSES.split(text)
            text = " ".join(c for c in clauses if signal.phrase not in c) or " "
    return text


def _nothing_to_judge(framework: SeverityFramework) -> Classification:
    """A text that names no problem: the least severe level, with little confidence."""
    level = framework.levels[-1]
    return Classification(
        severity=level.level, name=level.name, owner=level.owner,
        response_hours=level.response_hours, confidence=0.2,
        rationale=(f"Severity {level.level} ({level.name}) for now: the text names no problem, "
                   "impact or risk to judge. Say what is broken or at stake, who is affected "
                   "and how badly, and I will grade it again."),
    )


def decide(scores: np.ndarray) -> tuple[int, float]:
    """The winning level (1-based), preferring the more severe of two close ones, and confidence."""
    order = np.argsort(-scores, kind="stable")
    top, second = int(order[0]), int(order[1])
    best = scores[top]
    chosen = top
    if second < top and scores[second] >= best * (1 - CLOSE_CALL):
        chosen = second
    margin = float((best - scores[second]) / best) if best > 0 else 0.0
    share = float(best / scores.sum()) if scores.sum() > 0 else 0.0
    confidence = round(min(0.97, 0.25 + 0.45 * margin + 0.3 * share), 2)
    return chosen + 1, confidence


def rationale(
    severity: int, name: str, counted: list[Signal], signals: list[Signal],
    neighbours: list[tuple[int, float, str]],
) -> str:
    """Readable reasons: the signals that counted, those set aside, the nearest examples."""
    parts = [f"Severity {severity} ({name})."]
    if counted:
        named = ", ".join(dict.fromkeys(
            f"{s.name.replace('_', ' ')} (\"{s.phrase}\"{_scale(s)})" for s in counted))
        parts.append(f"Signals: {named}.")
    damped = [s for s in signals if s.damped]
    if damped:
        parts.append("Set aside: " + ", ".join(
            f"\"{s.phrase}\" ({s.context})" for s in damped) + ".")
    near = [n for n in neighbours if n[0] == severity][:2] or neighbours[:1]
    if near:
        parts.append("Closest examples: " + "; ".join(
            f"\"{_short(t)}\" (level {lvl})" for lvl, _, t in near) + ".")
    return " ".join(parts)


def _scale(signal: Signal) -> str:
    return f", {signal.context}" if signal.context in SCALES else ""


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

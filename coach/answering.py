"""Extractive answers: the few sentences of the knowledge base that answer a question."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.embeddings import Embedder
from coach.knowledge import AREA_TITLES
from coach.retrieval import Passage
from coach.schemas import Answer, Citation
from coach.text import sentences, tokens, word_count

MAX_SENTENCES = 3
MAX_WORDS = 80
# A second or third sentence must score at least this share of the best one.
KEEP_RATIO = 0.8


@dataclass(frozen=True)
class _Candidate:
    text: str
    passage_rank: int
    position: int
    score: float


def _score_sentences(question: str, passages: list[Passage], embedder: Embedder) -> list[_Candidate]:
    asked = set(tokens(question))
    raw = [(rank, pos, s) for rank, p in enumerate(passages)
           for pos, s in enumerate(sentences(p.chunk.text))]
    if not raw:
        return []
    vectors = embedder.embed([question] + [s for _, _, s in raw])
    similarity = vectors[1:] @ vectors[0]
    candidates = []
    for (rank, pos, text), sim in zip(raw, np.asarray(similarity), strict=True):
        said = set(tokens(text))
        overlap = len(asked & said) / max(len(asked), 1)
        score = 0.4 * float(sim) + 0.35 * overlap + 0.25 * passages[rank].score
        candidates.append(_Candidate(text, rank, pos, score))
    return candidates


def _pick(candidates: list[_Candidate]) -> list[_Candidate]:
    ranked = sorted(candidates, key=lambda c: c.score, reverse=True)
    chosen: list[_Candidate] = []
    words = 0
    for cand in ranked:
        if len(chosen) == MAX_SENTENCES:
            break
        if chosen and cand.score < KEEP_RATIO * chosen[0].score:
            break
        length = word_count(cand.text)
        if chosen and words + length > MAX_WORDS:
            continue
        chosen.append(cand)
        words += length
    return sorted(chosen, key=lambda c: (c.passage_rank, c.position))


def _trim(text: str, limit: int) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def no_answer(question: str) -> Answer:
    """What the coach says when the knowledge base does not cover a question."""
    topics = ", ".join(AREA_TITLES.values())
    return Answer(
        answer=(
            "I don't have anything in the escalation framework that answers that, so I won't "
            f"guess. I can answer questions about: {topics}; the escalation ticket; and the "
            "glossary."
        ),
        sources=[],
    )


def compose_answer(
    question: str, passages: list[Passage], embedder: Embedder, threshold: float
) -> Answer:
    """Quote at most 3 sentences (about 80 words) from the best passages, with citations."""
    relevant = [p for p in passages if p.score >= threshold]
    if not relevant:
        return no_answer(question)
    chosen = _pick(_score_sentences(question, relevant[:3], embedder))
    if not chosen:
        return no_answer(question)
    text = _trim(" ".join(c.text for c in chosen), MAX_WORDS)
    cited: list[Citation] = []
    for rank in sorted({c.passage_rank for c in chosen}):
        chunk = relevant[rank].chunk
        citation = Citation(file=chunk.file, section=chunk.section)
        if citation not in cited:
            cited.append(citation)
    return Answer(answer=text, sources=cited)

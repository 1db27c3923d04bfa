"""Extractive answers: the few sentences of the knowledge base that answer a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from coach.embeddings import Embedder
from coach.knowledge import AREA_TITLES
from coach.retrieval import Passage
from coach.schemas import Answer, Citation
from coach.text import mentioned_levels, sentences, tokens, word_count

MAX_SENTENCES = 3
MAX_WORDS = 80
# Sentences from passages below this share of the best passage's score are not quoted.
PASSAGE_FLOOR = 0.75
OPENING_PENALTY = 0.08
LEVEL_BONUS = 0.05
# The sentence after the best one usually carries on its thought.
FOLLOW_ON_BONUS = 0.08

# What kind of answer a question asks for, and what such an answer looks like.
_ANSWER_SHAPES = [
    (
        re.compile(
            r"\bhow (fast|quickly|soon|long|much time)\b|\bdeadline\b|\bwhen\b.*\b(due|by)\b", re.I
        ),
        re.compile(
            r"\b\d+\s*(minutes?|hours?|days?|business days?)\b|\bwithin\b|\bsame day\b", re.I
        ),
    ),
    (
        re.compile(r"\bhow often\b|\bcadence\b|\bfrequen", re.I),
        re.compile(r"\bevery\b|\bdaily\b|\bweekly\b|\bmonthly\b|\bcadence\b", re.I),
    ),
    (
        re.compile(r"\bwho\b|\bwhose\b|\bwhich role\b", re.I),
        re.compile(
            r"\b(is |are )?owned by\b|\bowns\b|\bVP CS\b|\bCS Director\b|\bCS Manager\b|"
            r"\bCSM\b|\banyone\b",
            re.I,
        ),
    ),
    (
        re.compile(r"\b(what|which) (level|severity)\b|\bhow (bad|serious|severe)\b", re.I),
        re.compile(r"\bSeverity [1-6]\b", re.I),
    ),
]


@dataclass(frozen=True)
class _Candidate:
    text: str
    passage_rank: int
    position: int
    score: float


def _shape_bonus(question: str, sentence: str) -> float:
    wanted = [shape for asks, shape in _ANSWER_SHAPES if asks.search(question)]
    if not wanted:
        return 0.0
    return 1.0 if any(shape.search(sentence) for shape in wanted) else 0.0


def _bigrams(words: list[str]) -> set[tuple[str, str]]:
    return set(zip(words, words[1:], strict=False))


def _score_sentences(
    question: str, passages: list[Passage], embedder: Embedder
) -> list[_Candidate]:
    asked = tokens(question)
    asked_set, asked_pairs = set(asked), _bigrams(asked)
    raw = [
        (rank, pos, s)
        for rank, p in enumerate(passages)
        for pos, s in enumerate(sentences(p.chunk.text))
    ]
    if not raw:
        return []
    vectors = embedder.embed([question] + [s for _, _, s in raw])
    similarity = np.asarray(vectors[1:] @ vectors[0])
    best_passage = passages[0].score or 1.0
    levels = mentioned_levels(question)
    candidates = []
    for (rank, pos, text), sim in zip(raw, similarity, strict=True):
        said = tokens(text)
        overlap = len(asked_set & set(said)) / max(len(asked_set), 1)
        pairs = len(asked_pairs & _bigrams(said)) / max(len(asked_pairs), 1)
        score = (
            0.35 * float(sim)
            + 0.3 * overlap
            + 0.1 * pairs
            + 0.15 * passages[rank].score / best_passage
            + 0.1 * _shape_bonus(question, text)
        )
        if levels and levels & mentioned_levels(text):
            score += LEVEL_BONUS
        if pos == 0 and passages[rank].chunk.file.startswith("lessons/"):
            # A lesson section's first sentence restates its heading; the facts come after it.
            score -= OPENING_PENALTY
        candidates.append(_Candidate(text, rank, pos, score))
    return candidates


def _pick(candidates: list[_Candidate]) -> list[_Candidate]:
    """The best sentence, then the next best that still fit in 3 sentences and ~80 words."""
    best = max(candidates, key=lambda c: c.score)

    def adjusted(c: _Candidate) -> float:
        follows = c.passage_rank == best.passage_rank and c.position == best.position + 1
        return c.score + (FOLLOW_ON_BONUS if follows else 0.0)

    ranked = sorted(candidates, key=adjusted, reverse=True)
    chosen: list[_Candidate] = []
    words = 0
    for cand in ranked:
        length = word_count(cand.text)
        if chosen and words + length > MAX_WORDS:
            continue
        chosen.append(cand)
        words += length
        if len(chosen) == MAX_SENTENCES:
            break
    return sorted(chosen, key=lambda c: (c.passage_rank, c.position))


def _trim(text: str, limit: int) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def no_answer() -> Answer:
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
    if not passages or passages[0].score < threshold:
        return no_answer()
    floor = PASSAGE_FLOOR * passages[0].score
    relevant = [p for p in passages if p.score >= floor]
    chosen = _pick(_score_sentences(question, relevant, embedder))
    if not chosen:
        return no_answer()
    text = _trim(" ".join(c.text for c in chosen), MAX_WORDS)
    cited: list[Citation] = []
    for rank in sorted({c.passage_rank for c in chosen}):
        chunk = relevant[rank].chunk
        citation = Citation(file=chunk.file, section=chunk.section)
        if citation not in cited:
            cited.append(citation)
    return Answer(answer=text, sources=cited)

"""Extractive answers: the few sentences of the knowledge base that answer a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.content.sections import AREA_TITLES
from coach.domain import Answer, Citation
from coach.parsing.text import mentioned_levels, sentences, tokens, word_count
from coach.search.index import Passage

MAX_SENTENCES = 3
# How a sentence is scored: its similarity to the question, the share of the question's words
# (and word pairs) it contains, how well its section matched, and whether it has the shape of
# the answer asked for. Chosen by the hit rate that `make bench` reports.
SENTENCE_WEIGHTS = {"similarity": 1.0, "overlap": 0.3, "pairs": 0.1, "passage": 0.15, "shape": 0.1}
MAX_WORDS = 80
# Sentences from passages below this share of the best passage's score are not quoted.
PASSAGE_FLOOR = 0.75
LEVEL_BONUS = 0.02
OTHER_LEVEL_PENALTY = 0.1
SCORE_MARGIN = 0.4  # sentences scoring this far below the best one are not quoted
# The sentence after the best one usually carries on its thought.
FOLLOW_ON_BONUS = 0.08
RESTATED = 0.7  # share of shared words above which a sentence only repeats a quoted one

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


def _score_sentences(question: str, passages: list[Passage]) -> list[_Candidate]:
    asked = tokens(question)
    asked_set, asked_pairs = set(asked), _bigrams(asked)
    raw = [
        (rank, pos, s, sim)
        for rank, p in enumerate(passages)
        for pos, (s, sim) in enumerate(zip(p.sentences, p.similarity, strict=True))
    ]
    best_passage = passages[0].score or 1.0
    levels = mentioned_levels(question)
    candidates = []
    for rank, pos, text, sim in raw:
        said = tokens(text)
        overlap = len(asked_set & set(said)) / max(len(asked_set), 1)
        pairs = len(asked_pairs & _bigrams(said)) / max(len(asked_pairs), 1)
        w = SENTENCE_WEIGHTS
        score = (
            w["similarity"] * sim
            + w["overlap"] * overlap
            + w["pairs"] * pairs
            + w["passage"] * passages[rank].score / best_passage
            + w["shape"] * _shape_bonus(question, text)
        )
        named = mentioned_levels(text)
        if levels and named:
            # A sentence about another level answers a different question.
            score += LEVEL_BONUS if levels & named else -OTHER_LEVEL_PENALTY
        candidates.append(_Candidate(text, rank, pos, score))
    return candidates


def _pick(candidates: list[_Candidate], sentences: int, words: int) -> list[_Candidate]:
    """The best sentence, then the next best that still fit in the sentence and word budget."""
    best = max(candidates, key=lambda c: c.score)

    def adjusted(c: _Candidate) -> float:
        follows = c.passage_rank == best.passage_rank and c.position == best.position + 1
        return c.score + (FOLLOW_ON_BONUS if follows else 0.0)

    ranked = sorted(candidates, key=adjusted, reverse=True)
    chosen: list[_Candidate] = []
    used = 0
    for cand in ranked:
        if adjusted(cand) < best.score - SCORE_MARGIN:
            break
        if any(_restates(cand.text, c.text) for c in chosen):
            continue
        length = word_count(cand.text)
        if used + length > words and (chosen or words < MAX_WORDS):
            continue
        chosen.append(cand)
        used += length
        if len(chosen) == sentences:
            break
    # The best sentence leads; the rest follow in reading order.
    return chosen[:1] + sorted(chosen[1:], key=lambda c: (c.passage_rank, c.position))


def _restates(text: str, other: str) -> bool:
    """Whether two sentences say mostly the same words: quoting both adds nothing."""
    mine, theirs = set(tokens(text)), set(tokens(other))
    if {w for w in mine if w.isdigit()} != {w for w in theirs if w.isdigit()}:
        return False  # "Severity 1 ... every 2 hours" is not "Severity 2 ... every 8 hours"
    return len(mine & theirs) > RESTATED * min(len(mine), len(theirs))


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


def on_topic(passages: list[Passage], threshold: float) -> list[Passage]:
    """The passages, or none when no sentence in them is close enough to the question.

    The test is the closest single sentence, not the section's hybrid score: word overlap
    alone ("customer", "plan") makes an unrelated question look covered.
    """
    closest = max((max(p.similarity, default=0.0) for p in passages), default=0.0)
    return passages if closest >= threshold else []


def floor_of(passages: list[Passage]) -> float:
    """Passages scoring below this share of the best one are not quoted."""
    return PASSAGE_FLOOR * passages[0].score if passages else 0.0


def compose_answer(
    question: str,
    passages: list[Passage],
    threshold: float,
    lead: Answer | None = None,
) -> Answer:
    """Quote at most 3 sentences (about 80 words) from the best passages, with citations.

    A lead, such as the level a described situation is graded at, comes first and counts
    against the budget.
    """
    relevant = [p for p in on_topic(passages, threshold) if p.score >= floor_of(passages)]
    lead_text = lead.answer if lead else ""
    sentences_left = MAX_SENTENCES - len(sentences(lead_text))
    words_left = MAX_WORDS - word_count(lead_text)
    chosen = (
        _pick(_score_sentences(question, relevant), sentences_left, words_left)
        if relevant and sentences_left > 0
        else []
    )
    if not chosen:
        return lead or no_answer()
    text = _trim(" ".join([lead_text, *(c.text for c in chosen)]).strip(), MAX_WORDS)
    cited: list[Citation] = list(lead.sources) if lead else []
    for quoted in chosen:  # cited in the order they are quoted
        chunk = relevant[quoted.passage_rank].chunk
        citation = Citation(file=chunk.file, section=chunk.section)
        if citation not in cited:
            cited.append(citation)
    return Answer(answer=text, sources=cited)

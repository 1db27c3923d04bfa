"""The six lessons and their check questions, read from knowledge/lessons/."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field, ValidationError, model_validator

from coach.content.sections import AREA_TITLES, AREAS, Chunk, lesson_path, split_sections
from coach.domain import Citation, CoachError, Model, Text, describe_errors
from coach.parsing.text import sentences

LESSON_WORDS = 220  # a short lesson: every bullet, headings included, within this many words
_BULLET_WORDS = 45  # longest bullet
_CANDIDATES = 4  # sentences of a section considered for its bullet
_FACT = re.compile(r"\b\d+(?:[.:,]\d+)?\b|\b(?:hours?|minutes?|days?|weeks?|months?|daily|weekly|"
                   r"monthly|hourly)\b", re.IGNORECASE)
_ROLE = re.compile(r"\b(?:CSM|VP|CS|Director|Manager|Executive|executive|engineer(?:ing)?|"
                   r"on-call|owner|account executive|product manager|support)\b")
_RULE = re.compile(r"\b(?:must|never|always|within|required|only|every|at once|not|until)\b",
                   re.IGNORECASE)
_DANGLING = re.compile(r"^(?:Then|But|And|So|This|That|These|Those|It|They)\b")


class LessonContentError(CoachError):
    """A lesson or check question in knowledge/ that is missing or malformed."""


class CheckQuestion(Model):
    """One multiple-choice question that checks an area was understood."""

    question: Text
    choices: list[Text] = Field(min_length=2)
    answer: int = Field(ge=0, description="Index of the right choice.")
    explanation: Text

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> CheckQuestion:
        if self.answer >= len(self.choices):
            raise ValueError(f"answer {self.answer} is not one of the {len(self.choices)} choices")
        return self


@dataclass(frozen=True)
class Lesson:
    """One framework area: its sections, a short version of each, and its check question."""

    area: str
    title: str
    file: str
    sections: list[Chunk]
    check: CheckQuestion

    def key_points(self, budget: int = LESSON_WORDS) -> list[tuple[str, str]]:
        """(section heading, one or two of its sentences): the short lesson.

        Each section offers its first sentence, an informative later one (times, levels, roles,
        rules) or the two together; the mix that teaches the most within `budget` words wins.
        """
        sections = [c for c in self.sections if c.text]
        options = [_options(sentences(c.text)) for c in sections]
        heads = sum(_words(c.section) for c in sections)
        chosen = _most_informative(options, budget - heads)
        return [(c.section, text) for c, text in zip(sections, chosen, strict=True)]

    def citations(self) -> list[Citation]:
        """Every section the short lesson draws on."""
        return [Citation(file=c.file, section=c.section) for c in self.sections]

    def section(self, heading: str) -> Chunk | None:
        """A section by heading."""
        return next((c for c in self.sections if c.section == heading), None)


def _words(text: str) -> int:
    return len(text.split())


def _informative(sentence: str) -> int:
    """How much a sentence teaches: facts (numbers, times) count double, then roles and rules."""
    return (2 * len(_FACT.findall(sentence)) + len(_ROLE.findall(sentence))
            + len(_RULE.findall(sentence)))


def _value(facts: int) -> int:
    """Diminishing returns, so every section gets some substance before one gets a lot."""
    return round(10 * math.sqrt(facts))


def _stands_alone(said: list[str], index: int) -> bool:
    """Readable out of its paragraph: not inside a quoted example, no dangling "Then"."""
    sentence = said[index]
    inside_quote = sum(s.count('"') for s in said[:index]) % 2 == 1
    return (not inside_quote and sentence.count('"') % 2 == 0 and ">" not in sentence
            and not sentence.rstrip().endswith(":") and not _DANGLING.match(sentence))


def _options(said: list[str]) -> list[tuple[str, int]]:
    """(bullet text, value) a section can offer: the first sentence alone comes first."""
    first = said[0]
    later = [i for i in range(1, min(len(said), _CANDIDATES)) if _stands_alone(said, i)]
    topic = _informative(first) + 1  # the first sentence defines the section's subject
    options = [(first, _value(topic))]
    for i in later:  # on a tie the earlier sentence wins: paragraphs lead with what matters
        facts = _informative(said[i])
        options.append((said[i], _value(facts) - i))
        options.append((f"{first} {said[i]}", _value(topic + facts) - i))
    return [o for o in options if _words(o[0]) <= _BULLET_WORDS] or options[:1]


def _most_informative(options: list[list[tuple[str, int]]], budget: int) -> list[str]:
    """One option per section, the most value within `budget` words (first sentences if none)."""
    best: dict[int, tuple[int, list[str]]] = {0: (0, [])}  # words used -> (value, texts)
    for offered in options:
        step: dict[int, tuple[int, list[str]]] = {}
        for used, (value, texts) in best.items():
            for text, gain in offered:
                total = used + _words(text)
                if total <= budget and (total not in step or step[total][0] < value + gain):
                    step[total] = (value + gain, [*texts, text])
        if not step:
            return [offered[0][0] for offered in options]
        best = step
    return max(best.items(), key=lambda item: (item[1][0], -item[0]))[1][1]


@lru_cache(maxsize=4)
def load_lessons(knowledge_dir: Path) -> dict[str, Lesson]:
    """The six lessons in teaching order, each with its check question."""
    checks_path = knowledge_dir / "lessons" / "checks.yaml"
    try:
        raw = yaml.safe_load(checks_path.read_text(encoding="utf-8"))
        checks = {area: CheckQuestion.model_validate(raw[area]) for area in AREAS}
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        problem = f"cannot read a check for every area ({exc})"
        raise LessonContentError(f"{checks_path}: {problem}") from exc
    except ValidationError as exc:
        raise LessonContentError(f"{checks_path}: " + "; ".join(describe_errors(exc))) from exc
    lessons = {}
    for area in AREAS:
        path = lesson_path(knowledge_dir, area)
        relative = path.relative_to(knowledge_dir).as_posix()
        try:
            chunks = split_sections(relative, path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise LessonContentError(f"{path}: cannot read the lesson ({exc})") from exc
        lessons[area] = Lesson(area, AREA_TITLES[area], relative, chunks, checks[area])
    return lessons

"""The six lessons and their check questions, read from knowledge/lessons/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field, ValidationError, model_validator

from coach.knowledge import AREA_TITLES, AREAS, Chunk, lesson_path, split_sections
from coach.schemas import Citation, CoachError, Model, Text, describe_errors
from coach.text import sentences


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

    def key_points(self) -> list[tuple[str, str]]:
        """(section heading, its first sentence): the short lesson."""
        return [(c.section, sentences(c.text)[0]) for c in self.sections if c.text]

    def citations(self) -> list[Citation]:
        """Every section the short lesson draws on."""
        return [Citation(file=c.file, section=c.section) for c in self.sections]

    def section(self, heading: str) -> Chunk | None:
        """A section by heading."""
        return next((c for c in self.sections if c.section == heading), None)


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

"""The tailoring questions and the words the coach understands, read from knowledge/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import Field, ValidationError

from coach.domain import (
    CoachError,
    Concern,
    Coverage,
    Model,
    Segment,
    Stage,
    Text,
    describe_errors,
)

M = TypeVar("M", bound=Model)
QuestionKey = Literal["stage", "segments", "roles", "coverage", "timezone", "slas", "concerns",
                      "volume"]
# The profile is ready for a first proposal once these are answered or skipped.
ESSENTIAL: tuple[QuestionKey, ...] = ("stage", "roles", "coverage")


class TailoringContentError(CoachError):
    """A tailoring file in knowledge/ that is missing or malformed."""


class Choice(Model):
    """A quick-reply button: pressing it is the same as typing its id."""

    id: Text
    label: Text


class Question(Model):
    """One tailoring question and its quick replies."""

    key: QuestionKey
    text: Text
    choices: list[Choice] = Field(default_factory=list)


class Guide(Model):
    """knowledge/tailoring_questions.yaml: the questions and the vocabulary of answers."""

    questions: list[Question] = Field(min_length=1)
    stages: dict[Stage, list[Text]]
    segments: dict[Segment, list[Text]]
    coverage: dict[Coverage, list[Text]]
    timezones: dict[str, list[Text]]
    ambiguous_zones: dict[str, list[Text]] = Field(
        default_factory=dict, description='An abbreviation ("IST") -> the zones it may name.')
    concerns: dict[Concern, list[Text]]
    roles: dict[str, list[Text]] = Field(description="Canonical role -> phrases for it.")
    owner_answers: dict[str, list[Text]] = Field(default_factory=dict)
    always_available: list[Text] = Field(default_factory=list)
    negations: list[Text] = Field(default_factory=list)

    def question(self, key: str) -> Question | None:
        """The question with this key."""
        return next((q for q in self.questions if q.key == key), None)

    def owner_aliases(self) -> dict[str, list[str]]:
        """Every phrase that names a role in an answer about who owns an escalation."""
        table = {role: list(words) + [role] for role, words in self.roles.items()}
        for role, words in self.owner_answers.items():
            table.setdefault(role, [role]).extend(words)
        return table


def read_yaml(path: Path) -> object:
    """Parse a YAML file in knowledge/, as a named error when it cannot be read."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TailoringContentError(f"{path}: cannot read it ({exc})") from exc


def load_content(path: Path, model: type[M]) -> M:
    """A YAML file in knowledge/, validated as `model`; problems are a named error."""
    try:
        return model.model_validate(read_yaml(path))
    except ValidationError as exc:
        raise TailoringContentError(f"{path}: " + "; ".join(describe_errors(exc))) from exc


@lru_cache(maxsize=4)
def load_guide(knowledge_dir: Path) -> Guide:
    """Read and validate knowledge/tailoring_questions.yaml (once per directory)."""
    return load_content(knowledge_dir / "tailoring_questions.yaml", Guide)

"""The engine's content from knowledge/: the playbook, message templates and triage questions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import Field, ValidationError

from coach.domain import CoachError, Model, Text, describe_errors

M = TypeVar("M", bound=Model)
Anchor = Literal["response_due", "first_update", "fix", "review"]


class LibraryError(CoachError):
    """A playbook or template file in knowledge/ that is missing or malformed."""


class DueRule(Model):
    """When a plan step is due: an anchor time plus some hours."""

    anchor: Anchor
    hours: float = Field(ge=0)


class StepTemplate(Model):
    """One proposed action-plan step, with placeholders filled from the ticket."""

    key: Text
    action: Text
    owner: Text = Field(description="A ticket field (escalation_owner, csm) or a role.")
    due: DueRule
    metric: Text
    levels: list[int] | None = Field(default=None, description="Severities it applies to.")


class Playbook(Model):
    """Update cadence, fix windows and plan steps by severity."""

    cadence_hours: dict[int, float]
    fix_hours: dict[int, float]
    steps: list[StepTemplate] = Field(min_length=1)
    review_hours: float = Field(gt=0)

    def cadence(self, severity: int) -> float:
        """Hours between customer updates; levels past the table reuse its last value."""
        return _by_level(self.cadence_hours, severity)

    def fix_window(self, severity: int) -> float:
        """Hours from the response deadline to the target fix."""
        return _by_level(self.fix_hours, severity)

    def steps_for(self, severity: int) -> list[StepTemplate]:
        """The steps that apply to a severity, in order."""
        return [s for s in self.steps if s.levels is None or severity in s.levels]


class TriageQuestion(Model):
    """A yes/no question a week-one CSM can answer, asked when the judge is unsure."""

    key: Text
    ask: Text = Field(description="The question, as the coach asks it.")
    teaches: Text = Field(description="The criterion the question teaches.")
    for_levels: list[int] = Field(min_length=1, description="Asked when the more severe "
                                  "of the two likeliest levels is one of these.")
    yes: Text = Field(description="What a yes adds to the text the coach grades.")
    no: Text = Field(description="What a no adds to the text the coach grades.")


class Triage(Model):
    """The triage questions, in the order they are asked."""

    questions: list[TriageQuestion] = Field(min_length=1)

    def for_level(self, severe: int, limit: int = 3) -> list[TriageQuestion]:
        """At most `limit` questions for a choice whose more severe side is `severe`."""
        return [q for q in self.questions if severe in q.for_levels][:limit]

    def question(self, key: str) -> TriageQuestion | None:
        return next((q for q in self.questions if q.key == key), None)


def _by_level(table: dict[int, float], severity: int) -> float:
    if severity in table:
        return table[severity]
    return table[max(table)] if severity > max(table) else table[min(table)]


@dataclass(frozen=True)
class Library:
    """Everything the engine reads from knowledge/, loaded once per engine."""

    playbook: Playbook
    templates: dict[str, str]
    triage: Triage

    @classmethod
    def load(cls, knowledge_dir: Path) -> Library:
        """Read and validate the playbook, the triage questions and knowledge/templates/*.md."""
        templates = {
            p.stem: p.read_text(encoding="utf-8")
            for p in sorted((knowledge_dir / "templates").glob("*.md"))
        }
        return cls(
            _read(knowledge_dir / "playbook.yaml", Playbook),
            templates,
            _read(knowledge_dir / "triage.yaml", Triage),
        )

    def template(self, name: str) -> str:
        """A message template by file stem, e.g. "customer_update"."""
        try:
            return self.templates[name]
        except KeyError:
            raise LibraryError(f"no template knowledge/templates/{name}.md") from None


def _read(path: Path, model: type[M]) -> M:
    """One YAML file of knowledge/, validated; any problem is a LibraryError naming the file."""
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise LibraryError(f"{path}: cannot read it ({exc.__class__.__name__})") from exc
    except ValidationError as exc:
        raise LibraryError(f"{path}: " + "; ".join(describe_errors(exc))) from exc

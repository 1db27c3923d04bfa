"""Reading a practice answer and scoring it, with partial credit, against the active framework."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from coach.domain import Model, SeverityFramework, SeverityLevel, hours_text
from coach.parsing.short_answers import blank, find_duration, find_level, owner_parts, scan
from coach.training.scenarios import Scenario, expected_level
from coach.training.wording import full_stop

Part = Literal["severity", "owner", "response"]
PARTS: tuple[Part, ...] = ("severity", "owner", "response")
# The lesson that teaches each part; grading direction points at the criteria anti-patterns.
LESSON_FOR: dict[str, str] = {"severity": "severity", "owner": "severity", "response": "response",
                              "too_low": "criteria", "too_high": "criteria"}
WEAK_BELOW = 0.75


class PracticeAnswer(Model):
    """What the trainee said so far; any part may still be missing."""

    severity: int | None = None
    owner: list[str] = Field(default_factory=list, description="Roles named, canonical.")
    hours: float | None = None

    def missing(self) -> list[Part]:
        """Parts not given yet."""
        given = {"severity": self.severity is not None, "owner": bool(self.owner),
                 "response": self.hours is not None}
        return [p for p in PARTS if not given[p]]


class PartScore(Model):
    """The credit for one part of an answer and why."""

    part: Part
    score: float = Field(ge=0, le=1)
    note: str


class ScenarioScore(Model):
    """One graded scenario."""

    scenario_id: str
    title: str
    expected_level: int
    given_level: int | None
    parts: list[PartScore]

    @property
    def total(self) -> float:
        return sum(p.score for p in self.parts)


def read_answer(text: str, framework: SeverityFramework, roles: dict[str, list[str]],
                before: PracticeAnswer | None = None) -> PracticeAnswer:
    """Add what a message says ("sev 2, the director, 4h") to the answer so far."""
    answer = (before or PracticeAnswer()).model_copy(deep=True)
    duration = find_duration(text)
    rest = blank(text, [duration[1]]) if duration else text
    if duration:
        answer.hours = duration[0]
    table = _owner_table(framework, roles)
    named = scan(rest, table)
    if named:
        answer.owner = list(dict.fromkeys(h.key for h in named))
    level = find_level(blank(rest, named), framework)
    if level is not None:
        answer.severity = level
    return answer


def _owner_table(framework: SeverityFramework, roles: dict[str, list[str]]) -> dict[str, list[str]]:
    table = {role: list(words) for role, words in roles.items()}
    for lvl in framework.levels:
        for part in owner_parts(lvl.owner):
            table.setdefault(part, []).append(part)
    # A level's name is a severity, never an owner ("Critical" is not a role).
    names = {lvl.name.casefold() for lvl in framework.levels}
    return {k: [w for w in v if w.casefold() not in names] for k, v in table.items()}


def score_answer(scenario: Scenario, answer: PracticeAnswer,
                 framework: SeverityFramework) -> ScenarioScore:
    """Score each part: exact is full credit, one level off (or close) is half."""
    right = framework.levels[expected_level(scenario, framework) - 1]
    parts = [_severity(answer, right, framework), _owner(answer, right, framework),
             _response(answer, right, framework)]
    return ScenarioScore(scenario_id=scenario.id, title=scenario.title, expected_level=right.level,
                         given_level=answer.severity, parts=parts)


def _severity(answer: PracticeAnswer, right: SeverityLevel, fw: SeverityFramework) -> PartScore:
    given = answer.severity
    label = full_stop(f"Severity {right.level} ({right.name}): {right.definition}")
    if given is None:
        return PartScore(part="severity", score=0, note=f"No severity given. It is {label}")
    off = abs(given - right.level)
    score = 1.0 if off == 0 else 0.5 if off == 1 else 0.0
    verdict = "Right" if off == 0 else f"You said {given}; one level off" if off == 1 else \
        f"You said {given}; {off} levels off"
    return PartScore(part="severity", score=score, note=f"{verdict}. It is {label}")


def _owner(answer: PracticeAnswer, right: SeverityLevel, fw: SeverityFramework) -> PartScore:
    given = {r.casefold() for r in answer.owner}
    expected = {p.casefold() for p in owner_parts(right.owner)}
    near = {p.casefold() for lvl in fw.levels if abs(lvl.level - right.level) == 1
            for p in owner_parts(lvl.owner)}
    said = " + ".join(answer.owner) or "no owner"
    if given and given <= expected:
        score, verdict = 1.0, "Right"
    elif given & expected or (given and given <= near):
        score, verdict = 0.5, f"You said {said}; partly right"
    else:
        score, verdict = 0.0, f"You said {said}"
    return PartScore(part="owner", score=score,
                     note=full_stop(f"{verdict}. Severity {right.level} is owned by {right.owner}"))


def _response(answer: PracticeAnswer, right: SeverityLevel, fw: SeverityFramework) -> PartScore:
    target = hours_text(right.response_hours)
    hours = answer.hours
    if hours is None:
        return PartScore(part="response", score=0, note=f"No time given; it is {target}.")
    near = {lvl.response_hours for lvl in fw.levels if abs(lvl.level - right.level) == 1}
    close = hours in near or 0.5 <= hours / right.response_hours <= 2
    score = 1.0 if abs(hours - right.response_hours) < 1e-6 else 0.5 if close else 0.0
    verdict = "Right" if score == 1 else f"You said {hours_text(hours)}" + (
        "; close" if score else "")
    return PartScore(part="response", score=score,
                     note=f"{verdict}. First response within {target} at Severity {right.level}.")


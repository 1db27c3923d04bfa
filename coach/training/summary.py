"""The end of a practice round: score, weak spots and the lessons to revisit."""

from __future__ import annotations

from pydantic import Field

from coach.content.sections import AREAS
from coach.domain import Model
from coach.training.scoring import LESSON_FOR, PARTS, WEAK_BELOW, ScenarioScore

PART_WORDS = {"severity": "Severity", "owner": "Owner", "response": "Response time"}


class PracticeSummary(Model):
    """A finished round, as the score artifact carries it."""

    framework: str = Field(description="Name of the framework the answers were scored against.")
    scenarios: int
    score: float
    out_of: float
    percent: int
    by_part: dict[str, float] = Field(description="Average credit per part, 0 to 1.")
    weak_spots: list[str]
    revisit: list[str] = Field(description="Lesson areas to revisit, in teaching order.")
    results: list[ScenarioScore]


def summarise(results: list[ScenarioScore], framework_name: str) -> PracticeSummary:
    """Totals, the parts and habits that cost points, and where to learn them again."""
    count = len(results) or 1
    score = sum(r.total for r in results)
    out_of = float(len(results) * len(PARTS))
    credit = [(s.part, s.score) for r in results for s in r.parts]
    totals: dict[str, float] = {p: sum(s for part, s in credit if part == p) for p in PARTS}
    by_part: dict[str, float] = {p: round(totals[p] / count, 2) for p in PARTS}
    weak: list[str] = [p for p in PARTS if totals[p] / count < WEAK_BELOW]
    spots = [f"{PART_WORDS[p]}: {round(totals[p], 2):g} of {len(results)}" for p in weak]
    graded = [(r.given_level, r.expected_level) for r in results if r.given_level is not None]
    too_low = sum(1 for given, right in graded if given > right)
    too_high = [given for given, right in graded if given < right]
    if too_low > len(too_high) and too_low:
        spots.append(f"Graded {_scenarios(too_low)} less severe than they are: escalate sooner")
        weak.append("too_low")
    elif too_high:
        spots.append(f"Graded {_scenarios(len(too_high))} more severe than they are: "
                     + _too_high_advice(too_high))
        weak.append("too_high")
    areas = {LESSON_FOR[w] for w in weak}
    return PracticeSummary(
        framework=framework_name, scenarios=len(results), score=score, out_of=out_of,
        percent=round(100 * score / out_of) if out_of else 0, by_part=by_part,
        weak_spots=spots, revisit=[a for a in AREAS if a in areas], results=results,
    )


def _scenarios(n: int) -> str:
    return f"{n} scenario" if n == 1 else f"{n} scenarios"


def _too_high_advice(given: list[int]) -> str:
    """Advice that matches the levels the learner actually over-used."""
    if 1 in given:
        return "keep Severity 1 for business-stopping issues"
    levels = sorted(set(given))
    named = " or ".join(f"Severity {lvl}" for lvl in levels)
    return f"check impact, scope and workaround before choosing {named}"

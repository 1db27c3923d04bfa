"""The practice scenario bank in knowledge/scenarios/, and choosing a round from it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field, TypeAdapter, ValidationError

from coach.domain import CoachError, Model, SeverityFramework, Text, describe_errors

SEED_LEVELS = 4  # the bank's levels are on the seed's four-level scale


class ScenarioBankError(CoachError):
    """The scenario bank is missing or malformed."""


class Scenario(Model):
    """A realistic situation a trainee grades: severity, owner and response time."""

    id: Text
    title: Text
    situation: Text
    level: int = Field(ge=1, le=SEED_LEVELS, description="Correct level on the seed scale.")
    why: Text


@lru_cache(maxsize=4)
def load_scenarios(knowledge_dir: Path) -> tuple[Scenario, ...]:
    """Every practice scenario, validated."""
    path = knowledge_dir / "scenarios" / "practice.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return tuple(TypeAdapter(list[Scenario]).validate_python(raw))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioBankError(f"{path}: cannot read the bank ({exc})") from exc
    except ValidationError as exc:
        raise ScenarioBankError(f"{path}: " + "; ".join(describe_errors(exc))) from exc


def pick_round(bank: tuple[Scenario, ...], round_number: int, size: int) -> list[str]:
    """Scenario ids for one round: levels interleaved, a different slice each round."""
    by_level = [[s for s in bank if s.level == n] for n in range(1, SEED_LEVELS + 1)]
    interleaved = [s.id for group in zip(*by_level, strict=False) for s in group]
    interleaved += [s.id for s in bank if s.id not in interleaved]
    # A stride that is coprime with the bank size spreads levels and varies the order per round.
    start = (round_number * size) % len(interleaved)
    chosen = [interleaved[(start + i * 7) % len(interleaved)] for i in range(size)]
    return list(dict.fromkeys(chosen))


def expected_level(scenario: Scenario, framework: SeverityFramework) -> int:
    """The scenario's level on the active framework's scale (same number for four levels)."""
    count = len(framework.levels)
    if count == SEED_LEVELS:
        return scenario.level
    return round((scenario.level - 1) / (SEED_LEVELS - 1) * (count - 1)) + 1

"""Loading severity frameworks from YAML or JSON files, with every problem in plain words."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from coach.domain import CoachError, SeverityFramework, describe_errors


class FrameworkFileError(CoachError):
    """A framework file that cannot be read or is not a valid framework."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def read_framework_data(path: Path) -> object:
    """Parse a YAML or JSON file; unreadable or unparsable files raise FrameworkFileError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileError(
            path, [f"cannot read the file ({exc.__class__.__name__})"]
        ) from exc
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        detail = " ".join(str(exc).split())  # parser messages span lines; errors are one line
        kind = "JSON" if path.suffix == ".json" else "YAML"
        raise FrameworkFileError(path, [f"not valid {kind}: {detail}"]) from exc


def load_framework(path: Path) -> SeverityFramework:
    """Load and validate a framework file, listing every problem in plain words."""
    data = read_framework_data(path)
    if not isinstance(data, dict):
        raise FrameworkFileError(path, ["the file must hold a mapping with 'name' and 'levels'"])
    try:
        return SeverityFramework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkFileError(path, describe_errors(exc)) from exc


def default_framework(framework_file: Path | None, knowledge_dir: Path) -> SeverityFramework:
    """The installation's default: COACH_FRAMEWORK_FILE's framework, else the seed's."""
    return load_framework(framework_file) if framework_file else seed_framework(knowledge_dir)


def seed_framework(knowledge_dir: Path) -> SeverityFramework:
    """The seed's severity matrix, the default framework."""
    return load_framework(knowledge_dir / "severity_matrix.yaml")

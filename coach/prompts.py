"""Prompt templates: files in prompts/ with named {variables}; a missing variable is an error."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from coach.schemas import CoachError


class PromptError(CoachError):
    """A prompt file that is missing, or rendered without one of its variables."""


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt file and the variables it needs."""

    name: str
    text: str

    @property
    def variables(self) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(self.text) if field}

    def render(self, **values: object) -> str:
        """The prompt with every variable filled in; missing or unknown ones are errors."""
        missing = self.variables - values.keys()
        if missing:
            raise PromptError(f"prompt {self.name!r} needs {sorted(missing)}")
        unknown = values.keys() - self.variables
        if unknown:
            raise PromptError(f"prompt {self.name!r} has no variable(s) {sorted(unknown)}")
        return self.text.format(**values)


class PromptLibrary:
    """Loads prompt templates from a folder by name, once each."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._cache: dict[str, PromptTemplate] = {}

    def get(self, name: str) -> PromptTemplate:
        if name not in self._cache:
            path = self._folder / f"{name}.md"
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise PromptError(f"no prompt file {path}") from exc
            self._cache[name] = PromptTemplate(name, text.strip())
        return self._cache[name]

    def render(self, name: str, **values: object) -> str:
        return self.get(name).render(**values)

"""Templates with named {variables}: prompts in prompts/, messages in knowledge/templates/.

One filler serves both, and a missing variable is always an error, never a blank.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coach.domain import CoachError


class TemplateError(CoachError):
    """A template file that is missing, or filled without one of its variables."""


def placeholders(text: str) -> set[str]:
    """The names of a template's {variables}."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def fill(text: str, values: Mapping[str, object], what: str, extra_ok: bool = False) -> str:
    """The template with every variable filled in.

    A variable without a value is an error; so is a value the template does not use, unless
    `extra_ok` (message templates pick what they need from one set of facts).
    """
    wanted = placeholders(text)
    missing = wanted - values.keys()
    if missing:
        raise TemplateError(f"{what} needs {sorted(missing)}")
    unknown = values.keys() - wanted
    if unknown and not extra_ok:
        raise TemplateError(f"{what} has no variable(s) {sorted(unknown)}")
    return text.format(**values)


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt file and the variables it needs."""

    name: str
    text: str

    @property
    def variables(self) -> set[str]:
        return placeholders(self.text)

    def render(self, **values: object) -> str:
        """The prompt with every variable filled in; missing or unknown ones are errors."""
        return fill(self.text, values, f"prompt {self.name!r}")


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
                raise TemplateError(f"no prompt file {path}") from exc
            self._cache[name] = PromptTemplate(name, text.strip())
        return self._cache[name]

    def render(self, name: str, **values: object) -> str:
        return self.get(name).render(**values)

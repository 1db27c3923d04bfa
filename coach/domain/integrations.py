"""How a framework's levels map to the priorities of the tools CS teams hand tickets to
(Zendesk, Jira Service Management, Salesforce): the framework's `integrations` section, or
these defaults for levels 1-4."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field, field_validator

from coach.domain.base import Model

Tool = Literal["zendesk", "jira", "salesforce"]
TOOLS: tuple[Tool, ...] = get_args(Tool)
ALLOWED: dict[Tool, tuple[str, ...] | None] = {
    "zendesk": ("urgent", "high", "normal", "low"),
    "jira": None,  # priority names are the Jira site's own; any name is allowed
    "salesforce": ("High", "Medium", "Low"),
}
DEFAULT_PRIORITIES: dict[Tool, dict[str, str]] = {
    "zendesk": {"1": "urgent", "2": "high", "3": "normal", "4": "low"},
    "jira": {"1": "Highest", "2": "High", "3": "Medium", "4": "Low"},
    "salesforce": {"1": "High", "2": "High", "3": "Medium", "4": "Low"},
}


class Integrations(Model):
    """A framework's hand-off settings: each tool's priority for each level ("1": "urgent")."""

    priority: dict[Tool, dict[str, str]] = Field(
        default_factory=dict, description="By tool, then by level number as text.")

    @field_validator("priority")
    @classmethod
    def _known_priorities(cls, value: dict[Tool, dict[str, str]]
                          ) -> dict[Tool, dict[str, str]]:
        for tool, levels in value.items():
            allowed = ALLOWED[tool]
            for level, name in levels.items():
                if not level.isdigit():
                    raise ValueError(f"{tool}: {level!r} is not a level number")
                if allowed is not None and name not in allowed:
                    raise ValueError(f"{tool}: level {level} priority {name!r} is not one of "
                                     + ", ".join(allowed))
                if not name.strip():
                    raise ValueError(f"{tool}: level {level} has an empty priority")
        return value


def priority_map(integrations: Integrations | None, tool: Tool) -> dict[str, str]:
    """The tool's priority by level: the framework's own mapping, else the defaults."""
    if integrations is not None and tool in integrations.priority:
        return integrations.priority[tool]
    return DEFAULT_PRIORITIES[tool]


def mapping_problems(integrations: Integrations | None, levels: list[int]) -> list[str]:
    """Levels a tool has no priority for, and mapped levels the framework does not have."""
    problems = []
    for tool in TOOLS:
        found = priority_map(integrations, tool)
        missing = [n for n in levels if str(n) not in found]
        if missing:
            where = ("its integrations section" if integrations and tool in
                     integrations.priority else "the defaults (levels 1-4)")
            problems.append(f"integrations.priority.{tool}: no priority for level "
                            + ", ".join(map(str, missing)) + f" in {where}; map every level")
        extra = sorted(set(found) - {str(n) for n in levels}, key=int)
        if extra and integrations is not None and tool in integrations.priority:
            problems.append(f"integrations.priority.{tool}: level {', '.join(extra)} is not a "
                            "level of this framework")
    return problems

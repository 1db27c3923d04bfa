"""Validating a proposal with the company profile as context: owners must be roles that exist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from coach.domain import CoachError, CompanyProfile, SeverityFramework, describe_errors
from coach.parsing.short_answers import owner_parts


class ProposalError(CoachError):
    """A framework that breaks an invariant or names an owner the company does not have."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def existing_roles(profile: CompanyProfile, extra: Iterable[str]) -> list[str] | None:
    """Roles that may own a level; None when the profile does not say which roles exist."""
    if not profile.cs_roles:
        return None
    return list(dict.fromkeys([*profile.cs_roles, *extra]))


class TailoredFramework(SeverityFramework):
    """A severity framework checked against the company it was tailored for."""

    @model_validator(mode="after")
    def _owners_exist(self, info: ValidationInfo) -> TailoredFramework:
        context = info.context or {}
        profile = context.get("profile")
        if not isinstance(profile, CompanyProfile):
            return self
        roles = existing_roles(profile, context.get("extra_roles", ()))
        if roles is None:
            return self  # the profile names no roles, so there is nothing to check against
        known = {r.casefold() for r in roles}
        for lvl in self.levels:
            missing = [p for p in owner_parts(lvl.owner) if p.casefold() not in known]
            if missing:
                raise PydanticCustomError(
                    "owner",
                    "level {level} owner \"{owner}\": {missing} is not a role you have; "
                    "choose one of {roles}, or tell me the role exists",
                    {"level": lvl.level, "owner": lvl.owner, "missing": " and ".join(missing),
                     "roles": ", ".join(roles)},
                )
        return self


def validate_proposal(
    framework: SeverityFramework | dict[str, Any],
    profile: CompanyProfile,
    extra_roles: Iterable[str] = (),
) -> SeverityFramework:
    """The framework, if it keeps every invariant and its owners exist; else ProposalError."""
    data = framework.model_dump() if isinstance(framework, SeverityFramework) else framework
    context = {"profile": profile, "extra_roles": list(extra_roles)}
    try:
        checked = TailoredFramework.model_validate(data, context=context)
    except ValidationError as exc:
        problems = [p.removeprefix("(whole record): ") for p in describe_errors(exc)]
        raise ProposalError(problems) from exc
    return SeverityFramework.model_validate(checked.model_dump())

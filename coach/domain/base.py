"""The base of every domain model, the coach's error type and plain-words validation errors."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Model(BaseModel):
    """Base for every schema: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)



def plain_error(kind: str, message: str) -> PydanticCustomError:
    """A validation error whose message is shown to people as it is."""
    return PydanticCustomError(kind, message)


class CoachError(Exception):
    """Base of every error the coach raises on purpose."""


_PLAIN_MESSAGES = {
    "missing": "is required but missing; add it",
    "extra_forbidden": "is not a known field; remove it or check its spelling",
    "string_too_short": "is empty; write something here",
    "string_type": "must be text",
    "float_parsing": "must be a number, e.g. 4 or 0.5",
    "float_type": "must be a number, e.g. 4 or 0.5",
    "int_parsing": "must be a whole number, e.g. 2",
    "int_type": "must be a whole number, e.g. 2",
    "int_from_float": "must be a whole number, e.g. 2",
    "list_type": "must be a list of items",
    "dict_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "timezone_aware": "needs a time zone, e.g. 2026-11-26T10:00:00+00:00",
}


def describe_errors(error: ValidationError) -> list[str]:
    """One plain line per problem, naming the field: "levels.2.owner: ..."."""
    lines: list[str] = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "(whole record)"
        message = _PLAIN_MESSAGES.get(item["type"], item["msg"])
        if item["type"] in ("greater_than", "greater_than_equal", "less_than_equal"):
            limit = next(iter((item.get("ctx") or {}).values()), "")
            word = {"greater_than": "more than", "greater_than_equal": "at least",
                    "less_than_equal": "at most"}[item["type"]]
            message = f"must be {word} {limit}"
        elif item["type"] == "literal_error":
            message = item["msg"].replace("Input should be", "must be")
        lines.extend(f"{where}: {part}" for part in message.splitlines())
    return lines

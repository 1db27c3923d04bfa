"""Where the shipped content lives: knowledge/ and prompts/, found as package data.

In a checkout they are the repository's top-level folders; in an installed wheel they sit
inside the package as `coach.content.knowledge` and `coach.content.prompts`. The import
system knows which, so nothing here guesses from `__file__`.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

from coach.domain import CoachError


class ContentMissing(CoachError):
    """The coach's own content folders are not installed as files."""


def content_dir(name: Literal["knowledge", "prompts"]) -> Path:
    """The folder of one shipped content package."""
    package = f"coach.content.{name}"
    try:
        folder = files(package)
    except ModuleNotFoundError:
        raise ContentMissing(f"{package} is not installed; reinstall escalation-coach") from None
    if not isinstance(folder, Path):  # e.g. a zipped install: the index needs real files
        raise ContentMissing(f"{package} is not unpacked on disk; install the wheel unzipped")
    return folder

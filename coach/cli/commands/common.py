"""What the subcommands share: input checks, framework choice and output."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from coach.content.frameworks import load_framework, seed_framework
from coach.domain import CoachError, SeverityFramework
from coach.settings import Settings, get_settings

MAX_INPUT_CHARS = 10_000


class UsageError(CoachError):
    """Bad input on the command line: reported as one line, exit 2."""


def require_text(text: str | None, what: str = "text") -> str:
    """Non-empty text, or a UsageError that says what is expected."""
    if text is None or not text.strip():
        raise UsageError(f"the {what} is empty; give some words")
    if len(text) > MAX_INPUT_CHARS:
        raise UsageError(
            f"the {what} is {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}"
        )
    return text.strip()


def add_framework_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--framework",
        type=Path,
        metavar="FILE",
        help="a severity framework file (YAML or JSON) instead of the seed's",
    )


def active_framework(path: Path | None, settings: Settings | None = None) -> SeverityFramework:
    """The framework named on the command line, in settings, or else the seed's."""
    settings = settings or get_settings()
    chosen = path or settings.framework_file
    return load_framework(chosen) if chosen else seed_framework(settings.knowledge_dir)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")

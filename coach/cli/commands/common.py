"""What the subcommands share: input checks, framework choice and output."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from coach.content.frameworks import default_framework, load_framework
from coach.domain import CoachError, SeverityFramework
from coach.engine.inputs import clean_text
from coach.settings import Settings, get_settings

MAX_INPUT_CHARS = 10_000


class UsageError(CoachError):
    """Bad input on the command line: reported as one line, exit 2."""


def require_text(text: str | None, what: str = "text") -> str:
    """Non-empty text, or a UsageError that says what is expected."""
    text = clean_text(text) if text is not None else None  # argv may hold lone surrogates
    if text is None or not text.strip():
        raise UsageError(f"the {what} is empty; give some words")
    if len(text) > MAX_INPUT_CHARS:
        raise UsageError(
            f"the {what} is {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}"
        )
    return text.strip()


def add_framework_option(parser: argparse.ArgumentParser, more: str = "") -> None:
    parser.add_argument(
        "--framework",
        type=Path,
        metavar="FILE",
        help="a severity framework file (YAML or JSON) instead of the team's or the seed's"
        + more,
    )


def active_framework(path: Path | None, settings: Settings | None = None) -> SeverityFramework:
    """The framework that applies: `--framework FILE`, else the team's accepted one, else
    COACH_FRAMEWORK_FILE's, else the seed's. An unreadable team framework is said, not fatal."""
    settings = settings or get_settings()
    if path is not None:
        return load_framework(path)
    default = default_framework(settings.framework_file, settings.knowledge_dir)
    if settings.database_url is None and not (settings.data_dir / "coach.db").is_file():
        return default  # no database, so no team framework (and no database imports)
    from coach.web.store import Store, StoreError

    try:
        return Store.for_settings(settings).team_framework(default)[0]
    except StoreError as exc:
        print(f"warning: the team's framework could not be read ({exc}); using {default.name}",
              file=sys.stderr)
        return default


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")

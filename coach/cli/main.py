"""The `coach` command: the same engine as the browser app, for terminals and scripts."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from coach.domain import CoachError

# Each subcommand's module; only the one being run is imported, so `coach classify` never
# pays for the web server's or the database's imports.
COMMANDS = ("ask", "framework", "chat", "classify", "ticket", "escalations", "next-steps",
            "metrics", "demo", "serve", "users")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser for every subcommand, or for `only` that one."""
    parser = _Parser(prog="coach", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        if only in (None, name):
            module = name.replace("-", "_")
            importlib.import_module(f"coach.cli.commands.{module}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors are one line on stderr and a non-zero exit, never a traceback."""
    # Set the root logger first: a dependency (wordllama) calls basicConfig(level=INFO) on import,
    # which would print every HTTP request to stderr.
    logging.basicConfig(level=logging.WARNING, format="coach: %(name)s: %(message)s")
    words = list(sys.argv[1:] if argv is None else argv)
    first = next((w for w in words if not w.startswith("-")), None)
    args = build_parser(first if first in COMMANDS else None).parse_args(words)
    try:
        return int(args.handler(args))
    except CoachError as exc:
        detail = getattr(exc, "detail", "")
        print(f"coach: {exc}" + (f" ({detail})" if detail else ""), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, and the exit code says so
        print(f"coach: internal error ({exc.__class__.__name__}): {exc}", file=sys.stderr)
        return 1

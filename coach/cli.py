"""The `coach` command: the same engine as the browser app, for terminals and scripts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from coach.commands import ask, chat, classify, framework, serve, ticket, users
from coach.schemas import CoachError

COMMANDS = (ask, framework, chat, classify, ticket, serve, users)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="coach", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors are one line on stderr and a non-zero exit, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, and the exit code says so
        print(f"coach: internal error ({exc.__class__.__name__}): {exc}", file=sys.stderr)
        return 1

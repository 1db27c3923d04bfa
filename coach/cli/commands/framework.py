"""`coach framework show|validate`: look at or check a severity framework."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coach.cli.commands.common import active_framework, add_framework_option, print_json
from coach.content.frameworks import FrameworkFileError, load_framework
from coach.domain import framework_markdown
from coach.domain.integrations import mapping_problems


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("framework", help="show or validate a severity framework")
    actions = parser.add_subparsers(dest="action", required=True)
    show = actions.add_parser("show", help="print the active framework")
    add_framework_option(show)
    fmt = show.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--markdown", action="store_true")
    show.set_defaults(handler=run_show)
    check = actions.add_parser("validate", help="check a framework file; exit 0 when valid")
    check.add_argument("file", type=Path)
    check.set_defaults(handler=run_validate)


def run_show(args: argparse.Namespace) -> int:
    framework = active_framework(args.framework)
    if args.json:
        print_json(framework.model_dump())
    else:
        print(framework_markdown(framework))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    try:
        framework = load_framework(args.file)
    except FrameworkFileError as exc:
        for problem in exc.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        return 2
    unmapped = mapping_problems(framework.integrations, [lvl.level for lvl in framework.levels])
    for problem in unmapped:  # hand-offs to Zendesk, Jira and Salesforce need every level
        print(f"{args.file}: {problem}", file=sys.stderr)
    if unmapped:
        return 2
    print(f"{args.file}: valid ({len(framework.levels)} levels)")
    return 0

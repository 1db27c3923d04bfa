"""`coach next-steps [--json] [--all]`: the open next steps, the nearest due first."""

from __future__ import annotations

import argparse
import dataclasses

from coach.cli.commands.common import UsageError, print_json
from coach.cli.commands.escalations import acting
from coach.domain.clock import coach_now
from coach.settings import get_settings
from coach.web.next_steps import NextSteps
from coach.web.store import Store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("next-steps", help="the open next steps, the nearest due first")
    parser.add_argument("--all", action="store_true", help="the whole team's (leaders)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--user", help="whose (default: COACH_USER, else local)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = Store.for_settings(get_settings())
    viewer = acting(store, args.user)
    if args.all and not viewer.sees_team:
        raise UsageError("only leaders see the team's next steps; leave out --all")
    if not args.all:
        viewer = dataclasses.replace(viewer, sees_team=False)
    steps = NextSteps(store, coach_now).open(viewer)
    now = coach_now()
    if args.json:
        print_json([s.model_dump(mode="json") for s in steps])
        return 0
    for step in steps:
        late = "  OVERDUE" if step.due < now else ""
        where = f"  [{step.account} #{step.escalation_id}]" if step.account else ""
        print(f"#{step.id}  {step.due:%Y-%m-%d %H:%M %Z}  {step.owner}: {step.action}"
              f"{where}{late}")
    if not steps:
        print("No open next steps.")
    return 0

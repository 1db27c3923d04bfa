"""`coach demo seed --escalations N --seed S [--days 90]` and `coach demo clear`: a
reproducible demonstration history in the installation's team, marked as demo data."""

from __future__ import annotations

import argparse

from coach.cli.commands.common import UsageError, active_framework
from coach.domain.clock import coach_now
from coach.settings import get_settings
from coach.web import demo
from coach.web.store import Store

MAX_ESCALATIONS, MAX_DAYS = 5_000, 3 * 366


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help="a demonstration history for the dashboard")
    actions = parser.add_subparsers(dest="action", required=True)
    seeding = actions.add_parser("seed", help="write synthetic escalations ending at now")
    seeding.add_argument("--escalations", type=int, default=120, metavar="N")
    seeding.add_argument("--seed", type=int, default=1, metavar="S",
                         help="the same seed writes the same history")
    seeding.add_argument("--days", type=int, default=90, help="how far back it starts")
    seeding.set_defaults(handler=run_seed)
    clearing = actions.add_parser("clear", help="remove every demo escalation")
    clearing.set_defaults(handler=run_clear)


def run_seed(args: argparse.Namespace) -> int:
    if not 1 <= args.escalations <= MAX_ESCALATIONS:
        raise UsageError(f"--escalations must be 1 to {MAX_ESCALATIONS:,}")
    if not 1 <= args.days <= MAX_DAYS:
        raise UsageError(f"--days must be 1 to {MAX_DAYS}")
    settings = get_settings()
    framework = active_framework(None, settings)
    store = Store.for_settings(settings)
    written = demo.seed(store, framework, args.escalations, args.seed, args.days, coach_now())
    print(f"wrote {written} demo escalations over {args.days} days up to now; "
          "`coach demo clear` removes them")
    return 0


def run_clear(args: argparse.Namespace) -> int:
    removed = demo.clear(Store.for_settings(get_settings()))
    print(f"removed {removed} demo escalations")
    return 0

"""`coach metrics [--since DATE] [--until DATE] [--level N] [--all] [--json] [--csv DIR]`:
escalation metrics as of now (COACH_NOW), defined in the README's "Metrics" section.

Dates are YYYY-MM-DD in the team calendar's time zone, both ends inclusive; with neither, the
range is all time. `--all` counts the team's escalations (leaders); without it, your own.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from coach.cli.commands.common import UsageError, active_framework, print_json
from coach.cli.commands.escalations import acting
from coach.domain.clock import coach_now
from coach.settings import get_settings
from coach.tracking.metric_tables import csv_text, tables
from coach.tracking.metrics import Metrics, Scope
from coach.web.store import Store
from coach.web.team_metrics import team_metrics


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("metrics", help="escalation metrics: volume, SLA attainment, "
                            "times, breaches, open work")
    parser.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                        help="from this date (team time zone, inclusive)")
    parser.add_argument("--until", type=_date, metavar="YYYY-MM-DD",
                        help="to this date (inclusive)")
    parser.add_argument("--level", type=int, metavar="N", help="one severity level only")
    parser.add_argument("--all", action="store_true", help="the whole team's (leaders)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--csv", type=Path, metavar="DIR", help="write one CSV file per table")
    parser.add_argument("--user", help="who asks (default: COACH_USER, else local)")
    parser.set_defaults(handler=run)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-01") from None


def run(args: argparse.Namespace) -> int:
    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since} is after --until {args.until}")
    settings = get_settings()
    framework = active_framework(None, settings)
    if args.level is not None and framework.find(args.level) is None:
        valid = ", ".join(str(level.level) for level in framework.levels)
        raise UsageError(f"no severity level {args.level}; valid levels are {valid}")
    store = Store.for_settings(settings)
    viewer = acting(store, args.user)
    if args.all and not viewer.sees_team:
        raise UsageError("only leaders see the team's metrics; leave out --all")
    found = team_metrics(store, viewer, Scope(args.since, args.until, args.level, args.all),
                         framework, coach_now())
    if args.csv is not None:
        _write_csv(found, args.csv)
    if args.json:
        print_json(found.model_dump(mode="json"))
    elif args.csv is None:
        print(summary(found))
    return 0


def _write_csv(found: Metrics, folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in tables(found).items():
            (folder / f"{name}.csv").write_text(csv_text(table), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the CSV files to {folder} ({exc.strerror})") from None
    print(f"wrote {len(tables(found))} CSV files to {folder}")


def summary(found: Metrics) -> str:
    """The figures in a few lines."""
    span = f"{found.since or 'the start'} to {found.until or 'now'}"
    lines = [f"{found.opened} escalations opened, {span} ({found.scope}; {found.timezone})",
             f"open now {found.open}: {found.at_risk} at risk, {found.breached_now} breached; "
             f"reviews due {found.reviews_due}, overdue {found.reviews_overdue}; "
             f"action items overdue {found.action_items_overdue}"]
    for number, level in found.levels.items():
        first, resolution = level.first_response, level.resolution
        lines.append(
            f"severity {number}: {level.opened} opened; first response "
            f"{_share(first.attainment)} on time, median {_minutes(first.median_minutes)}; "
            f"resolution {_share(resolution.attainment)} on time, median "
            f"{_minutes(resolution.median_minutes)}; updates "
            f"{_share(level.next_update.attainment)} on time")
    return "\n".join(lines)


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _minutes(value: int | None) -> str:
    if value is None:
        return "n/a"
    return f"{value} min" if value < 120 else f"{value / 60:.1f} h"

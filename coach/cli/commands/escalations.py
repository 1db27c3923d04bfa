"""`coach escalations create|show|log|status|severity|list|review|trend|export|push`:
escalations as living records, and hand-offs to other tools.

The user is `--user NAME`, else COACH_USER, else "local". A registered CSM sees their own
escalations; a leader the team's. A name that is not a registered user is the installation's
operator, with a leader's rights: the command line is for whoever runs the installation.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from coach.cli.commands.common import UsageError, active_framework, print_json
from coach.domain import EscalationTicket, TicketDraft, describe_errors
from coach.domain.clock import coach_now
from coach.domain.escalation import CATEGORIES, STATUSES, Escalation
from coach.domain.review import PostEscalationReview
from coach.handoff.formats import FORMATS, csv_text, export
from coach.handoff.push import account, push
from coach.settings import get_settings
from coach.tracking.clocks import calendar_of
from coach.tracking.report import Tracked, at_risk, escalation_json, line, list_order
from coach.tracking.review import review_state
from coach.tracking.trend import trend
from coach.web.escalations import Escalations, Viewer, viewer_of
from coach.web.store import Store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("escalations", help="track escalations: create, log, status, list")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(name: str, helptext: str, handler: Any) -> argparse.ArgumentParser:
        command = actions.add_parser(name, help=helptext)
        command.add_argument("--user", help="who is acting (default: COACH_USER, else local)")
        command.set_defaults(handler=handler)
        return command

    create = action("create", "track a confirmed ticket", run_create)
    create.add_argument("--ticket", type=Path, required=True, metavar="FILE",
                        help="a JSON object of ticket fields, as `ticket draft --json` prints")
    create.add_argument("--framework", type=Path, metavar="FILE",
                        help="the framework to track it under (default: the team's)")
    create.add_argument("--json", action="store_true", help="print JSON")
    show = action("show", "one escalation with its timeline and clocks", run_show)
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="print JSON")
    log = action("log", "record a customer update or an internal note", run_log)
    log.add_argument("id")
    log.add_argument("text")
    log.add_argument("--kind", choices=("customer-update", "note"), default="note")
    status = action("status", "change the status", run_status)
    status.add_argument("id")
    status.add_argument("status", choices=STATUSES)
    status.add_argument("--reason", default="")
    status.add_argument("--category", choices=CATEGORIES,
                        help="the root-cause category, at resolution (unset counts as other)")
    severity = action("severity", "change the severity, with the reason", run_severity)
    severity.add_argument("id")
    severity.add_argument("level", type=int)
    severity.add_argument("--reason", required=True)
    review = action("review", "record the post-escalation review of a resolved escalation",
                    run_review)
    review.add_argument("id")
    review.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE",
                        help="a PostEscalationReview as JSON")
    review.add_argument("--json", action="store_true", help="print JSON")
    trending = action("trend", "the month's escalations by category, level and account",
                      run_trend)
    trending.add_argument("--month", help="YYYY-MM (default: this month)")
    trending.add_argument("--json", action="store_true", help="print JSON")
    exporting = action("export", "one escalation (or, with --all, the team's as CSV) in a "
                       "tool's format", run_export)
    exporting.add_argument("id", nargs="?")
    exporting.add_argument("--format", choices=FORMATS, required=True)
    exporting.add_argument("--out", type=Path, metavar="FILE", help="default: stdout")
    exporting.add_argument("--all", action="store_true",
                           help="every escalation you see, as CSV (the team's, for leaders)")
    pushing = action("push", "create or update its ticket in Zendesk or Jira", run_push)
    pushing.add_argument("id")
    pushing.add_argument("--to", choices=("zendesk", "jira"), required=True)
    listing = action("list", "every escalation, the nearest due time first", run_list)
    listing.add_argument("--at-risk", action="store_true",
                         help="only open ones with a clock at risk or breached")
    listing.add_argument("--all", action="store_true", help="the whole team's")
    listing.add_argument("--json", action="store_true", help="print JSON")


def run_create(args: argparse.Namespace) -> int:
    settings = get_settings()
    framework = active_framework(args.framework, settings)
    draft = _read_ticket(args.ticket)
    try:
        ticket = EscalationTicket.from_draft(draft, framework, coach_now())
    except ValidationError as exc:
        raise UsageError("\n".join(describe_errors(exc))) from None
    escalations, viewer = _open(args)
    _print(escalations.create(ticket, framework, viewer), args.json)
    return 0


def run_show(args: argparse.Namespace) -> int:
    escalations, viewer = _open(args)
    _print(escalations.get(args.id, viewer), args.json)
    return 0


def run_log(args: argparse.Namespace) -> int:
    escalations, viewer = _open(args)
    _print(escalations.log(args.id, args.text, args.kind, viewer), False)
    return 0


def run_status(args: argparse.Namespace) -> int:
    escalations, viewer = _open(args)
    _print(escalations.set_status(args.id, args.status, viewer, args.reason, args.category),
           False)
    return 0


def run_severity(args: argparse.Namespace) -> int:
    escalations, viewer = _open(args)
    _print(escalations.set_severity(args.id, args.level, viewer, args.reason), False)
    return 0


def run_review(args: argparse.Namespace) -> int:
    escalations, viewer = _open(args)
    data = _read_json(args.source, "review")
    try:
        review = PostEscalationReview.model_validate(data)
    except ValidationError as exc:
        raise UsageError("\n".join(describe_errors(exc))) from None
    _print(escalations.record_review(args.id, review, viewer), args.json)
    return 0


def run_trend(args: argparse.Namespace) -> int:
    escalations, viewer = _open(args)
    month = args.month or f"{coach_now():%Y-%m}"
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise UsageError(f"--month must be YYYY-MM, e.g. 2026-12, not {month!r}")
    found = trend(escalations.summaries(viewer), month)
    if args.json:
        print_json(found)
        return 0
    print(f"{found['total']} escalations in {month}")
    print("by category: " + ", ".join(f"{c} {n}" for c, n in found["by_category"].items()
                                      if n))
    print("by level: " + ", ".join(f"severity {k}: {n}" for k, n in found["by_level"].items()))
    for row in found["by_account"]:
        print(f"  {row['account']}: {row['count']}" + ("  (repeat account)" if row["repeat"]
                                                        else ""))
    return 0


def run_list(args: argparse.Namespace) -> int:
    now = coach_now()
    escalations, viewer = _open(args)
    if args.all and not viewer.sees_team:
        raise UsageError("only leaders see the team's escalations; leave out --all")
    seen = viewer if args.all else dataclasses.replace(viewer, sees_team=False)
    found = list_order(escalations.summaries(seen), now)
    if args.at_risk:
        found = [e for e in found if at_risk(e, now)]
    if args.json:
        full = {e.id: e for e in escalations.list(seen)}
        print_json([escalation_json(full[e.id], now) for e in found])
    else:
        for escalation in found:
            print(line(escalation, now))
        if not found:
            print("No escalations" + (" at risk." if args.at_risk else "."))
    return 0


def run_export(args: argparse.Namespace) -> int:
    escalations, viewer = _open(args)
    now, settings = coach_now(), get_settings()
    if args.all == bool(args.id):
        raise UsageError("give one escalation's id, or --all (with --format csv)")
    if args.all:
        if args.format != "csv":
            raise UsageError("--all exports CSV only: add --format csv")
        text = csv_text(escalations.list(viewer), now)
    else:
        text = export(escalations.get(args.id, viewer), args.format, now,
                      settings.jira_project, settings.jira_issue_type)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {args.out} ({exc.strerror})") from None
    print(f"wrote {args.out}")
    return 0


def run_push(args: argparse.Namespace) -> int:
    escalations, viewer = _open(args)
    settings = get_settings()
    target = account(settings, args.to)  # settings checked before anything is read or sent
    escalation = escalations.get(args.id, viewer)
    done = push(escalation, target, settings)
    escalations.record_push(escalation.id, done.ref, done.link, viewer)
    verb = "created" if done.created else "updated"
    print(f"{args.to.capitalize()} ticket {done.ref.split(':', 1)[1]} {verb}: {done.link}")
    return 0


def _open(args: argparse.Namespace) -> tuple[Escalations, Viewer]:
    """The escalations store and who is acting: a registered user with their role, or the
    installation's operator."""
    store = Store.for_settings(get_settings())
    return Escalations(store), acting(store, args.user)


def acting(store: Store, user: str | None) -> Viewer:
    """Who runs a command: `--user NAME`, else COACH_USER, else `local`."""
    return viewer_of(store, user or os.environ.get("COACH_USER"))


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read the {what} {path} ({exc.__class__.__name__})") from None


def _read_ticket(path: Path) -> TicketDraft:
    data = _read_json(path, "ticket")
    if isinstance(data, dict) and isinstance(data.get("ticket"), dict):
        data = data["ticket"]  # the whole `ticket draft --json` output
    try:
        return TicketDraft.model_validate(data)
    except ValidationError as exc:
        raise UsageError("\n".join(describe_errors(exc))) from None


def _print(escalation: Escalation, as_json: bool) -> None:
    now = coach_now()
    if as_json:
        print_json(escalation_json(escalation, now))
        return
    tracked = Tracked.of(escalation)
    print(line(tracked, now))
    zone = ZoneInfo(calendar_of(escalation.framework).timezone)
    review = review_state(tracked.runs, escalation.framework, now)
    if review is not None:
        when = f"{review.due.astimezone(zone):%a %d %b %H:%M %Z}" if review.due else ""
        said = {"not-due": "due once resolved", "due": f"due {when}",
                "overdue": f"overdue since {when}", "done": "done"}[review.status]
        print(f"  post-escalation review {said}")
    for event in escalation.timeline():
        what = event.kind + (f" -> {event.status}" if event.kind == "status" else "") + (
            f" -> severity {event.severity}" if event.kind == "severity" else "")
        said = f": {event.text}" if event.text else ""
        print(f"  {event.at.astimezone(zone):%Y-%m-%d %H:%M %Z}  {event.by}  {what}{said}")

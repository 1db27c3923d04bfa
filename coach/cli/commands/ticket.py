"""`coach ticket draft --text ...`: fill in an escalation ticket from a description."""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import ValidationError

from coach.brains.factory import make_brain
from coach.cli.commands.common import (
    active_framework,
    add_framework_option,
    print_json,
    require_text,
)
from coach.domain import TICKET_FIELDS, EscalationTicket, describe_errors
from coach.domain.clock import coach_now
from coach.settings import get_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("ticket", help="draft an escalation ticket")
    actions = parser.add_subparsers(dest="action", required=True)
    draft = actions.add_parser("draft", help="extract ticket fields from a description")
    draft.add_argument("--text", required=True, help="the situation, as a template or prose")
    add_framework_option(draft)
    draft.add_argument("--json", action="store_true", help="print JSON")
    draft.set_defaults(handler=run_draft)


def run_draft(args: argparse.Namespace) -> int:
    text = require_text(args.text, "text")
    settings = get_settings()
    framework = active_framework(args.framework, settings)
    now = coach_now()
    draft = make_brain(settings).extract_ticket(text, framework, now)
    try:
        EscalationTicket.from_draft(draft, framework, now)
        errors: list[str] = []
    except ValidationError as exc:
        errors = describe_errors(exc)
    result: dict[str, Any] = {
        "ticket": draft.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
        "missing": draft.missing(),
        "valid": not errors,
        "errors": errors,
    }
    if args.json:
        print_json(result)
    else:
        print_readable(result)
    return 0


def print_readable(result: dict[str, Any]) -> None:
    """The draft as labelled lines, then what is missing or wrong."""
    ticket = result["ticket"]
    for name in (*TICKET_FIELDS, "due_by", "severity_rationale"):
        value = ticket.get(name)
        if isinstance(value, list):
            value = "".join(f"\n  - {item}" for item in value)
        if value not in (None, ""):
            print(f"{name.replace('_', ' ').upper()}: {value}")
    if result["missing"]:
        print("Missing: " + ", ".join(result["missing"]))
    print("Ready to file." if result["valid"] else "Not ready: " + "; ".join(result["errors"]))

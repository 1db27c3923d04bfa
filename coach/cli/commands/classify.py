"""`coach classify TEXT | --batch FILE`: judge the severity of described situations."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from coach.brains.factory import make_brain
from coach.cli.commands.common import (
    UsageError,
    active_framework,
    add_framework_option,
    print_json,
    require_text,
)
from coach.domain import Classification, hours_text
from coach.settings import get_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("classify", help="judge the severity of a described situation")
    parser.add_argument("text", nargs="?", help="the situation, as a CSM would describe it")
    parser.add_argument("--batch", type=Path, metavar="FILE",
                        help='JSONL file with a "text" key on each line; one result per line')
    add_framework_option(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if (args.text is None) == (args.batch is None):
        raise UsageError("give either TEXT or --batch FILE, not both and not neither")
    texts = read_batch(args.batch) if args.batch else [require_text(args.text, "text")]
    settings = get_settings()
    framework = active_framework(args.framework, settings)
    brain = make_brain(settings)
    for text in texts:
        show(brain.classify(text, framework), as_json=args.json)
    return 0


def read_batch(path: Path) -> list[str]:
    """Every line's "text", checked before anything is classified; a bad line is a UsageError."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path} ({exc.__class__.__name__})") from exc
    texts = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path} line {number}: not valid JSON ({exc.msg})") from exc
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise UsageError(f'{path} line {number}: needs a non-empty "text" string')
        texts.append(require_text(text, f"text on line {number}"))
    if not texts:
        raise UsageError(f"{path} has no lines to classify")
    return texts


def show(result: Classification, as_json: bool) -> None:
    """One result, as a JSON line or as readable text."""
    if as_json:
        print_json(result.model_dump())
        return
    respond = hours_text(result.response_hours)
    print(f"Severity {result.severity} ({result.name}) · owner {result.owner} · "
          f"respond within {respond} · confidence {result.confidence:.2f}")
    likeliest = ", ".join(f"Severity {a.severity} ({a.probability:.2f})"
                          for a in result.alternatives)
    if likeliest:
        print(f"  Likeliest: {likeliest}")
    print(f"  {result.rationale}")

"""`coach chat`: talk to the coach in a terminal, or replay a script of turns as JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from coach.commands.common import UsageError, print_json
from coach.engine import CoachSession, Engine, make_engine
from coach.schemas import Reply
from coach.settings import get_settings

_QUIT = {"quit", "exit", ":q"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("chat", help="talk to the coach (interactive, or a script of turns)")
    parser.add_argument("--script", type=Path, metavar="FILE",
                        help="one user turn per line; a line [button:ID] presses that button")
    parser.add_argument("--json", action="store_true",
                        help="print the turns and the final session state as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    engine = make_engine(get_settings())
    session = engine.new_session()
    if args.script is None:
        return _interactive(engine, session)
    turns = [_turn(line, engine.handle(session, line)) for line in _script_lines(args.script)]
    if args.json:
        print_json({"turns": turns, "state": session.model_dump(mode="json")})
    else:
        for turn in turns:
            print(f"> {turn['user']}")
            for reply in turn["replies"]:
                _print_reply(Reply.model_validate(reply))
    return 0


def _script_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the script {path} ({exc.__class__.__name__})") from exc
    return [line for line in text.splitlines() if line.strip()]


def _turn(user: str, replies: list[Reply]) -> dict[str, Any]:
    """One turn in the `--json` contract: the user's line and each reply's text and buttons."""
    return {
        "user": user,
        "replies": [
            {"text": r.text, "buttons": [{"id": b.id, "label": b.label} for b in r.buttons]}
            for r in replies
        ],
    }


def _interactive(engine: Engine, session: CoachSession) -> int:
    for reply in engine.start(session):
        _print_reply(reply)
    while True:
        try:
            line = input("\nyou> ")
        except EOFError:
            return 0
        if line.strip().casefold() in _QUIT:
            return 0
        for reply in engine.handle(session, line, on_token=_stream):
            _print_reply(reply)


def _stream(token: str) -> None:
    sys.stdout.write(token)
    sys.stdout.flush()


def _print_reply(reply: Reply) -> None:
    print(f"\ncoach> {reply.text}")
    if reply.buttons:
        print("  " + "  ".join(f"[{b.id}] {b.label}" for b in reply.buttons))

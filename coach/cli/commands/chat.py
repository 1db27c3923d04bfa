"""`coach chat`: talk to the coach in a terminal, or replay a script of turns as JSON."""

from __future__ import annotations

import argparse
import getpass
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.cli.commands.common import UsageError, add_framework_option, print_json
from coach.content.frameworks import load_framework
from coach.domain import Citation, Reply
from coach.engine import CoachSession, Engine, make_engine
from coach.engine.inputs import clean_text
from coach.engine.modes.base import TokenSink
from coach.private import private_dir, write_private
from coach.settings import get_settings
from coach.web.desk import Desk
from coach.web.escalations import Escalations, viewer_of
from coach.web.store import Store
from coach.web.team import TeamFramework
from coach.web.views import downloads

_QUIT = {"quit", "exit", ":q"}
# A Markdown backslash escape (as `escape()` writes them): the backslash goes, the character stays.
_BOLD = re.compile(r"(?<!\\)\*\*")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("chat", help="talk to the coach (interactive, or a script of turns)")
    parser.add_argument("--script", type=Path, metavar="FILE",
                        help="one user turn per line; a line [button:ID] presses that button")
    parser.add_argument("--json", action="store_true",
                        help="print the turns and the final session state as JSON")
    parser.add_argument("--export-dir", type=Path, metavar="DIR", default=None,
                        help="folder for exported files (ticket, plan, framework, messages); "
                             "default: exports/ in the data directory (with --json, only when "
                             "given); files are readable by you only")
    parser.add_argument("--user", default=None, metavar="NAME",
                        help="who accepts a framework for the team (default: your login name)")
    add_framework_option(parser, " (the team's framework is then neither used nor changed)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    engine = make_engine(settings)
    if args.framework is not None:
        engine.framework = load_framework(args.framework)
    session = engine.new_session()
    store = None if args.framework else Store.for_settings(settings)
    team = TeamFramework(store, engine.framework) if store is not None else None
    desk = Desk(Escalations(store), settings=settings) if store is not None else None
    talk = _Talk(engine, session, team, args.user or _login(), desk)
    export_dir: Path = args.export_dir or private_dir(settings.exports_dir)
    if args.script is None:
        return _interactive(talk, export_dir)
    lines = _script_lines(args.script)
    if args.json:
        turns = []
        for line in lines:
            replies = talk.handle(line)
            turns.append(_turn(line, replies))
            if args.export_dir is not None:  # files only when asked; stdout stays pure JSON
                for path in _write_exports(replies, session, export_dir):
                    print(f"wrote {path}", file=sys.stderr)
        print_json({"turns": turns, "state": session.model_dump(mode="json")})
        return 0
    for line in lines:
        print(f"> {line}")
        for reply in talk.handle(line):
            _print_reply(reply, session, export_dir)
    return 0


@dataclass
class _Talk:
    """A terminal conversation: on the team's framework (accepting saves it for the team, as
    the browser does), or on a `--framework FILE` alone when `team` is None."""

    engine: Engine
    session: CoachSession
    team: TeamFramework | None
    user: str
    desk: Desk | None = None

    def __post_init__(self) -> None:
        if self.team is not None:
            self.team.follow(self.session)

    def handle(self, line: str, on_token: TokenSink | None = None) -> list[Reply]:
        def turn() -> list[Reply]:
            return self.engine.handle(self.session, line, on_token)

        def tracked() -> list[Reply]:
            if self.desk is None:
                return turn()
            viewer = viewer_of(self.desk.escalations.store, self.user)
            return self.desk.turn(self.session, line, viewer, turn)

        return tracked() if self.team is None else self.team.turn(self.session, line,
                                                                  self.user, tracked)


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        return "terminal"


def _script_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the script {path} ({exc.__class__.__name__})") from exc
    return [line for line in clean_text(text).splitlines() if line.strip()]


def _turn(user: str, replies: list[Reply]) -> dict[str, Any]:
    """One turn in the `--json` contract: the user's line and each reply's text and buttons."""
    return {
        "user": user,
        "replies": [
            {"text": r.text, "buttons": [{"id": b.id, "label": b.label} for b in r.buttons]}
            for r in replies
        ],
    }


def _interactive(talk: _Talk, export_dir: Path) -> int:
    session = talk.session
    for reply in talk.engine.start(session):
        _print_reply(reply, session, export_dir)
    while True:
        try:
            line = clean_text(input("\nyou> "))
        except EOFError:
            return 0
        if line.strip().casefold() in _QUIT:
            return 0
        for reply in talk.handle(line, on_token=_stream):
            _print_reply(reply, session, export_dir)


def _stream(token: str) -> None:
    sys.stdout.write(token)
    sys.stdout.flush()


def _print_reply(reply: Reply, session: CoachSession, export_dir: Path) -> None:
    print(f"\ncoach> {plain(reply.text)}")
    if reply.notice:
        print(f"  ({plain(reply.notice)})")
    sources = sources_line(reply.citations)
    if sources:
        print(f"  {sources}")
    if reply.artifacts:
        print("  Artifacts: " + ", ".join(f"{plain(a.title)} ({a.kind})" for a in reply.artifacts))
    written = _write_exports([reply], session, export_dir)
    if written:
        print("  Files written: " + ", ".join(str(p) for p in written))
    if reply.buttons:
        print("  " + "  ".join(f"[{b.id}] {plain(b.label)}" for b in reply.buttons))


def plain(text: str) -> str:
    """Markdown bold markers dropped, backslash escapes and HTML entities undone, for a
    terminal (never for --json); an escaped asterisk the user typed stays."""
    return html.unescape(_MD_ESCAPE.sub(r"\1", _BOLD.sub("", text)))


def sources_line(citations: list[Citation]) -> str:
    """"Sources: [1] lessons/response.md — Targets", each cited section once; "" if none."""
    seen = list(dict.fromkeys((c.file, c.section) for c in citations))
    return "Sources: " + "; ".join(f"[{i}] {file} — {section}"
                                   for i, (file, section) in enumerate(seen, 1)) if seen else ""


def _write_exports(replies: list[Reply], session: CoachSession, folder: Path) -> list[Path]:
    """The download files of each reply's artifacts, written into `folder`; the paths written.

    A file whose content is already there is not written again, so a framework shown at every
    step of tailoring is reported once per change, not once per reply.
    """
    files = {d.name: d.content for r in replies for a in r.artifacts
             for d in downloads(a, session.framework)}
    if not files:
        return []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in files.items():
            path = folder / Path(name).name
            if path.is_file() and path.read_bytes() == content:
                continue
            write_private(path, content)
            written.append(path)
    except OSError as exc:  # the conversation goes on; say why the files are not there
        print(f"  Could not write exports to {folder} ({exc.__class__.__name__}: {exc})",
              file=sys.stderr)
        return []
    return written

"""`coach serve`: prepare the data dir, sign-in secret, database and index, then run Chainlit."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from coach.brains.offline import OfflineBrain
from coach.domain import CoachError
from coach.settings import Settings, get_settings
from coach.web.chat_history import create_chat_schema
from coach.web.store import Store

# The Chainlit app (app.py, .chainlit/, public/, chainlit.md) lives in the repository, not in
# the wheel: `coach serve` runs from a checkout.
CHECKOUT = Path(__file__).resolve().parents[3]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="start the coach in the browser (Chainlit)")
    parser.add_argument("--port", type=int, help="port to listen on (default: COACH_PORT, 8000)")
    parser.add_argument(
        "--prepare-only", action="store_true", help="prepare everything, then exit without serving"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    env = prepare(settings)
    if args.prepare_only:
        print(f"Ready: data in {settings.data_dir}")
        return 0
    port = args.port or settings.port
    app = CHECKOUT / "app.py"
    if not app.is_file():
        raise CoachError("`coach serve` runs app.py from a checkout of the repository")
    command = [sys.executable, "-m", "chainlit", "run", str(app), "-h", "--port", str(port)]
    print(f"Escalation Coach on http://localhost:{port} (Ctrl+C stops it)", flush=True)
    # Chainlit keeps .chainlit/, public/ and chainlit.md next to the app: run it from there.
    return subprocess.call(command, cwd=CHECKOUT, env=env)


def prepare(settings: Settings) -> dict[str, str]:
    """Everything the app needs before it starts; returns the environment to start it with."""
    store = Store.for_settings(settings)
    create_chat_schema(settings.store_url)
    if not store.user_names():
        print("No users yet: add one with `coach users add NAME` to sign in.", file=sys.stderr)
    store.engine.dispose()
    _prepare_index(settings)
    return {**os.environ, "CHAINLIT_AUTH_SECRET": auth_secret(settings)}


def auth_secret(settings: Settings) -> str:
    """CHAINLIT_AUTH_SECRET if set, else the one kept in the data dir (made on first run)."""
    if settings.auth_secret is not None:
        return settings.auth_secret.get_secret_value()
    path = settings.auth_secret_file
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return kept
        path.unlink()
        return auth_secret(settings)
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret


def _prepare_index(settings: Settings) -> None:
    """Build the knowledge index now if the knowledge changed (both brains search it)."""
    OfflineBrain(settings).index  # noqa: B018 - opening it builds it

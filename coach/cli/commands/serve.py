"""`coach serve`: prepare the data dir, sign-in secret, database and index, then run Chainlit."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

from coach.brains.offline import OfflineBrain
from coach.domain import CoachError
from coach.private import private_dir
from coach.settings import Settings, get_settings
from coach.web.store import Store, StoreError, UserError

# The Chainlit app (app.py, .chainlit/, public/, chainlit.md) lives in the repository, not in
# the wheel: `coach serve` runs from a checkout.
CHECKOUT = Path(__file__).resolve().parents[3]
FIRST_USER = "admin"  # made on a fresh install, a leader
HOST = "127.0.0.1"  # where `chainlit run` listens unless CHAINLIT_HOST says otherwise


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="start the coach in the browser (Chainlit)")
    parser.add_argument("--port", type=int, help="port to listen on (default: COACH_PORT, 8000)")
    parser.add_argument(
        "--prepare-only", action="store_true", help="prepare everything, then exit without serving"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.prepare_only:
        _, admin = prepare(settings)
        print(f"Ready: data in {settings.data_dir}")
        _tell_first_sign_in(admin)
        return 0
    port = args.port or settings.port
    app = CHECKOUT / "app.py"
    if not app.is_file():
        raise CoachError("`coach serve` runs app.py from a checkout of the repository")
    _check_port_free(port)  # before anything is touched
    env, admin = prepare(settings)
    env["COACH_PORT"] = str(port)
    root = app_root(settings, Path.cwd())
    env["CHAINLIT_APP_ROOT"] = str(root)
    command = [sys.executable, "-m", "chainlit", "run", str(app), "-h", "--port", str(port)]
    print(f"Escalation Coach on http://localhost:{port} (Ctrl+C stops it)", flush=True)
    _tell_first_sign_in(admin)
    # One process: Chainlit replaces this one (same pid, signals reach it, nothing orphaned).
    os.chdir(root)
    os.execve(sys.executable, command, env)


def _check_port_free(port: int) -> None:
    """Fail now, with one line, when the port is taken (as the server would bind it)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((os.environ.get("CHAINLIT_HOST", HOST), port))
        except OSError as exc:
            raise CoachError(f"port {port} is in use ({exc.strerror}): stop the other server "
                             "or choose another with --port") from None


def app_root(settings: Settings, cwd: Path) -> Path:
    """This server's own Chainlit folder in the data dir: the checkout's config, public/ and
    chainlit.md copied in, and Chainlit's own files (.files, translations) written there, so
    nothing is written into the checkout and stopping one server never touches another's.
    Folders of servers that are gone are removed."""
    web = private_dir(settings.files_dir)
    for old in web.iterdir():
        if old.name.isdigit() and not _alive(int(old.name)):
            shutil.rmtree(old, ignore_errors=True)
    root = web / str(os.getpid())  # exec keeps the pid: the folder names the server
    shutil.rmtree(root, ignore_errors=True)
    (root / ".chainlit" / "translations").mkdir(parents=True)
    for name in (".chainlit/config.toml", ".chainlit/translations/en-US.json", "chainlit.md"):
        shutil.copyfile(CHECKOUT / name, root / name)  # copies: Chainlit refuses links out
    shutil.copytree(CHECKOUT / "public", root / "public")
    if (cwd / ".env").is_file():  # the settings file of where `coach serve` was run
        (root / ".env").symlink_to((cwd / ".env").resolve())
    return root


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: alive
    return True


def prepare(settings: Settings) -> tuple[dict[str, str], str | None]:
    """Everything the app needs before it starts: returns the environment to start it with,
    and the password of the first user when this run made one."""
    store = Store.for_settings(settings)
    admin = None
    if not store.user_names():  # a fresh install: someone must be able to sign in
        admin = secrets.token_urlsafe(12)
        try:
            store.add_user(FIRST_USER, admin, "leader")
        except (UserError, StoreError):  # another worker starting at once made it first?
            if not store.user_names():
                raise
            admin = None
    store.engine.dispose()
    _prepare_index(settings)
    return {**os.environ, "CHAINLIT_AUTH_SECRET": auth_secret(settings)}, admin


def _tell_first_sign_in(password: str | None) -> None:
    """Shown once, on the terminal only; the database keeps just its hash."""
    if password is not None:
        print(f"First run: sign in as {FIRST_USER!r} with the password {password} (shown "
              "once; add your team with `coach users add NAME --role csm|leader`)", flush=True)


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
    secret = secrets.token_urlsafe(48)  # 0600 from os.open above
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret


def _prepare_index(settings: Settings) -> None:
    """Build the knowledge index now if the knowledge changed (both brains search it). On a
    Chroma server, say whether this worker built it or used the one there; a server that does
    not answer does not stop the start (search says it is unavailable until it answers)."""
    from coach.search.server import ServerKnowledge

    index = OfflineBrain(settings).index  # opening a local one builds it
    if isinstance(index, ServerKnowledge):
        try:
            said = index.prepare().said(index.url)
        except Exception as exc:
            said = (f"the Chroma server {index.url} does not answer ({exc.__class__.__name__});"
                    " starting without search, which is tried again as people ask")
        print(f"Knowledge index: {said}", flush=True)

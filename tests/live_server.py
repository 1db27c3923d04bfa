"""A real `coach serve` on a free port, and a Chromium for Playwright: shared by the UI tests."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

import pytest

from coach.settings import Settings
from coach.web.store import Role, Store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]
REPO_ROOT = Path(__file__).resolve().parent.parent
# Screenshots and server logs, outside the checkout (tests never write into it); CI may name
# the folder it keeps.
ARTIFACTS = Path(os.environ.get("COACH_TEST_ARTIFACTS")
                 or Path(tempfile.gettempdir()) / "coach-test-artifacts")
# What a healthy server never logs: Python tracebacks, and the data layer's swallowed SQL errors.
LOG_PROBLEMS = re.compile(
    r"Traceback|An error occurred:|An unexpected error occurred:|create_element error|"
    r"Error updating thread|SQLAlchemy Error|database is locked|\bERROR\b"
)


def require_chromium() -> None:
    """Skip browser tests when Chromium is missing; under CI=true that is a failure."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (make test installs Debian's chromium when run as root)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_sync() -> Iterator[Any]:
    """Playwright's sync API, once Chromium is known to be there."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with no background traffic of its own."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        chromium_sandbox=False,
        args=CHROMIUM_ARGS,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def add_user(data_dir: Path, name: str, password: str, role: Role = "csm") -> None:
    """As `coach users add` does it: the data directory and database made if missing."""
    store = Store.for_settings(Settings(data_dir=data_dir, _env_file=None))
    store.add_user(name, password, role)
    store.engine.dispose()


def is_local(url: str) -> bool:
    """Requests the page may make: to this machine, or data/blob URLs that make none."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname in ("localhost", "127.0.0.1")


class LiveServer:
    """`coach serve` in its own process group, logging to a file in the data dir."""

    def __init__(self, data_dir: Path, port: int | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.env = env or {}
        self.log = data_dir / "server.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self, timeout: float = 90) -> LiveServer:
        return self.spawn().wait(timeout)

    def spawn(self) -> LiveServer:
        """Start the process; `wait` for it to answer."""
        env = {**os.environ, "COACH_DATA_DIR": str(self.data_dir), "COACH_LLM": "offline",
               **self.env}
        if "CHAINLIT_AUTH_SECRET" not in self.env:  # else each server keeps its own
            env.pop("CHAINLIT_AUTH_SECRET", None)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "coach", "serve", "--port", str(self.port)],
                cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait(self, timeout: float = 90) -> LiveServer:
        assert self._process is not None, "spawn first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"coach serve exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):
                    return self
            except (URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"coach serve did not start in {timeout}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def kill(self) -> None:
        """As a crash: SIGKILL, no shutdown."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def problems(self, expected: tuple[str, ...] = ()) -> list[str]:
        """Lines of the server log that show an error, except those a test provoked on purpose."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines()
                if LOG_PROBLEMS.search(line) and not any(e in line for e in expected)]


@contextmanager
def running(data_dir: Path, port: int | None = None) -> Iterator[LiveServer]:
    server = LiveServer(data_dir, port).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def screenshots_on_failure(name: str, pages: list[Any]) -> Iterator[None]:
    """Keep a screenshot of every open page in ARTIFACTS when the block fails."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        print(f"screenshots in {ARTIFACTS}", file=sys.stderr)
        for n, page in enumerate(pages):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-{n}.png"), full_page=True)
            except Exception as exc:  # a closed page must not hide the real failure
                print(f"no screenshot of page {n}: {exc}", file=sys.stderr)
        raise


def keep_log(server: LiveServer, name: str) -> None:
    """Copy a server log next to the screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if server.log.exists():
        shutil.copy(server.log, ARTIFACTS / f"{name}-server.log")

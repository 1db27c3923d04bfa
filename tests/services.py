"""Real servers that tests start themselves: PostgreSQL (this machine's binaries) and a Chroma
server (`chroma run`, from the installed chromadb)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError

import pytest

from tests.live_server import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CHROMA = Path(sys.executable).parent / "chroma"


def _as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _wait_for_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


@contextmanager
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL server; yields its URL (user coach, database postgres)."""
    initdb = PG_BIN / "initdb" if (PG_BIN / "initdb").exists() else shutil.which("initdb")
    if initdb is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL's initdb is missing on CI")
        pytest.skip("PostgreSQL is not installed here")
    # Not under pytest's tmp_path: its parents are private to root, and postgres must reach it.
    data = Path(tempfile.mkdtemp(prefix="coach-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    subprocess.run(_as_postgres(str(initdb), "-D", str(data), "-A", "trust", "-U", "coach"),
                   check=True, capture_output=True)
    server = subprocess.Popen(
        _as_postgres(str(Path(str(initdb)).parent / "postgres"), "-D", str(data), "-p",
                     str(port), "-h", "127.0.0.1", "-k", str(data), "-c", "max_connections=300"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        time.sleep(0.5)  # the port opens a moment before the server accepts logins
        yield f"postgresql://coach@127.0.0.1:{port}/postgres"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


class ChromaServer:
    """`chroma run` on a free port, its data in `path`."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path, self.port = path, port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> ChromaServer:
        self.path.mkdir(parents=True, exist_ok=True)
        with (self.path.parent / f"chroma-{self.port}.log").open("ab") as log:
            self._process = subprocess.Popen(
                [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port",
                 str(self.port)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2):
                    return self
            except (URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError("chroma run did not start")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=15)

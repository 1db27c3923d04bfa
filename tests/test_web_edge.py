"""The web edge attacked the way an attack pass did: large bodies before sign-in, password
floods, other origins, files outside the data directory, a server outliving its parent.

One real `coach serve` is shared by the module; each test signs in from its own client
address (the server trusts 127.0.0.1 as a proxy), so one test's lockout never blocks another.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from coach.web.gate import (
    Bearer,
    EdgePolicy,
    Gate,
    Sessions,
    inline_script_hashes,
    security_headers,
)
from coach.web.store import Store
from coach.web.throttle import SignInThrottle
from tests.live_server import REPO_ROOT, LiveServer, add_user, free_port
from tests.test_concurrency import SocketClient

USER, PASSWORD = "alice", "alice-password-1"
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("edge") / "data"
    add_user(data_dir, USER, PASSWORD)
    add_user(data_dir, "bob", "bob-password-22")
    add_user(data_dir, "user0", "user0-password")  # as the socket client signs in
    live = LiveServer(data_dir, env={"COACH_TRUSTED_PROXIES": "127.0.0.1"}).start()
    yield live
    live.stop()


def client(server: LiveServer, address: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"X-Forwarded-For": address}, timeout=30)


def signed_in(server: LiveServer, address: str) -> httpx.Client:
    http_client = client(server, address)
    answer = http_client.post("/login", data={"username": USER, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return http_client


def raw_request(server: LiveServer, head: str, body: bytes = b"") -> tuple[int, float]:
    """Send a request's headers (and maybe some body) on a bare socket; the status and how
    long the answer took. A server waiting for the declared body would never answer."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        reply = conn.recv(4096).decode("latin-1")
    return int(reply.split()[1]), time.monotonic() - started


def test_a_large_body_without_sign_in_is_refused_from_its_headers(server: LiveServer) -> None:
    head = ("POST /project/file?session_id=x HTTP/1.1\nHost: localhost\n"
            "Content-Type: multipart/form-data; boundary=x\n"
            f"Content-Length: {1000 * MiB}\n")
    status, took = raw_request(server, head)  # 1000 MB declared, none of it sent
    assert status == 401 and took < 5


def test_uploads_and_large_bodies_are_refused_once_signed_in(server: LiveServer) -> None:
    http_client = signed_in(server, "10.0.0.1")
    cookie = "; ".join(f"{k}={v}" for k, v in http_client.cookies.items())
    upload = ("POST /project/file?session_id=x HTTP/1.1\nHost: localhost\n"
              f"Cookie: {cookie}\nContent-Type: multipart/form-data; boundary=x\n"
              f"Content-Length: {300 * MiB}\n")
    assert raw_request(server, upload)[0] == 403
    big = (f"PUT /project/thread HTTP/1.1\nHost: localhost\nCookie: {cookie}\n"
           f"Content-Type: application/json\nContent-Length: {2 * MiB}\n")
    assert raw_request(server, big)[0] == 413

    def chunks() -> Iterator[bytes]:  # chunked: no length to refuse from, so it is counted
        for _ in range(4):
            yield b" " * MiB

    answer = http_client.put("/project/thread", content=chunks(),
                             headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    small = http_client.post("/project/threads", json={"pagination": {"first": 5}, "filter": {}})
    assert small.status_code == 200  # within the limit: Chainlit answers


def test_a_sign_in_form_over_4_kib_is_refused(server: LiveServer) -> None:
    answer = client(server, "10.0.0.2").post(
        "/login", data={"username": USER, "password": "x" * 5000})
    assert answer.status_code == 413


def test_ten_wrong_passwords_lock_the_name_out_without_running_bcrypt(
        server: LiveServer) -> None:
    attacker = client(server, "10.0.0.3")
    codes = [attacker.post("/login", data={"username": "bob", "password": f"wrong-{n}"})
             .status_code for n in range(10)]
    assert codes == [401] * 10
    started = time.monotonic()
    locked = attacker.post("/login", data={"username": "bob", "password": "bob-password-22"})
    assert locked.status_code == 429 and 0 < int(locked.headers["retry-after"]) <= 900
    assert time.monotonic() - started < 0.2  # answered without checking the password
    # The name is locked from everywhere, and the address for every name...
    elsewhere = client(server, "10.0.0.4").post(
        "/login", data={"username": "Bob", "password": "bob-password-22"})
    assert elsewhere.status_code == 429
    same_address = attacker.post("/login", data={"username": USER, "password": PASSWORD})
    assert same_address.status_code == 429
    # ...while others sign in, and the lockout is in the database, for every worker.
    assert signed_in(server, "10.0.0.5").cookies
    store = Store.open(f"sqlite:///{server.data_dir / 'coach.db'}")
    assert store.sign_in_failures("user", "bob", since=_long_ago())[0] == 10
    assert "locked out after 10 failed sign-ins" in server.log.read_text()


def test_other_origins_are_refused_for_http_and_the_socket(server: LiveServer) -> None:
    evil = client(server, "10.0.0.6").get("/project/settings",
                                           headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    assert "evil" not in evil.headers.get("access-control-allow-origin", "")
    own = client(server, "10.0.0.6").options(
        "/login", headers={"Origin": server.url, "Access-Control-Request-Method": "POST"})
    assert own.headers.get("access-control-allow-origin") == server.url

    async def handshake(origin: str) -> str:
        url = f"ws://127.0.0.1:{server.port}/ws/socket.io/?EIO=4&transport=websocket"
        try:
            async with websockets.connect(url, origin=origin) as ws:  # type: ignore[arg-type]
                return str(await asyncio.wait_for(ws.recv(), 10))[:1]  # "0": engine.io open
        except websockets.InvalidStatus as exc:
            return str(exc.response.status_code)

    assert asyncio.run(handshake("http://evil.example")) == "403"
    assert asyncio.run(handshake(server.url)) == "0"


def test_a_socket_message_over_the_limit_gets_a_polite_answer(server: LiveServer) -> None:
    async def talk() -> list[str]:
        chat = SocketClient(server.url, "user0", "Huge Ltd")
        await chat.connect()
        await chat.say("x" * (MiB + 10), "set it aside unread")
        await chat.say("what does severity 2 mean?", "Severity 2")  # the socket lives on
        await chat.sio.disconnect()
        return chat.outputs

    outputs = asyncio.run(talk())
    assert any("I read messages up to 1.0 MiB" in out for out in outputs)


def test_a_socket_poll_whose_client_left_before_its_body_ends_quietly(
        server: LiveServer) -> None:
    cookie = "; ".join(f"{k}={v}" for k, v in signed_in(server, "10.0.0.8").cookies.items())
    before = len(server.problems())
    head = ("POST /ws/socket.io/?EIO=4&transport=polling&sid=gone HTTP/1.1\nHost: localhost\n"
            f"Cookie: {cookie}\nContent-Type: text/plain\nContent-Length: 10\n\n")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode())  # the body never comes
    time.sleep(1.5)  # the server notices the closed connection
    assert client(server, "10.0.0.8").get("/").status_code == 200
    assert server.problems()[before:] == []


def test_pages_carry_a_content_security_policy_with_their_inline_scripts(
        server: LiveServer) -> None:
    page = client(server, "10.0.0.7").get("/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy.split(";")[1]
    assert all(f"'{h}'" in policy for h in inline_script_hashes(page.text))
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "same-origin"


def test_files_stay_in_the_data_directory_and_only_their_owner_reads_them(
        server: LiveServer) -> None:
    data = server.data_dir
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("coach.db", "coach.db-wal", "coach.db-shm", "auth-secret"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    own = data / "web" / str(server.pid)
    assert (own / ".files").is_dir() and not (REPO_ROOT / ".files").exists()


def test_stopping_one_server_leaves_another_alone_and_a_taken_port_fails_first(
        server: LiveServer) -> None:
    before = sorted(p.name for p in (server.data_dir / "web").iterdir())
    taken = subprocess.run(
        [sys.executable, "-m", "coach", "serve", "--port", str(server.port)],
        capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
        env={**os.environ, "COACH_DATA_DIR": str(server.data_dir)})
    assert taken.returncode != 0 and "Traceback" not in taken.stderr
    assert f"port {server.port} is in use" in taken.stderr.strip().splitlines()[-1]
    assert sorted(p.name for p in (server.data_dir / "web").iterdir()) == before
    other = LiveServer(server.data_dir).start()
    other.stop()
    assert (server.data_dir / "web" / str(server.pid) / ".files").is_dir()
    outputs = asyncio.run(SocketClient(server.url, "user0", "Still There Ltd").draft())
    assert any("Ticket confirmed" in out for out in outputs)  # with its download files
    assert server.problems() == []


def test_the_server_is_one_process_and_dies_when_killed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    add_user(data_dir, USER, PASSWORD)
    port = free_port()
    first = LiveServer(data_dir, port).start()
    assert first.pid is not None
    command = Path(f"/proc/{first.pid}/cmdline").read_bytes().split(b"\0")
    assert b"chainlit" in command  # the pid `coach serve` started is the server itself
    os.kill(first.pid, signal.SIGKILL)
    time.sleep(0.5)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
    second = LiveServer(data_dir, port).start()  # the port is free again
    second.stop()


# --- the gate in-process: the bytes it reads, counted exactly ---------------------------------

def _policy(limit: int = MiB) -> EdgePolicy:
    origins = frozenset({"http://localhost:8000"})
    return EdgePolicy(max_body=limit, origins=origins, uploads=False,
                      headers=security_headers([], origins),
                      trusted_proxies=frozenset({"10.9.9.9"}))


def _drive(gate: Gate, method: str, path: str, headers: list[tuple[bytes, bytes]],
           body_size: int, peer: str = "127.0.0.1") -> tuple[int, int]:
    """Run one request through the gate; the status and the body bytes it read."""
    read = 0
    chunk = 64 * 1024
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        size = min(chunk, body_size - read)
        read += size
        return {"type": "http.request", "body": b" " * size, "more_body": read < body_size}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": headers,
             "client": (peer, 1234)}
    asyncio.run(gate(scope, receive, send))  # type: ignore[arg-type]
    return int(sent[0]["status"]), read


class _App:
    """Stands in for Chainlit behind the gate: reads the whole body, answers 200 or 401."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.seen: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        self.seen.append(scope["path"])
        await send({"type": "http.response.start", "status": self.status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def gate_for(app: Any, tmp_path: Path, signed: list[bool]) -> tuple[Gate, Store]:
    """A gate on a fresh database; requests carry alice's valid token while `signed[0]`."""
    store = Store.open(f"sqlite:///{tmp_path / 'coach.db'}")
    store.migrate()
    store.add_user(USER, PASSWORD)
    from concurrent.futures import ThreadPoolExecutor

    sessions = Sessions(bearer=lambda scope: Bearer(USER, 0) if signed[0] else None,
                        current=store.session_version, end=store.end_sessions,
                        chat_exists=lambda session_id: session_id == "open-session")
    gate = Gate(app, _policy(), sessions, SignInThrottle(store),
                ThreadPoolExecutor(max_workers=1))
    return gate, store


def test_the_gate_reads_no_byte_of_a_refused_body(tmp_path: Path) -> None:
    app, signed = _App(), [False]
    gate, _ = gate_for(app, tmp_path, signed)
    length = [(b"content-length", str(200 * MiB).encode())]
    assert _drive(gate, "POST", "/project/file", length, 200 * MiB) == (401, 0)
    signed[0] = True
    assert _drive(gate, "POST", "/project/file", length, 200 * MiB) == (403, 0)
    assert _drive(gate, "PUT", "/project/thread", length, 200 * MiB) == (413, 0)
    status, read = _drive(gate, "PUT", "/project/thread", [(b"transfer-encoding", b"chunked")],
                          200 * MiB)
    assert status == 413 and read <= MiB + 64 * 1024
    assert _drive(gate, "PUT", "/project/thread",
                  [(b"content-length", b"1000")], 1000) == (200, 1000)
    assert app.seen == ["/project/thread"]


def test_the_gate_believes_forwarded_addresses_only_from_trusted_proxies(
        tmp_path: Path) -> None:
    gate, store = gate_for(_App(status=401), tmp_path, [False])
    form = [(b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"30"), (b"x-forwarded-for", b"203.0.113.7")]
    _drive(gate, "POST", "/login", form, 30, peer="198.51.100.1")  # not a proxy: its own
    _drive(gate, "POST", "/login", form, 30, peer="10.9.9.9")  # a proxy: the client's
    since = _long_ago()
    assert store.sign_in_failures("address", "198.51.100.1", since)[0] == 1
    assert store.sign_in_failures("address", "203.0.113.7", since)[0] == 1
    assert store.sign_in_failures("address", "10.9.9.9", since)[0] == 0


def _long_ago() -> Any:
    from datetime import UTC, datetime

    return datetime(2000, 1, 1, tzinfo=UTC)


def test_a_lockout_lifts_when_the_oldest_failure_leaves_the_window(tmp_path: Path) -> None:
    from datetime import timedelta

    now = [_long_ago() + timedelta(days=1)]
    store = Store.open(f"sqlite:///{tmp_path / 'coach.db'}")
    store.migrate()
    throttle = SignInThrottle(store, clock=lambda: now[0])
    for _ in range(10):
        throttle.failed("carol", "192.0.2.1")
        now[0] += timedelta(seconds=30)
    assert throttle.retry_after("carol", "192.0.2.2") == 15 * 60 - 10 * 30
    now[0] += timedelta(seconds=15 * 60 - 10 * 30)
    assert throttle.retry_after("carol", "192.0.2.2") is None  # the first failure aged out
    throttle.succeeded("carol")
    assert store.sign_in_failures("user", "carol", _long_ago())[0] == 0
    assert store.sign_in_failures("address", "192.0.2.1", _long_ago())[0] == 10


def test_users_add_makes_a_private_data_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "data"
    added = subprocess.run(
        [sys.executable, "-m", "coach", "users", "add", "dana", "--password", "dana-pass-1"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "COACH_DATA_DIR": str(data_dir)})
    assert added.returncode == 0, added.stderr
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "coach.db").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh"]  # nothing where it ran

"""The web edge under attack, measured on a real `coach serve` (part of `make bench`).

- An unauthenticated 200 MB multipart upload, sent until answered: how much of the body had
  been sent when the answer came, and the server's peak memory (VmHWM) before and after.
- Chat-turn latency (socket.io, as the page speaks it) idle and during a flood of 300 wrong
  passwords, each from its own address (the server trusts 127.0.0.1 as a proxy) so that none
  is throttled and every one runs bcrypt.
- 50 concurrent socket sessions each drafting and confirming a ticket: errors, tickets saved.
"""

from __future__ import annotations

import asyncio
import select
import socket
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from coach.web.store import Store
from tests.live_server import LiveServer, add_user
from tests.test_concurrency import SocketClient

UPLOAD_BYTES = 200 * 1024 * 1024
FLOOD = 300
SESSIONS = 50


def proc_field(pid: int, name: str, kind: str = "status") -> int:
    for line in Path(f"/proc/{pid}/{kind}").read_text().splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return int(value.split()[0])
    raise KeyError(name)


def unauthenticated_upload(server: LiveServer, pid: int) -> None:
    """Send the body in 64 KiB pieces, checking for an answer before each: the body bytes sent
    before the answer came bound what the server could have read before refusing."""
    peak_before = proc_field(pid, "VmHWM")
    head = ("POST /project/file?session_id=x HTTP/1.1\r\nHost: localhost\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {UPLOAD_BYTES}\r\n\r\n").encode()
    piece = b"x" * 65536
    sent, answer = 0, b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(head)
        while sent < UPLOAD_BYTES:
            ready, _, _ = select.select([conn], [], [], 0.05)
            if ready:
                answer = conn.recv(64)
                break
            try:
                conn.sendall(piece)
            except OSError:
                break
            sent += len(piece)
        if not answer:
            answer = conn.recv(64)
    time.sleep(1)
    peak_after = proc_field(pid, "VmHWM")
    status = answer.decode("latin-1").split()[1] if answer else "none"
    print(f"unauthenticated 200 MB upload: answered {status} after {sent // 1024} KiB of the body "
          f"had been sent (the most it could read); server peak memory "
          f"{peak_before / 1024:.0f} -> {peak_after / 1024:.0f} MB")


async def turn_latency(server: LiveServer, turns: int) -> list[float]:
    chat = SocketClient(server.url, "user0", "Latency Ltd")
    await chat.connect()
    times = []
    for n in range(turns):
        started = time.perf_counter()
        await chat.say(f"what does severity {n % 4 + 1} mean?", "Severity")
        times.append(time.perf_counter() - started)
    await chat.sio.disconnect()
    return times


async def flood(server: LiveServer) -> int:
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as http:
        async def wrong(n: int) -> int:
            answer = await http.post("/login", data={"username": f"nobody{n}",
                                                     "password": f"wrong-{n}"},
                                     headers={"X-Forwarded-For": f"10.1.{n // 250}.{n % 250}"})
            return answer.status_code
        codes = []
        for start in range(0, FLOOD, 5):  # 5 per 0.2 s: the attack's rate and more
            codes += await asyncio.gather(*(wrong(n) for n in range(start, start + 5)))
            await asyncio.sleep(0.2)
    return sum(code == 401 for code in codes)


async def latency_during_flood(server: LiveServer) -> None:
    idle = await turn_latency(server, 20)
    flooding = asyncio.create_task(flood(server))
    await asyncio.sleep(1)
    busy = await turn_latency(server, 20)
    refused = await flooding
    p50_idle, p50_busy = statistics.median(idle), statistics.median(busy)
    print(f"chat turn p50 idle {p50_idle * 1000:.0f} ms; during {FLOOD} wrong passwords "
          f"({refused} checked with bcrypt) {p50_busy * 1000:.0f} ms "
          f"({p50_busy / p50_idle:.2f}x)")


async def sessions(server: LiveServer) -> tuple[int, float]:
    started = time.monotonic()
    results = await asyncio.gather(
        *(SocketClient(server.url, f"user{n % 5}", f"Bench{n:02d} Ltd").draft()
          for n in range(SESSIONS)), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        print(f"  first error: {errors[0]!r}")
    return len(errors), time.monotonic() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        for n in range(5):
            add_user(data_dir, f"user{n}", f"user{n}-password")
        server = LiveServer(data_dir, env={"COACH_TRUSTED_PROXIES": "127.0.0.1"}).start()
        try:
            assert server.pid is not None
            unauthenticated_upload(server, server.pid)
            asyncio.run(latency_during_flood(server))
            errors, took = asyncio.run(sessions(server))
        finally:
            server.stop()
        store = Store.open(f"sqlite:///{data_dir / 'coach.db'}")
        saved = Counter(w.data["account"] for n in range(5)
                        for w in store.list_work(f"user{n}", "ticket"))
        once = sum(1 for n in range(SESSIONS) if saved.get(f"Bench{n:02d} Ltd") == 1)
        print(f"{SESSIONS} concurrent sessions: {errors} errors, {once}/{SESSIONS} tickets saved "
              f"exactly once, {took:.1f} s")


if __name__ == "__main__":
    main()

"""`make bench` (workers part): reply latency with 100 and 200 concurrent socket sessions on
one `coach serve` worker and on two sharing a PostgreSQL and a Chroma server; each worker's
peak memory; the time to build the knowledge index on the Chroma server."""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path

from coach.web.store import Store
from tests.live_server import LiveServer
from tests.services import ChromaServer, postgres
from tests.test_concurrency import SocketClient, paste
from tools.bench_web import proc_field

USERS = 10


def load(workers: list[LiveServer], sessions: int, tag: str) -> str:
    """Every session signs in and connects first; then all draft at once (a paste, then
    "confirm"), so the latency is the replies', not the sign-ins' (bcrypt)."""
    times: list[float] = []
    clients = [SocketClient(workers[n % len(workers)].url, f"user{n % USERS}",
                            f"{tag}{n:03d} Ltd") for n in range(sessions)]

    async def turn(client: SocketClient, text: str, expect: str) -> None:
        started = time.perf_counter()
        await client.say(text, expect)
        times.append(time.perf_counter() - started)

    async def run() -> int:
        await asyncio.gather(*(c.connect() for c in clients))
        results = []
        for step in ((lambda c: paste(c.account), "Here is the ticket"),
                     (lambda c: "confirm", "Ticket confirmed")):
            results += await asyncio.gather(*(turn(c, step[0](c), step[1]) for c in clients),
                                            return_exceptions=True)
        await asyncio.gather(*(c.sio.disconnect() for c in clients))
        return sum(isinstance(r, BaseException) for r in results)

    started = time.monotonic()
    errors = asyncio.run(run())
    took = time.monotonic() - started
    times.sort()
    p95 = times[max(0, int(0.95 * len(times)) - 1)] if times else float("nan")
    return (f"{sessions} sessions on {len(workers)} worker{'s' if len(workers) > 1 else ''}: "
            f"reply p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"{errors} errors, {took:.1f} s in all (sign-ins included)")


def warm(worker: LiveServer) -> None:
    """One conversation first: the worker loads its models on its first turn."""
    asyncio.run(SocketClient(worker.url, "user0", f"Warm{worker.port} Ltd").draft())


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="coach-bench-workers-"))
    with postgres() as url:
        chroma = ChromaServer(root / "chroma").start()
        store = Store.open(url)
        store.migrate()
        for n in range(USERS):
            store.add_user(f"user{n}", f"user{n}-password")
        store.engine.dispose()
        env = {"COACH_DATABASE_URL": url, "COACH_CHROMA_URL": chroma.url,
               "CHAINLIT_AUTH_SECRET": "bench-secret-0123456789abcdef0123456789"}
        workers = [LiveServer(root / name, env=env) for name in ("worker-a", "worker-b")]
        try:
            workers[0].start(timeout=300)
            built = re.search(r"built the knowledge index \S+ on the Chroma server \S+ in "
                              r"([\d.]+) s", workers[0].log.read_text())
            print("knowledge index built on the Chroma server: "
                  + (f"{float(built[1]):.1f} s" if built else "not built by this worker"))
            warm(workers[0])
            for sessions in (100, 200):
                print(load(workers[:1], sessions, f"One{sessions}-"))
            workers[1].start(timeout=300)
            warm(workers[1])
            for sessions in (100, 200):
                print(load(workers, sessions, f"Two{sessions}-"))
            for name, worker in zip(("a", "b"), workers, strict=True):
                assert worker.pid is not None
                print(f"worker {name} peak memory: {proc_field(worker.pid, 'VmHWM') / 1024:.0f} MB")
        finally:
            for worker in workers:
                worker.stop()
            chroma.stop()


if __name__ == "__main__":
    main()

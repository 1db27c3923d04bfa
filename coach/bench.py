"""`make bench`: accuracy, latency and memory figures for BENCHMARKS.md."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from coach.brain import OfflineBrain
from coach.settings import REPO_ROOT, Settings

EVAL = REPO_ROOT / "tests" / "eval"


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(
    function: Callable[[str], object], inputs: list[str], rounds: int = 3
) -> tuple[float, float]:
    """Median and p95 wall time of one call per input, over several rounds, in milliseconds."""
    samples = []
    for _ in range(rounds):
        for item in inputs:
            start = time.perf_counter()
            function(item)
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def cold_start(args: list[str], env: dict[str, str], repeat: int = 5) -> float:
    """Median seconds from process start to exit of a `coach` command."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "coach", *args], env=env, check=True, capture_output=True
        )
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def machine() -> str:
    """A one-line description of the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def bench_answers(brain: OfflineBrain, env: dict[str, str]) -> None:
    rows = [json.loads(line) for line in (EVAL / "questions.jsonl").read_text().splitlines()]
    hits = sum(
        row["fact"].lower() in (a := brain.answer(row["question"])).answer.lower()
        and bool(a.sources)
        for row in rows
    )
    print(f"questions: hit rate {hits}/{len(rows)} = {hits / len(rows):.1%}")
    median, p95 = timed(brain.answer, [r["question"] for r in rows])
    print(f"answer latency in-process: median {median:.1f} ms, p95 {p95:.1f} ms")
    print(f"coach ask cold start: {cold_start(['ask', 'who owns a sev 2?', '--json'], env):.2f} s")


def main() -> int:
    """Print every figure; the sections of later issues add theirs here."""
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "COACH_DATA_DIR": data_dir, "COACH_LLM": "offline"}
        settings = Settings(_env_file=None, data_dir=Path(data_dir), llm="offline")  # type: ignore[call-arg]
        brain = OfflineBrain(settings)
        start = time.perf_counter()
        brain.index  # noqa: B018 - builds the index
        print(f"index build: {time.perf_counter() - start:.2f} s")
        bench_answers(brain, env)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {peak:.0f} MB, largest coach command {child:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Per-turn latency of the offline engine over a realistic 30-turn conversation."""

from __future__ import annotations

import statistics
import time

from coach.brains.base import Brain
from coach.engine import Engine, make_engine
from coach.engine.inputs import press
from coach.settings import Settings, get_settings

# A whole escalation: draft field by field, correct, confirm, plan, edit, drafts, export.
SCRIPT = [
    "I need to escalate Globex",
    "Complete outage since 06:40 UTC: nobody at Globex can check out.",
    "No orders can be placed; roughly $45k in orders per hour lost.",
    press("accept"),
    "Priya Raman",
    "Paged the on-call SRE; opened a status page incident",
    "done",
    "Restore checkout and send an RCA",
    "within 1 hour",
    "status",
    "actually the account is Globex Inc",
    "add: called their CTO",
    "make it a 2",
    "it's critical",
    press("confirm"),
    "help",
    press("plan"),
    "step 2 owner: Sam Ito",
    "step 4 due: in 2 days",
    "add step: brief the account executive",
    "remove step 7",
    press("accept-plan"),
    "drafts",
    "export",
    "banana",
    "",
    press("no-such-button"),
    "back",
    "status",
    "severity should be 1",
    press("confirm"),
]


def turn_latency(
    script: list[str], brain: Brain | None = None, rounds: int = 3,
    settings: Settings | None = None,
) -> dict[str, float]:
    """Median and p95 milliseconds per turn; a warm-up pass first, so model loading is excluded."""
    settings = settings or get_settings()
    engine = make_engine(settings, brain=brain)
    _replay(engine, script)  # warm-up: loads the classifier and the embedding model
    samples: list[float] = []
    for _ in range(rounds):
        samples.extend(_replay(engine, script))
    return {
        "turns": float(len(script)),
        "median_ms": statistics.median(samples),
        "p95_ms": statistics.quantiles(samples, n=20, method="inclusive")[-1],
        "max_ms": max(samples),
    }


def _replay(engine: Engine, script: list[str]) -> list[float]:
    session = engine.new_session()
    times = []
    for line in script:
        start = time.perf_counter()
        engine.handle(session, line)
        times.append((time.perf_counter() - start) * 1000)
    return times


if __name__ == "__main__":
    figures = turn_latency(SCRIPT)
    print(f"engine turn latency over {figures['turns']:.0f} turns: median "
          f"{figures['median_ms']:.2f} ms, p95 {figures['p95_ms']:.2f} ms")

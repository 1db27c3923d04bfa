"""`make bench`: accuracy, latency and memory figures for BENCHMARKS.md."""

from __future__ import annotations

import json
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from coach.brains.offline import OfflineBrain
from coach.content.frameworks import seed_framework
from coach.settings import Settings

EVAL = Path(__file__).resolve().parent.parent / "tests" / "eval" / "dev"
FROZEN = EVAL.parent / "test"  # scored as totals only
DIALOGUES = EVAL.parent / "dialogues"  # dev is tuned on; frozen is scored as totals only


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


# Runs a coach command, then reports the process's own memory high-water mark. (getrusage's
# figure for a child is useless here: a vfork()ed child inherits the parent's peak at exec.)
_MEASURED = (
    "import sys; from coach.cli.main import main; rc = main(sys.argv[1:]);"
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')];"
    "print(*hwm, file=sys.stderr); sys.exit(rc)"
)


def cold_start(args: list[str], env: dict[str, str], repeat: int = 5) -> tuple[float, float]:
    """Median seconds from process start to exit of a `coach` command, and its peak MB."""
    samples, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _MEASURED, *args], env=env, check=True, capture_output=True,
            text=True,
        )
        samples.append(time.perf_counter() - start)
        peaks.append(int(done.stderr.split("VmHWM:")[1].split()[0]) / 1024)
    return statistics.median(samples), max(peaks)


def report_cold_start(name: str, args: list[str], env: dict[str, str], repeat: int = 5) -> None:
    seconds, peak = cold_start(args, env, repeat)
    print(f"{name} cold start: {seconds:.2f} s, peak memory {peak:.0f} MB")


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


QUESTION_SETS = (
    "questions.jsonl",
    "questions_blind.jsonl",
    "questions_holdout.jsonl",
    "questions_unseen.jsonl",
)


def hit_rate(brain: OfflineBrain, rows: list[dict[str, str]]) -> int:
    """Questions whose answer contains the expected fact and cites a source."""
    return sum(
        row["fact"].lower() in (a := brain.answer(row["question"])).answer.lower()
        and bool(a.sources)
        for row in rows
    )


def bench_answers(brain: OfflineBrain, settings: Settings, env: dict[str, str]) -> None:
    sets = {
        name: [json.loads(line) for line in (EVAL / name).read_text().splitlines()]
        for name in QUESTION_SETS
        if (EVAL / name).exists()
    }
    for name, rows in sets.items():
        hits = hit_rate(brain, rows)
        print(f"questions ({name}): hit rate {hits}/{len(rows)} = {hits / len(rows):.1%}")
    off_topic = [json.loads(line)["question"] for line in (EVAL / "off_topic.jsonl").open()]
    declined = sum(not brain.answer(q).sources for q in off_topic)
    print(f"off-topic questions declined: {declined}/{len(off_topic)}")
    everything = [row for rows in sets.values() for row in rows]
    median, p95 = timed(brain.answer, [r["question"] for r in everything])
    print(f"answer latency in-process: median {median:.1f} ms, p95 {p95:.1f} ms")
    question = "what goes in a post-escalation review?"
    with tempfile.TemporaryDirectory() as empty:
        first = {**env, "COACH_DATA_DIR": empty}
        label = "coach ask, first run (unpack + index build)"
        report_cold_start(label, ["ask", question], first, repeat=1)
    report_cold_start("coach ask", ["ask", question, "--json"], env)
    graded = "the whole platform is down for every user, how fast do we reply?"
    report_cold_start("coach ask (a situation to grade)", ["ask", graded, "--json"], env)
    compare_embedders(settings, everything)


def compare_embedders(settings: Settings, rows: list[dict[str, str]]) -> None:
    """The same pipeline with the shipped static embeddings instead of MiniLM, for the record."""
    from coach.search.embeddings import word_embedder

    for label, brain in [
        ("MiniLM-L6 (default)", OfflineBrain(settings)),
        ("WordLlama 256", OfflineBrain(settings, embedder=word_embedder())),
    ]:
        hits = hit_rate(brain, rows)
        print(f"embedder {label}: hit rate {hits}/{len(rows)} = {hits / len(rows):.1%}")


def bench_understanding(brain: OfflineBrain, settings: Settings, env: dict[str, str]) -> None:
    from tools import evaluate

    framework = seed_framework(settings.knowledge_dir)
    cases = evaluate.load_jsonl(EVAL / "severity.jsonl")
    for name, path in (("dev", EVAL / "severity.jsonl"), ("frozen", FROZEN / "severity.jsonl")):
        report = evaluate.severity_report(brain.classify, framework, evaluate.load_jsonl(path))
        print(f"severity accuracy, {name} set: {report.correct}/{report.total} = "
              f"{report.accuracy:.1%}; dangerous under-calls {report.under_calls}")
        print(report.matrix_text())
    questions = evaluate.load_jsonl(FROZEN / "questions.jsonl")
    right = evaluate.question_report(lambda q: brain.answer(q, framework=framework), framework,
                                     questions)
    print(f"frozen questions answered right, with sources: {right}/{len(questions)} = "
          f"{right / len(questions):.1%}")
    for name in ("level_questions", "level_questions_2", "level_questions_3"):
        rows = evaluate.load_jsonl(EVAL / f"{name}.jsonl")
        right = evaluate.question_report(lambda q: brain.answer(q, framework=framework),
                                         framework, rows)
        print(f"dev questions ({name}) answered right: {right}/{len(rows)}")
    batches = sorted(EVAL.glob("tickets_blind*.jsonl"), key=lambda p: (len(p.name), p.name))
    for name, path in [*((f"dev {p.stem}", p) for p in batches),
                       ("frozen", FROZEN / "tickets.jsonl")]:
        rows = evaluate.load_jsonl(path)
        named = evaluate.names_report(brain.read_names, rows)
        print(f"ticket names, {name} set: account {named['account']}/{len(rows)}, "
              f"CSM {named['csm']}/{len(rows)}")
    tickets = evaluate.load_jsonl(EVAL / "tickets.jsonl")
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    accuracy, _ = evaluate.ticket_report(brain.extract_ticket, framework, tickets, now)
    print(f"ticket field accuracy: {accuracy:.1%}")
    texts = [str(c["text"]) for c in cases]
    median, p95 = timed(lambda t: brain.classify(t, framework), texts)
    print(f"classify latency in-process: median {median:.2f} ms, p95 {p95:.2f} ms")
    ticket_texts = [str(c["text"]) for c in tickets]
    median, p95 = timed(lambda t: brain.extract_ticket(t, framework, now), ticket_texts)
    print(f"extract latency in-process: median {median:.2f} ms, p95 {p95:.2f} ms")
    args = ["classify", "the whole platform is down for every user", "--json"]
    report_cold_start("coach classify", args, env)


def bench_intents(settings: Settings) -> None:
    """Cross-validated accuracy of the learned readers of acts and of what questions ask."""
    from coach.search.minilm import MiniLMEmbedder
    from tools import train_intents

    embedder = MiniLMEmbedder(settings.models_dir)
    for spec in train_intents.SPECS:
        x, y = train_intents.data(spec, embedder, settings.knowledge_dir)
        z = train_intents.cross_validated(x, y, len(spec.labels), spec.balanced)
        train_intents.report(spec, y, z)


def bench_dialogues(brain: OfflineBrain, settings: Settings) -> None:
    """Checks passed on the scripted conversations (tests/eval/dialogues), totals only."""
    from coach.domain.clock import fixed_clock
    from coach.engine import make_engine
    from tools import evaluate

    engine = make_engine(settings, fixed_clock(datetime(2026, 11, 26, 10, 0, tzinfo=UTC)), brain)
    for name in ("dev", "dev2", "frozen"):
        cases = evaluate.load_jsonl(DIALOGUES / f"{name}.jsonl")
        results = [ok for case in cases for ok in evaluate.dialogue_checks(engine, case)]
        print(f"dialogue checks passed, {name} set: {sum(results)}/{len(results)} = "
              f"{sum(results) / len(results):.1%}")
    short: list[float] = []  # the dev conversations' turns, timed: under 40 words, and pastes
    pastes: list[float] = []
    for case in evaluate.load_jsonl(DIALOGUES / "dev.jsonl"):
        session = engine.new_session()
        for line in map(str, case["turns"]):
            start = time.perf_counter()
            engine.handle(session, line)
            long = len(line.split()) >= 40 or "\n" in line.strip()
            (pastes if long else short).append((time.perf_counter() - start) * 1000)
    for label, times in (("messages under 40 words", short), ("pastes", pastes)):
        p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
        print(f"turn latency on the dev dialogues, {label} ({len(times)}): median "
              f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
    for name in ("dev", "frozen"):
        cases = evaluate.load_jsonl(DIALOGUES / f"openers_{name}.jsonl")
        reached = sum(evaluate.opener_reached(engine, case) for case in cases)
        print(f"first messages that start the part they ask for, {name} set: "
              f"{reached}/{len(cases)}")


def bench_dashboard_words() -> None:
    """Which messages ask for the dashboard (tools.evaluate.dashboard_requests)."""
    from tools import evaluate

    for name, path in (("dev", EVAL / "dashboard.jsonl"),
                       ("frozen", FROZEN / "dashboard.jsonl")):
        right, asked, alarms, cases = evaluate.dashboard_requests(path)
        print(f"dashboard requests recognised, {name} set: {right}/{cases}; requests found "
              f"{asked}/{cases // 2}, false alarms {alarms}")


def bench_engine(brain: OfflineBrain, settings: Settings) -> None:
    from tools.bench_engine import SCRIPT, turn_latency

    figures = turn_latency(SCRIPT, brain=brain, settings=settings)
    print(
        f"engine turn latency over a {figures['turns']:.0f}-turn script: "
        f"median {figures['median_ms']:.2f} ms, p95 {figures['p95_ms']:.2f} ms"
    )


def bench_llm(settings: Settings) -> None:
    """Calls and tokens per completed ticket, and the engine's own time, against a fake server."""
    from coach.domain.session import Usage
    from coach.engine import make_engine
    from tests.fake_openai import FakeOpenAI
    from tests.test_llm_engine import PASTE, llm_reply

    with FakeOpenAI() as server:
        server.responder = llm_reply
        configured = settings.model_copy(update={"llm": "openai", "llm_base_url": server.base_url})
        engine = make_engine(configured)
        usage, overhead = Usage(), []
        for _ in range(5):
            session = engine.new_session()
            for line in ["ticket", PASTE, "accept", "confirm"]:
                start = time.perf_counter()
                engine.handle(session, line)
                overhead.append((time.perf_counter() - start) * 1000)
            usage.add(session.usage)
    tickets = 5
    print(
        f"LLM per completed ticket: {usage.calls / tickets:.1f} calls, "
        f"{(usage.prompt_tokens + usage.completion_tokens) / tickets:.0f} tokens"
    )
    own = (sum(overhead) - usage.wait_ms) / len(overhead)
    print(f"engine overhead per turn in LLM mode, excluding the model's time: {own:.1f} ms")


def main() -> int:
    """Print every figure for BENCHMARKS.md."""
    logging.basicConfig(level=logging.WARNING)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "COACH_DATA_DIR": data_dir, "COACH_LLM": "offline"}
        settings = Settings(_env_file=None, data_dir=Path(data_dir), llm="offline")
        brain = OfflineBrain(settings)
        start = time.perf_counter()
        brain.index  # noqa: B018 - builds the index
        print(f"index build: {time.perf_counter() - start:.2f} s")
        bench_answers(brain, settings, env)
        bench_understanding(brain, settings, env)
        bench_intents(settings)
        bench_dialogues(brain, settings)
        bench_dashboard_words()
        bench_engine(brain, settings)
        bench_llm(settings)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this bench process (two indexes, engine, LLM run): {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""LLM mode against a real HTTP server on 127.0.0.1 that speaks the OpenAI API.

The real ChatOpenAI client sends real requests; every failure the issue lists falls back to
the offline brain with one short notice, and the key never shows.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from coach.brains.factory import make_brain
from coach.brains.llm.brain import LLMBrain
from coach.brains.offline import OfflineBrain
from coach.brains.turn import Turn, turn
from coach.content.templates import PromptLibrary, TemplateError
from coach.domain import SeverityFramework
from coach.settings import Settings
from tests.conftest import NOW
from tests.fake_openai import FakeOpenAI, Scripted

KEY = "sk-test-do-not-leak-4242"
CLASSIFIED = json.dumps({"severity": 1, "rationale": "complete outage", "confidence": 0.9})


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def llm_brain(
    settings: Settings, server: FakeOpenAI, clock: Clock | None = None, **overrides: Any
) -> LLMBrain:
    configured = settings.model_copy(
        update={
            "llm": "openai",
            "llm_base_url": server.base_url,
            "llm_timeout": 3.0,
            "llm_api_key": SecretStr(KEY),
            **overrides,
        }
    )
    brain = make_brain(configured, clock or Clock())
    assert isinstance(brain, LLMBrain)
    return brain


def run_turn(call: Any) -> tuple[Any, Turn]:
    with turn() as current:
        result = call()
    return result, current


def test_offline_is_the_default(settings: Settings) -> None:
    assert isinstance(make_brain(settings), OfflineBrain)
    auto = settings.model_copy(update={"llm": "auto", "llm_base_url": "http://127.0.0.1:9/v1"})
    assert isinstance(make_brain(auto), LLMBrain)


def test_answer_streams_and_cites_retrieved_passages(
    settings: Settings, server: FakeOpenAI
) -> None:
    brain = llm_brain(settings, server)
    server.enqueue(Scripted(content="The first response comes within the target [1]."))
    tokens: list[str] = []
    question = "what counts as a first response?"
    answer, current = run_turn(lambda: brain.answer(question, on_token=tokens.append))
    assert answer.mode == "llm" and "target [1]" in answer.answer
    assert "".join(tokens) == answer.answer
    passages = brain.search(question, 4)
    assert answer.sources[0].section == passages[0].chunk.section
    assert current.usage.calls == 1 and current.usage.completion_tokens > 0
    sent = server.chat_requests[0]
    assert sent["stream"] is True and "[1] (" in sent["messages"][-1]["content"]


def test_a_named_level_is_given_to_the_model_from_the_framework_in_use(
    settings: Settings, server: FakeOpenAI, seed: SeverityFramework
) -> None:
    brain = llm_brain(settings, server)
    levels = [lvl.model_copy(update={"owner": "Head of Support"}) if lvl.level == 2 else lvl
              for lvl in seed.levels]
    tailored = seed.model_copy(update={"name": "Acme", "levels": levels})
    server.enqueue(Scripted(content="The Head of Support owns it [1]."))
    answer, _ = run_turn(lambda: brain.answer("who owns a sev 2?", framework=tailored))
    assert "[1] (Severity levels: Severity 2 (High)) " in server.chat_requests[0]["messages"][-1][
        "content"
    ]
    assert "Head of Support" in server.chat_requests[0]["messages"][-1]["content"]
    assert answer.sources[0].model_dump() == {
        "file": "framework: Acme", "section": "Severity 2 (High)"
    }


def test_answer_citing_a_passage_it_was_not_given_is_asked_again(
    settings: Settings, server: FakeOpenAI
) -> None:
    brain = llm_brain(settings, server)
    server.enqueue(Scripted(content="It is 4 hours [9]."), Scripted(content="It is 4 hours [2]."))
    answer, _ = run_turn(lambda: brain.answer("how fast for a sev 2?"))
    assert answer.mode == "llm" and len(answer.sources) == 1
    assert "only passages [1], [2]" in server.chat_requests[1]["messages"][-1]["content"]
    server.enqueue(Scripted(content="Trust me."), Scripted(content="Still no citation."))
    answer, current = run_turn(lambda: brain.answer("how fast for a sev 2?"))
    assert answer.mode == "offline" and answer.sources
    assert answer.notice and "cited passages it was not given" in answer.notice


def test_off_topic_question_makes_no_call(settings: Settings, server: FakeOpenAI) -> None:
    answer, current = run_turn(lambda: llm_brain(settings, server).answer("sourdough recipe?"))
    assert answer.sources == [] and current.usage.calls == 0 and server.requests == []


@pytest.mark.parametrize("method", ["json_schema", "function_calling", "json_mode"])
def test_classification_with_each_structured_method(
    settings: Settings, server: FakeOpenAI, seed: SeverityFramework, method: str
) -> None:
    brain = llm_brain(settings, server, llm_structured_method=method)
    if method == "function_calling":
        server.enqueue(Scripted(tool_args=json.loads(CLASSIFIED)))
    else:
        server.enqueue(Scripted(content=CLASSIFIED))
    result, current = run_turn(lambda: brain.classify("the whole platform is down", seed))
    assert (result.severity, result.owner, result.rationale) == (
        1,
        "VP CS + Executive",
        "complete outage",
    )
    request = server.chat_requests[0]
    if method == "function_calling":
        assert request["tools"][0]["function"]["name"] == "LLMClassification"
    else:
        expected = "json_schema" if method == "json_schema" else "json_object"
        assert request["response_format"]["type"] == expected
    assert current.notices == []


def test_validation_errors_are_fed_back_then_offline_takes_over(
    settings: Settings, server: FakeOpenAI, seed: SeverityFramework
) -> None:
    brain = llm_brain(settings, server, llm_max_retries=1)
    bad = json.dumps({"severity": 9, "rationale": "x", "confidence": 0.5})
    server.enqueue(Scripted(content=bad), Scripted(content=CLASSIFIED))
    result, _ = run_turn(lambda: brain.classify("the whole platform is down", seed))
    assert result.severity == 1
    assert (
        "severity must be one of 1, 2, 3, 4" in server.chat_requests[1]["messages"][-1]["content"]
    )
    server.enqueue(Scripted(content=bad), Scripted(content=bad))
    result, current = run_turn(lambda: brain.classify("one typo in the help article", seed))
    assert result.severity == brain.fallback.classify("one typo in the help article", seed).severity
    assert current.usage.calls == 2 and "did not pass validation" in current.notices[0]


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Scripted(content=CLASSIFIED, delay=2.0), "timed out"),
        (Scripted(status=401), "refused the credentials (HTTP 401)"),
        (Scripted(status=403), "refused the credentials (HTTP 403)"),
        (Scripted(status=429, headers={"Retry-After": "30"}), "rate-limiting"),
        (Scripted(status=503), "server failed (HTTP 503)"),
        (Scripted(raw_body="{this is not json"), "could not be read"),
        (Scripted(content='{"severity": "very"}'), "did not pass validation"),
        (None, "could not be reached"),
    ],
)
def test_each_failure_falls_back_with_one_notice(
    settings: Settings,
    server: FakeOpenAI,
    seed: SeverityFramework,
    caplog: pytest.LogCaptureFixture,
    reply: Scripted | None,
    reason: str,
) -> None:
    overrides: dict[str, Any] = {"llm_timeout": 1.0, "llm_max_retries": 0}
    if reply is None:
        overrides["llm_base_url"] = _closed_port()
    else:
        server.enqueue(reply, reply, reply)
    brain = llm_brain(settings, server, **overrides)
    caplog.set_level(logging.DEBUG)
    result, current = run_turn(lambda: brain.classify("the whole platform is down", seed))
    assert result.severity in (1, 2)  # the offline classifier's judgement
    assert len(current.notices) == 1 and reason in current.notices[0]
    assert KEY not in current.notices[0] and KEY not in caplog.text


def test_rate_limit_is_retried_after_the_time_it_asks(
    settings: Settings, server: FakeOpenAI, seed: SeverityFramework
) -> None:
    brain = llm_brain(settings, server)
    server.enqueue(
        Scripted(status=429, headers={"Retry-After": "0.2"}),
        Scripted(status=500),
        Scripted(content=CLASSIFIED),
    )
    result, current = run_turn(lambda: brain.classify("the whole platform is down", seed))
    assert result.rationale == "complete outage" and current.notices == []
    assert current.usage.calls == 3


def test_three_failures_in_a_row_keep_the_coach_offline_for_a_while(
    settings: Settings, server: FakeOpenAI, seed: SeverityFramework
) -> None:
    clock = Clock()
    brain = llm_brain(settings, server, clock, llm_max_retries=0)
    server.enqueue(*[Scripted(status=401)] * 3)
    notices = [run_turn(lambda: brain.classify("down", seed))[1].notices for _ in range(3)]
    assert "stays offline for 5 minutes" in notices[2][-1]
    quiet = run_turn(lambda: brain.classify("down", seed))[1]
    assert quiet.notices == [] and len(server.chat_requests) == 3
    clock.now += timedelta(minutes=6)
    server.enqueue(Scripted(content=CLASSIFIED))
    result, _ = run_turn(lambda: brain.classify("down", seed))
    assert result.rationale == "complete outage" and len(server.chat_requests) == 4


def test_ticket_extraction_by_llm_keeps_the_users_words(
    settings: Settings, server: FakeOpenAI, seed: SeverityFramework
) -> None:
    brain = llm_brain(settings, server)
    server.enqueue(
        Scripted(
            content=json.dumps(
                {
                    "account": "Initech",
                    "csm": "Sam Park",
                    "severity": None,
                    "severity_rationale": None,
                    "issue_summary": "Reporting outage",
                    "business_impact": "300 users blocked",
                    "actions_taken": ["Opened a ticket with engineering"],
                    "resolution_requested": "A fix",
                    "timeline_required": "by Friday",
                    "escalation_owner": None,
                }
            )
        )
    )
    text = (
        "Initech, my account (I'm Sam Park), says they will cancel unless the reporting outage "
        "is fixed. 300 users are blocked. We need a fix by Friday."
    )
    draft, current = run_turn(lambda: brain.extract_ticket(text, seed, NOW))
    assert (draft.account, draft.csm, draft.timeline_required) == (
        "Initech",
        "Sam Park",
        "by Friday",
    )
    assert draft.severity is not None and draft.severity_rationale
    assert draft.escalation_owner == seed.level(draft.severity).owner
    assert current.usage.calls == 1


def test_prompts_are_files_and_a_missing_variable_is_an_error(settings: Settings) -> None:
    prompts = PromptLibrary(settings.prompts_dir)
    assert "question" in prompts.get("answer").variables
    with pytest.raises(TemplateError, match="needs"):
        prompts.render("answer", question="q")
    with pytest.raises(TemplateError, match="no prompt file"):
        prompts.get("does-not-exist")


def _cli(env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "coach", "ask", "who owns a sev 2?", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "COACH_DATA_DIR": os.environ["COACH_DATA_DIR"]},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    return dict(json.loads(result.stdout))


def test_cli_reports_llm_mode_and_why_it_fell_back(server: FakeOpenAI, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "COACH_LLM": "auto",
        "COACH_LLM_BASE_URL": server.base_url,
        "OPENAI_API_KEY": KEY,
    }
    server.enqueue(Scripted(content="The CS Director owns a Severity 2 [1]."))
    data = _cli(env, tmp_path)
    assert data["mode"] == "llm" and data["sources"]
    assert server.auth_headers[0] == f"Bearer {KEY}"
    server.enqueue(Scripted(status=401), Scripted(status=401))
    data = _cli(env, tmp_path)
    assert data["mode"] == "offline" and "HTTP 401" in data["notice"] and data["sources"]


def test_openai_compatible_embeddings_build_their_own_index(
    settings: Settings, server: FakeOpenAI, tmp_path: Path
) -> None:
    configured = settings.model_copy(
        update={"embeddings": "openai", "llm_base_url": server.base_url, "data_dir": tmp_path}
    )
    brain = OfflineBrain(configured)
    assert brain.embedder.identity.startswith("openai-")
    hits = brain.index.search("who owns a severity 2 escalation", k=3)
    assert hits and any(r.get("input") for r in server.requests)
    local = OfflineBrain(settings.model_copy(update={"data_dir": tmp_path}))
    local.index  # noqa: B018 - a different embedder means a different index
    assert len(list((tmp_path / "chroma").glob("index-*"))) == 1


def test_the_timeout_is_one_budget_for_the_whole_turn(settings: Settings,
                                                      server: FakeOpenAI) -> None:
    brain = llm_brain(settings, server, llm_timeout=1.0)
    # Each reply alone fits the budget; the re-ask after a bad citation does not.
    server.enqueue(Scripted(content="It is 4 hours [9].", delay=0.6),
                   Scripted(content="It is 4 hours [1].", delay=0.6))
    answer, current = run_turn(lambda: brain.answer("how fast for a sev 2?"))
    assert answer.mode == "offline" and answer.notice and "Answered offline" in answer.notice
    assert current.usage.calls == 2


def test_an_unreachable_embeddings_server_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "COACH_EMBEDDINGS": "openai", "COACH_LLM": "offline",
           "COACH_LLM_BASE_URL": _closed_port(), "COACH_LLM_TIMEOUT": "2",
           "COACH_LLM_MAX_RETRIES": "0", "COACH_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "coach", "ask", "what is a war room?"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "embeddings server did not answer" in result.stderr

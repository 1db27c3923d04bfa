"""`coach classify` and `coach ticket draft` as scripts see them: JSON contracts and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coach.domain import TICKET_FIELDS, SeverityFramework


def coach(*args: str, now: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COACH_NOW"}
    if now is not None:
        env["COACH_NOW"] = now
    return subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True, text=True,
                          timeout=60, env=env)


@pytest.fixture
def framework_file(tmp_path: Path, seed: SeverityFramework) -> Path:
    """The seed with different owners and response times."""
    data = seed.model_dump()
    for level, owner, hours in zip(data["levels"], ("CRO", "Head of CS", "Team Lead", "Any CSM"),
                                   (0.5, 2, 12, 72), strict=True):
        level.update(owner=owner, response_hours=hours)
    path = tmp_path / "tailored.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_classify_json_contract() -> None:
    done = coach("classify", "Every user at Globex is locked out and the site is down.", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"severity", "name", "owner", "response_hours", "rationale", "confidence",
                           "alternatives", "unsure"}
    assert [set(a) for a in result["alternatives"]] == [{"severity", "probability"}] * 2
    assert result["alternatives"][0]["probability"] == result["confidence"]
    assert (result["severity"], result["name"]) == (1, "Critical")
    assert result["owner"] == "VP CS + Executive"
    assert isinstance(result["response_hours"], int | float) and 0 <= result["confidence"] <= 1


def test_framework_option_changes_owner_and_response_time(framework_file: Path) -> None:
    done = coach("classify", "Every user at Globex is locked out and the site is down.",
                 "--framework", str(framework_file), "--json")
    result = json.loads(done.stdout)
    assert (result["owner"], result["response_hours"]) == ("CRO", 0.5)


def test_classify_readable_output() -> None:
    done = coach("classify", "There is a typo in the help article about exports.")
    assert done.returncode == 0 and done.stdout.startswith("Severity 4 (Low)")


def test_batch_keeps_input_order(tmp_path: Path) -> None:
    batch = tmp_path / "in.jsonl"
    texts = ["A typo in the docs.", "They are terminating the contract.", "SLA missed twice."]
    batch.write_text("\n".join(json.dumps({"text": t}) for t in texts) + "\n", encoding="utf-8")
    done = coach("classify", "--batch", str(batch), "--json")
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["severity"] for line in done.stdout.splitlines()] == [4, 1, 3]


@pytest.mark.parametrize("second_line", ['{"txt": "wrong key"}', "not json", '{"text": "  "}'])
def test_bad_batch_line_fails_before_any_output(tmp_path: Path, second_line: str) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_text('{"text": "fine"}\n' + second_line + "\n", encoding="utf-8")
    done = coach("classify", "--batch", str(batch), "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert "line 2" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [
    ("classify", "   ", "--json"), ("classify", "--batch", "/nonexistent/in.jsonl"),
    ("classify",), ("ticket", "draft", "--text", ""),
    ("classify", "x", "--framework", "/nonexistent/fw.yaml"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    done = coach(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_ticket_draft_json_contract() -> None:
    text = ("ACCOUNT: Globex\nSEVERITY: 2\nCSM: Dana Lee\nISSUE SUMMARY: Exports fail\n"
            "BUSINESS IMPACT: 60 analysts blocked\nACTIONS TAKEN:\n- Opened ENG-1\n"
            "RESOLUTION REQUESTED: Hotfix\nTIMELINE REQUIRED: Within 3 business days")
    result = json.loads(coach("ticket", "draft", "--text", text, "--json").stdout)
    assert set(result) == {"ticket", "missing", "valid", "errors"}
    assert result["valid"] is True and result["errors"] == [] and result["missing"] == []
    assert set(result["ticket"]) <= {*TICKET_FIELDS, "due_by", "severity_rationale"}
    assert result["ticket"]["escalation_owner"] == "CS Director"


def test_ticket_draft_lists_what_is_missing() -> None:
    done = coach("ticket", "draft", "--text", "Support missed our SLA twice this week.", "--json")
    result = json.loads(done.stdout)
    assert result["valid"] is False and "account" in result["missing"]
    assert "account: is required but missing; add it" in result["errors"]
    assert result["ticket"]["severity"] == 3


def test_classify_needs_neither_chroma_nor_langchain() -> None:
    code = ("import sys; from coach.cli.main import main; "
            "main(['classify', 'All users down', '--json']); "
            "assert not [m for m in sys.modules if m.startswith(('chromadb', 'langchain'))]")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_coach_now_fixes_the_time_deadlines_count_from() -> None:
    text = "Account: Globex. CSM: Dana Li. Checkout is down; they need it back by Friday."
    done = coach("ticket", "draft", "--json", "--text", text, now="2026-12-01T09:30:00-05:00")
    assert done.returncode == 0, done.stderr
    ticket = json.loads(done.stdout)["ticket"]
    assert ticket["timeline_required"] == "by Friday"
    assert ticket["due_by"] == "2026-12-04T17:00:00-05:00"  # that Friday, on that clock


@pytest.mark.parametrize("value", ["yesterday", "2026-12-01T09:00:00"])
def test_a_bad_coach_now_is_one_line_and_exit_2(value: str) -> None:
    done = coach("ticket", "draft", "--text", "Account: Globex. CSM: Dana.", now=value)
    assert done.returncode == 2 and "COACH_NOW" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr

"""`coach chat --script FILE --json`: the contract other checks rely on, run as a real process."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from coach.content.templates import fill
from coach.domain import ActionPlan, EscalationTicket
from coach.engine import CoachSession
from tests.conftest import KNOWLEDGE
from tools.bench_engine import SCRIPT, turn_latency

SCRIPT_LINES = [
    "I need to escalate Globex",
    "Checkout is down for everyone; complete outage since 06:40 UTC.",
    "No orders can be placed; roughly $45k in orders per hour lost.",
    "[button:accept]",
    "Priya Raman",
    "Paged the on-call SRE",
    "[button:done]",
    "Restore checkout",
    "[button:skip]",
    "actually the account is Globex Inc",
    "[button:confirm]",
    "[button:plan]",
    "[button:accept-plan]",
    "[button:no-such-button]",
]


def run_script(tmp_path: Path, lines: list[str]) -> dict[str, Any]:
    script = tmp_path / "script.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "coach", "chat", "--script", str(script), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_chat_script_json_contract(tmp_path: Path) -> None:
    data = run_script(tmp_path, SCRIPT_LINES)
    assert set(data) == {"turns", "state"}
    turns = data["turns"]
    assert isinstance(turns, list) and [t["user"] for t in turns] == SCRIPT_LINES
    for turn in turns:
        assert set(turn) == {"user", "replies"}
        for reply in turn["replies"]:
            assert set(reply) == {"text", "buttons"} and isinstance(reply["text"], str)
            assert all(set(b) == {"id", "label"} for b in reply["buttons"])
    assert "isn't available here" in turns[-1]["replies"][0]["text"]
    state = CoachSession.model_validate(data["state"])
    assert state.ticket.account == "Globex Inc"
    assert state.confirmed_ticket is not None
    EscalationTicket.model_validate(state.confirmed_ticket.model_dump(),
                                    context={"framework": state.framework})
    assert state.confirmed_ticket.severity == 1
    assert state.action_plan is not None and state.plan_accepted
    ActionPlan.model_validate(state.action_plan.model_dump())
    assert {"framework", "ticket", "action_plan"} <= set(data["state"])


def test_chat_interactive_prints_replies_and_buttons() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coach", "chat"], input="ticket\nquit\n",
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "[ticket] Draft an escalation ticket" in result.stdout
    assert "Which account is this?" in result.stdout


def test_turn_latency_reports_median_and_p95() -> None:
    figures = turn_latency(SCRIPT)
    assert len(SCRIPT) == 31
    assert set(figures) >= {"median_ms", "p95_ms", "turns"}
    assert figures["turns"] == 31
    assert 0 < figures["median_ms"] <= figures["p95_ms"]


def run_chat(tmp_path: Path, lines: list[str], *options: str) -> subprocess.CompletedProcess[str]:
    """`coach chat --script` run in tmp_path, with its own data directory."""
    script = tmp_path / "script.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "coach", "chat", "--script", str(script), *options],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_plain_chat_prints_sources_and_terminal_text_without_markdown_escapes(
    tmp_path: Path,
) -> None:
    out = run_chat(tmp_path, ["learn", "I need to escalate Acme_Corp [EU] & co"]).stdout
    assert "Sources: [1] lessons/criteria.md — " in out
    assert "\\_" not in out and "\\[" not in out and "&amp;" not in out


def test_exports_are_written_to_the_export_dir_and_json_stays_the_contract(
    tmp_path: Path,
) -> None:
    lines = [*SCRIPT_LINES[:-1], "export", "drafts"]
    out = run_chat(tmp_path, lines).stdout
    folder = tmp_path / "data" / "exports"  # in the data directory, never where it ran
    written = sorted(p.name for p in folder.iterdir())
    assert any(n.endswith(".md") for n in written) and any(n.endswith(".json") for n in written)
    customer = [n for n in written if "customer" in n]  # the update to send is easy to find
    assert customer == ["customer-update.md"], written
    assert "Kind regards" in (folder / customer[0]).read_text(encoding="utf-8")
    assert f"Files written: {folder}/" in out and "Artifacts: " in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "script.txt"]
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    chosen = tmp_path / "mine"
    run_chat(tmp_path, lines, "--export-dir", str(chosen))
    assert sorted(p.name for p in chosen.iterdir()) == written
    assert {stat.S_IMODE(p.stat().st_mode) for p in chosen.iterdir()} == {0o600}
    json_run = tmp_path / "json"
    json_run.mkdir()
    result = run_chat(json_run, lines, "--json")
    data = json.loads(result.stdout)
    assert set(data) == {"turns", "state"} and not (json_run / "exports").exists()
    for turn in data["turns"]:
        for reply in turn["replies"]:
            assert set(reply) == {"text", "buttons"}


def test_the_customer_update_is_signed_by_the_csm() -> None:
    template = (KNOWLEDGE / "templates" / "customer_update.md").read_text(encoding="utf-8")
    facts = {name: f"<{name}>" for name in (
        "account", "severity", "severity_name", "issue_summary", "business_impact",
        "actions_taken", "resolution_requested", "timeline_required", "escalation_owner",
        "csm", "response_due", "next_update")}
    text = fill(template, facts, "the customer update", extra_ok=True).strip()
    assert text.endswith("Kind regards,\n<csm>")
    contacts = text.split("Your contacts:")[1].split("Kind regards")[0]
    assert "<escalation_owner>" in contacts and "<csm>" in contacts


def test_the_terminal_drops_bold_markers_but_keeps_typed_asterisks() -> None:
    from coach.cli.commands.chat import plain

    assert plain(r"Now **Seed**; you typed \*\*not bold\*\* and a\_b") == (
        "Now Seed; you typed **not bold** and a_b")

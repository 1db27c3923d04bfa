"""`coach chat --script FILE --json`: the contract other checks rely on, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from coach.engine import CoachSession
from coach.engine.bench import SCRIPT, turn_latency
from coach.schemas import ActionPlan, EscalationTicket

SCRIPT_LINES = [
    "I need to escalate Globex",
    "Checkout is down for everyone; complete outage since 06:40 UTC.",
    "No orders can be placed; roughly $45k in orders per hour lost.",
    "[button:accept]",
    "Priya Raman",
    "Paged the on-call SRE",
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
    assert len(SCRIPT) == 30
    assert set(figures) >= {"median_ms", "p95_ms", "turns"}
    assert figures["turns"] == 30
    assert 0 < figures["median_ms"] <= figures["p95_ms"]

"""`coach escalations`: the contract, run as a user runs it, under COACH_NOW."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coach.cli.main import main
from coach.settings import get_settings

TICKET = {"account": "Globex", "severity": 2, "csm": "Dana Li",
          "issue_summary": "Scheduled exports fail since the 4.12 release.",
          "business_impact": "60 analysts lose 2 hours a day.",
          "actions_taken": ["Support re-ran the jobs"],
          "resolution_requested": "Fix the exports", "escalation_owner": "CS Director"}
NY_OFFICE = {"name": "Acme tiers", "timezone": "America/New_York",
             "calendar": {"timezone": "America/New_York", "holidays": {"country": "US"}}}


@pytest.fixture
def coach(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          seed: Any) -> Iterator[Any]:
    """Run `coach ...` at a given COACH_NOW; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    framework = seed.model_dump(mode="json") | NY_OFFICE
    (tmp_path / "framework.json").write_text(json.dumps(framework))
    (tmp_path / "ticket.json").write_text(json.dumps(TICKET))

    def run(now: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("COACH_NOW", now)
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    run.folder = tmp_path  # type: ignore[attr-defined]
    yield run
    get_settings.cache_clear()


def test_an_escalation_is_created_logged_paused_and_resolved(coach: Any) -> None:
    folder = coach.folder
    code, out, _ = coach("2026-12-01T10:00:00-05:00", "escalations", "create", "--ticket",
                         str(folder / "ticket.json"), "--framework",
                         str(folder / "framework.json"), "--user", "dana", "--json")
    created = json.loads(out)
    assert code == 0 and created["status"] == "open" and created["severity"] == 2
    assert created["created_at"] == "2026-12-01T10:00:00-05:00"
    first = created["clocks"]["first_response"]
    assert first == {"due": "2026-12-01T14:00:00-05:00", "state": "running", "at_risk": False,
                     "remaining_minutes": 240}
    assert created["clocks"]["next_update"] is None and created["cycles"] == []
    number = created["id"]
    assert coach("2026-12-01T11:00:00-05:00", "escalations", "log", number,
                 "Sent Globex an update", "--kind", "customer-update", "--user", "dana")[0] == 0
    assert coach("2026-12-01T12:00:00-05:00", "escalations", "status", number,
                 "waiting-on-customer", "--user", "dana")[0] == 0
    _, out, _ = coach("2026-12-01T13:00:00-05:00", "escalations", "show", number, "--json")
    shown = json.loads(out)
    assert shown["status"] == "waiting-on-customer"
    assert shown["clocks"]["first_response"]["state"] == "achieved"
    assert shown["clocks"]["resolution"] == {"due": None, "state": "paused", "at_risk": False,
                                             "remaining_minutes": None}
    assert [e["kind"] for e in shown["events"]] == ["created", "customer-update", "status"]
    assert coach("2026-12-01T15:00:00-05:00", "escalations", "status", number, "resolved",
                 "--reason", "hotfix deployed")[0] == 0
    _, out, _ = coach("2026-12-02T09:00:00-05:00", "escalations", "show", number, "--json")
    resolved = json.loads(out)
    assert resolved["status"] == "resolved"
    assert resolved["clocks"]["resolution"]["state"] == "achieved"
    assert resolved["events"][-1] == {"at": "2026-12-01T15:00:00-05:00", "by": "local",
                                      "kind": "resolved", "text": "hotfix deployed",
                                      "status": "resolved"}


def test_the_list_puts_the_nearest_due_first_and_filters_the_at_risk(coach: Any) -> None:
    folder = coach.folder
    ids = []
    for now in ("2026-12-01T09:00:00-05:00", "2026-12-01T10:00:00-05:00"):
        _, out, _ = coach(now, "escalations", "create", "--ticket", str(folder / "ticket.json"),
                          "--framework", str(folder / "framework.json"), "--json")
        ids.append(json.loads(out)["id"])
    coach("2026-12-01T10:30:00-05:00", "escalations", "status", ids[0], "resolved")
    _, out, _ = coach("2026-12-01T13:30:00-05:00", "escalations", "list", "--json")
    listed = json.loads(out)
    assert [e["id"] for e in listed] == [ids[1], ids[0]]  # no running clock: last
    _, out, _ = coach("2026-12-01T13:30:00-05:00", "escalations", "list", "--at-risk",
                      "--json")
    assert [e["id"] for e in json.loads(out)] == [ids[1]]  # 30 of 240 minutes left
    _, out, _ = coach("2026-12-01T13:30:00-05:00", "escalations", "list")
    assert "Globex" in out and "(at risk)" in out


def test_errors_are_one_line_and_exit_2(coach: Any) -> None:
    folder = coach.folder
    (folder / "bad.json").write_text(json.dumps({"account": "Globex", "severity": 9}))
    code, _, err = coach("2026-12-01T10:00:00-05:00", "escalations", "create", "--ticket",
                         str(folder / "bad.json"))
    assert code == 2 and "severity" in err
    for args in (("show", "404"), ("log", "1", "hello"), ("status", "x", "open"),
                 ("severity", "1", "2", "--reason", "r")):
        code, _, err = coach("2026-12-01T10:00:00-05:00", "escalations", *args)
        assert code == 2 and err.count("\n") == 1 and "no escalation" in err, (args, err)


def test_a_csm_sees_their_own_escalations_and_a_leader_the_teams(coach: Any) -> None:
    folder, now = coach.folder, "2026-12-01T10:00:00-05:00"
    for name, role in (("dana", "csm"), ("sam", "csm"), ("lee", "leader")):
        assert coach(now, "users", "add", name, "--password", f"{name}-password-1",
                     "--role", role)[0] == 0
    ticket = ("escalations", "create", "--ticket", str(folder / "ticket.json"), "--json")
    dana_id = json.loads(coach(now, *ticket, "--user", "dana")[1])["id"]
    sam_id = json.loads(coach(now, *ticket, "--user", "sam")[1])["id"]

    def listed(user: str, *more: str) -> list[str]:
        code, out, err = coach(now, "escalations", "list", "--json", "--user", user, *more)
        assert code == 0, err
        return sorted(e["id"] for e in json.loads(out))

    assert listed("dana") == [dana_id]
    assert coach(now, "escalations", "show", sam_id, "--user", "dana")[0] == 2  # not hers
    code, _, err = coach(now, "escalations", "list", "--all", "--user", "dana")
    assert code == 2 and "only leaders" in err
    assert listed("lee", "--all") == sorted([dana_id, sam_id])
    assert listed("lee") == []  # a leader's own list is their own
    assert coach(now, "escalations", "log", sam_id, "called", "--user", "lee")[0] == 0
    assert listed("operator", "--all") == sorted([dana_id, sam_id])  # not a user: the operator
    assert coach(now, "users", "role", "DANA", "leader")[0] == 0
    assert listed("dana", "--all") == sorted([dana_id, sam_id])
    _, out, _ = coach(now, "users", "list")
    assert out.splitlines() == ["dana\tleader", "lee\tleader", "sam\tcsm"]


def test_a_scripted_chat_tracks_a_ticket_and_show_agrees(coach: Any) -> None:
    folder = coach.folder
    ticket = ("Account: Globex. Severity: 2. CSM: Dana Li. Issue summary: Scheduled exports "
              "fail since the 4.12 release. Business impact: 60 analysts lose 2 hours a day. "
              "Actions taken: Support re-ran the jobs. Resolution requested: Fix the exports. "
              "Timeline required: within 2 days. Escalation owner: CS Director")
    (folder / "script.txt").write_text("\n".join([
        ticket, "confirm",
        "sent Globex an update", "Globex is waiting on their IT",
        "Globex resolved: hotfix deployed"]) + "\n")
    code, out, err = coach("2026-12-01T10:00:00-05:00", "chat", "--script",
                           str(folder / "script.txt"), "--json", "--user", "dana")
    assert code == 0, err
    said = [r["text"] for turn in json.loads(out)["turns"] for r in turn["replies"]]
    assert any("Tracking it as escalation #1" in text for text in said)
    assert any("post-escalation review" in text for text in said)
    _, out, _ = coach("2026-12-01T10:00:00-05:00", "escalations", "show", "1", "--json",
                      "--user", "dana")
    shown = json.loads(out)
    assert (shown["account"], shown["status"]) == ("Globex", "resolved")
    assert [e["kind"] for e in shown["events"]] == ["created", "customer-update", "status",
                                                    "resolved"]
    assert shown["events"][2]["status"] == "waiting-on-customer"
    assert shown["clocks"]["first_response"]["state"] == "achieved"

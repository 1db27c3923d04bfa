"""The team's framework: accepted once, used by every new conversation, user and command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from coach.domain import SeverityFramework
from coach.engine import Engine
from coach.web.store import Store
from coach.web.workspace import Workspace
from tests.test_engine_support import offline_engine, text_of

TAILORING = ["tailor", "we're a Series A selling to mid-market",
             "a head of CS, two CS managers and 6 CSMs, no VP", "9-6 ET weekdays", "no SLAs"]


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    store = Store.open(f"sqlite:///{tmp_path / 'coach.db'}")
    store.migrate()
    store.add_user("lead", "lead-password", "leader")
    store.add_user("csm", "csm-password")
    engine: Engine = offline_engine()
    return Workspace(engine, store)


def accept_tailored(workspace: Workspace, user: str = "lead") -> SeverityFramework:
    conv, _ = workspace.open(user, "tailoring-thread")
    for line in [*TAILORING, "[button:accept]"]:
        workspace.respond(conv, line)
    assert conv.session.proposal is None
    return conv.session.framework


def test_an_accepted_framework_is_every_new_conversation_s_for_every_user(
    workspace: Workspace,
) -> None:
    seed = workspace.engine.framework
    fresh, _ = workspace.open("csm", "before")
    tailored = accept_tailored(workspace)
    assert tailored != seed and tailored.timezone == "America/New_York"

    conv, notices = workspace.open("csm", "a-new-thread")
    assert conv.session.framework == tailored and not notices
    status = text_of(workspace.respond(conv, "status"))
    assert f"Framework: {tailored.name}" in status
    # A conversation opened before catches up on its next turn, and says so.
    caught = workspace.respond(fresh, "help")
    assert fresh.session.framework == tailored
    assert "Your team's framework changed" in caught[0].text and "by lead" in caught[0].text

    versions = workspace.store.framework_versions()
    assert [(v.name, v.accepted_by) for v in versions] == [(tailored.name, "lead")]


def test_only_a_leader_makes_a_framework_the_teams(workspace: Workspace) -> None:
    seed = workspace.engine.framework
    conv, _ = workspace.open("csm", "tailoring-thread")
    for line in [*TAILORING, "[button:accept]"]:
        replies = workspace.respond(conv, line)
    assert "Only a team leader" in text_of(replies)
    assert conv.session.framework == seed and conv.session.proposal is not None  # kept
    assert workspace.store.framework_versions() == []


def test_the_team_can_go_back_to_the_seed_and_choose_an_earlier_version(
    workspace: Workspace,
) -> None:
    seed = workspace.engine.framework
    tailored = accept_tailored(workspace)
    conv, _ = workspace.open("csm", "switching")
    refused = text_of(workspace.respond(conv, "use the seed framework again"))
    assert "Only a team leader" in refused and conv.session.framework == tailored
    conv, _ = workspace.open("lead", "switching")
    said = text_of(workspace.respond(conv, "use the seed framework again"))
    assert conv.session.framework == seed and f"**{seed.name}**" in said
    assert workspace.open("lead", "later")[0].session.framework == seed

    listing = workspace.respond(conv, "framework versions")
    table = listing[0].text
    assert "| 2 (active) |" in table and f"| 1 | {tailored.name} | lead |" in table
    offered = [b.id for b in listing[0].buttons]
    assert "use-version-1" in offered and "use-version-2" not in offered  # 2 is active
    workspace.respond(conv, "[button:use-version-1]")
    assert conv.session.framework == tailored
    assert workspace.open("lead", "later-still")[0].session.framework == tailored
    assert "There is no framework version 99" in text_of(workspace.respond(conv, "use version 99"))
    assert len(workspace.store.framework_versions()) == 3


def test_an_edit_after_acceptance_is_a_new_team_version(workspace: Workspace) -> None:
    tailored = accept_tailored(workspace)
    conv, _ = workspace.open("lead", "tailoring-thread")  # where it was accepted: applied
    workspace.respond(conv, "make sev 4 respond in 72 hours")
    assert conv.session.framework.level(4).response_hours == 72
    other, _ = workspace.open("csm", "reading")
    assert other.session.framework.level(4).response_hours == 72
    assert len(workspace.store.framework_versions()) == 2
    # In another conversation an edit is a proposal on the team's framework, until accepted.
    said = text_of(workspace.respond(other, "make sev 3 respond in 12 hours"))
    assert "Accept it when it looks right" in said
    proposal = other.session.proposal
    assert proposal is not None and proposal.name == tailored.name
    assert (proposal.level(3).response_hours, proposal.level(4).response_hours) == (12, 72)
    assert len(workspace.store.framework_versions()) == 2
    workspace.respond(other, "[button:accept]")  # a CSM's acceptance is not the team's
    assert len(workspace.store.framework_versions()) == 2
    workspace.store.set_role("csm", "leader")
    workspace.respond(other, "make sev 3 respond in 12 hours")
    workspace.respond(other, "[button:accept]")
    assert [v.accepted_by for v in workspace.store.framework_versions()] == ["csm", "lead", "lead"]


def test_an_undone_acceptance_is_undone_for_the_team(workspace: Workspace) -> None:
    seed = workspace.engine.framework
    accept_tailored(workspace)
    conv, _ = workspace.open("lead", "tailoring-thread")
    workspace.respond(conv, "back")
    assert conv.session.proposal is not None and conv.session.framework == seed
    assert workspace.open("csm", "after-undo")[0].session.framework == seed


# --- the terminal: `coach chat --script` saves acceptance; every command uses it ----------


def coach(tmp_path: Path, *args: str, script: list[str] | None = None,
          **env: str) -> subprocess.CompletedProcess[str]:
    if script is not None:
        path = tmp_path / "script.txt"
        path.write_text("\n".join(script) + "\n", encoding="utf-8")
        args = ("chat", "--script", str(path), *args)
    environment = {**os.environ, "COACH_DATABASE_URL": f"sqlite:///{tmp_path / 'team.db'}",
                   **env}
    result = subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True,
                            text=True, timeout=180, env=environment)
    assert result.returncode == 0, result.stderr
    return result


def level_one_owner(tmp_path: Path, *args: str, **env: str) -> str:
    shown = coach(tmp_path, "classify", "--json", "the whole platform is down for everyone",
                  *args, **env)
    owner: str = json.loads(shown.stdout)["owner"]
    return owner


def test_a_framework_accepted_in_a_script_is_used_by_the_next_run_and_every_command(
    tmp_path: Path, seed: SeverityFramework,
) -> None:
    assert level_one_owner(tmp_path) == seed.level(1).owner
    coach(tmp_path, "--user", "dana", script=[*TAILORING, "[button:accept]"])

    status = coach(tmp_path, "--json", script=["status"])
    state = json.loads(status.stdout)["state"]
    tailored = SeverityFramework.model_validate(state["framework"])
    assert tailored.name != seed.name and "Head of CS" in tailored.level(1).owner
    assert level_one_owner(tmp_path) == tailored.level(1).owner
    assert tailored.name in coach(tmp_path, "framework", "show").stdout
    asked = coach(tmp_path, "ask", "who owns a severity 1 escalation?").stdout
    assert "Head of CS" in asked

    # Precedence: --framework FILE, then the team's, then COACH_FRAMEWORK_FILE, then the seed.
    own = seed.model_copy(update={"name": "File framework"}, deep=True)
    own.levels[0].owner = "Founder"
    path = tmp_path / "own.yaml"
    path.write_text(yaml.safe_dump(own.model_dump(mode="json")), encoding="utf-8")
    assert level_one_owner(tmp_path, "--framework", str(path)) == "Founder"
    assert level_one_owner(tmp_path, COACH_FRAMEWORK_FILE=str(path)) == tailored.level(1).owner
    versions = coach(tmp_path, script=["framework versions", "use the seed framework again"])
    assert "| 1 (active) | " in versions.stdout and "| dana |" in versions.stdout
    assert level_one_owner(tmp_path, COACH_FRAMEWORK_FILE=str(path)) == "Founder"
    assert level_one_owner(tmp_path) == seed.level(1).owner


def test_a_run_with_its_own_framework_file_leaves_the_team_s_alone(
    tmp_path: Path, seed: SeverityFramework,
) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(seed.model_dump(mode="json")), encoding="utf-8")
    coach(tmp_path, "--framework", str(path), script=[*TAILORING, "[button:accept]"])
    assert level_one_owner(tmp_path) == seed.level(1).owner


def test_deadlines_use_the_accepted_framework_s_time_zone(workspace: Workspace) -> None:
    accept_tailored(workspace)
    conv, _ = workspace.open("csm", "ticket")
    workspace.respond(conv, "Account: Globex\nCSM: Dana Li\nIssue summary: checkout is down "
                            "for all their users\nTimeline: they need it fixed by Friday")
    due = conv.session.ticket.due_by
    assert due is not None
    local = due.astimezone(ZoneInfo("America/New_York"))
    assert (local.strftime("%A"), local.hour) == ("Friday", 17)
    assert due.utcoffset() is not None and isinstance(due, datetime)


def test_tailoring_changes_when_reviews_are_due(workspace: Workspace) -> None:
    accept_tailored(workspace)
    conv, _ = workspace.open("lead", "tailoring-thread")
    said = text_of(workspace.respond(conv, "sev 3 needs a review within 5 days"))
    assert conv.session.framework.level(3).review_within_business_days == 5, said
    workspace.respond(conv, "no review for sev 2")
    assert conv.session.framework.level(2).review_within_business_days is None
    assert conv.session.framework.level(1).review_within_business_days == 3  # the default

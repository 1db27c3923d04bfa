"""Hand-offs: each tool's export checked against its documented body, priorities from the
framework, the CSV through the csv module, and pushes to a real local server standing in for
Zendesk and Jira: one POST then PUTs, and every failure leaves the escalation as it was."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coach.cli.main import main
from coach.domain import SeverityFramework
from coach.domain.session import CoachSession
from coach.handoff.bodies import AdfDocument, JiraRequest, SalesforceCase, ZendeskRequest
from coach.handoff.formats import CSV_COLUMNS
from coach.settings import get_settings
from coach.web.desk import Desk
from coach.web.escalations import Escalations, Viewer
from coach.web.store import Store
from tests.fake_tools import FakeTools, Reply

TOKEN = "s3cr3t-t0ken-value"
NOW = "2026-12-01T15:00:00+00:00"
TICKET = {"account": "Globex", "severity": 1, "csm": "Dana Li",
          "issue_summary": "The whole platform is down for every user since the 09:00 deploy.",
          "business_impact": "1,200 users blocked; $2M ARR renewal next month.",
          "actions_taken": ["Rolled back the deploy", "Opened an incident bridge"],
          "resolution_requested": "Restore service and send an RCA",
          "escalation_owner": "VP of Customer Success"}


@pytest.fixture
def coach(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
          ) -> Iterator[Any]:
    """`coach ...` as a user runs it: (exit code, stdout, stderr)."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COACH_NOW", NOW)
    get_settings.cache_clear()

    def run(*args: str, **env: str) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    run.folder = tmp_path  # type: ignore[attr-defined]
    yield run
    get_settings.cache_clear()


def create(coach: Any, ticket: dict[str, Any] | None = None, framework: Path | None = None
           ) -> str:
    path = coach.folder / "ticket.json"
    path.write_text(json.dumps(ticket or TICKET))
    extra = ["--framework", str(framework)] if framework else []
    code, out, err = coach("escalations", "create", "--ticket", str(path), "--json", *extra)
    assert code == 0, err
    return str(json.loads(out)["id"])


def events(coach: Any, number: str) -> list[dict[str, Any]]:
    code, out, _ = coach("escalations", "show", number, "--json")
    assert code == 0
    return list(json.loads(out)["events"])


def test_each_format_validates_against_its_tool_and_maps_the_level(coach: Any) -> None:
    number = create(coach)
    code, out, _ = coach("escalations", "export", number, "--format", "zendesk")
    zendesk = ZendeskRequest.model_validate_json(out).ticket
    assert code == 0 and zendesk.priority == "urgent" and zendesk.type == "incident"
    assert {"escalation", "sev1"} <= set(zendesk.tags) and zendesk.external_id.endswith(number)
    assert zendesk.subject.startswith("Globex: The whole platform is down")
    for field in ("Account: Globex", "Business impact: 1,200 users", "- Rolled back the deploy",
                  "Resolution requested:", "Escalation owner: VP of Customer Success"):
        assert field in zendesk.comment.body
    code, out, _ = coach("escalations", "export", number, "--format", "jira",
                         COACH_JIRA_PROJECT="CSE", COACH_JIRA_ISSUE_TYPE="Incident")
    fields = JiraRequest.model_validate_json(out).fields
    assert (fields.project.key, fields.issuetype.name, fields.priority.name) == (
        "CSE", "Incident", "Highest")
    document = json.loads(out)["fields"]["description"]
    AdfDocument.model_validate(document)
    headings = [b["content"][0]["text"] for b in document["content"] if b["type"] == "heading"]
    assert headings[:4] == ["Account", "Severity", "CSM", "Issue summary"]
    actions = document["content"][headings.index("Actions taken") * 2 + 1]
    assert actions["type"] == "bulletList" and len(actions["content"]) == 2
    code, out, _ = coach("escalations", "export", number, "--format", "salesforce")
    case = SalesforceCase.model_validate_json(out)
    assert (case.Priority, case.Status, case.IsEscalated, case.Origin) == (
        "High", "Escalated", True, "Escalation Coach")
    code, out, _ = coach("escalations", "export", number, "--format", "markdown")
    assert "# Escalation ticket: Globex" in out and "## Timeline" in out and "| created" in out
    out_file = coach.folder / "case.json"
    assert coach("escalations", "export", number, "--format", "salesforce", "--out",
                 str(out_file))[0] == 0
    SalesforceCase.model_validate_json(out_file.read_text())


def test_a_long_subject_is_cut_on_a_word(coach: Any) -> None:
    long = TICKET | {"issue_summary": "word " * 80}
    number = create(coach, long)
    code, out, _ = coach("escalations", "export", number, "--format", "salesforce")
    cut = SalesforceCase.model_validate_json(out).Subject
    assert len(cut) <= 255 and cut.endswith("word…")


def test_the_csv_round_trips_with_every_escalation(coach: Any) -> None:
    numbers = [create(coach, TICKET | {"account": name, "severity": level})
               for name, level in (("Globex", 1), ("Initech, Inc.", 2), ('Acme "Labs"', 4))]
    code, out, _ = coach("escalations", "export", "--all", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 3 and list(rows[0]) == list(CSV_COLUMNS)
    assert [r["Escalation ID"] for r in rows] == numbers
    assert [r["Account"] for r in rows] == ["Globex", "Initech, Inc.", 'Acme "Labs"']
    assert [r["Priority"] for r in rows] == ["Highest", "High", "Low"]
    assert rows[0]["Actions taken"] == "Rolled back the deploy; Opened an incident bridge"
    assert rows[0]["Summary"].startswith("Globex: ") and rows[0]["Status"] == "open"
    assert rows[0]["First response state"] == "running" and rows[0]["Next update state"] == (
        "not started")
    assert coach("escalations", "export", "--all", "--format", "jira")[0] == 2
    assert coach("escalations", "export", "--format", "csv")[0] == 2


def test_priorities_come_from_the_frameworks_integrations(coach: Any, seed: SeverityFramework
                                                           ) -> None:
    five = seed.model_dump(mode="json")
    extra = dict(five["levels"][-1], level=5, name="Informational", response_hours=96)
    five["levels"].append(extra)
    path = coach.folder / "five.json"
    path.write_text(json.dumps(five))
    code, _, err = coach("framework", "validate", str(path))
    assert code == 2 and "integrations.priority.zendesk: no priority for level 5" in err
    number = create(coach, TICKET | {"severity": 5}, framework=path)
    code, _, err = coach("escalations", "export", number, "--format", "zendesk")
    assert code == 2 and "no zendesk priority for severity 5" in err
    mapped = five | {"integrations": {"priority": {
        "zendesk": {str(n): p for n, p in zip(range(1, 6), ("urgent", "high", "high", "normal",
                                                           "low"), strict=True)}}}}
    path.write_text(json.dumps(mapped))
    code, _, err = coach("framework", "validate", str(path))
    assert code == 2 and "jira: no priority for level 5" in err  # zendesk mapped, not jira
    mapped["integrations"]["priority"]["zendesk"].pop("5")
    path.write_text(json.dumps(mapped))
    code, _, err = coach("framework", "validate", str(path))
    assert code == 2 and "zendesk: no priority for level 5 in its integrations section" in err
    mapped["integrations"]["priority"]["zendesk"]["5"] = "whenever"
    path.write_text(json.dumps(mapped))
    assert "'whenever' is not one of urgent, high, normal, low" in coach(
        "framework", "validate", str(path))[2]


def zendesk_env(tools: FakeTools) -> dict[str, str]:
    return {"COACH_ZENDESK_URL": tools.url, "COACH_ZENDESK_EMAIL": "dana@example.com",
            "COACH_ZENDESK_TOKEN": TOKEN, "COACH_PUSH_TIMEOUT": "1",
            "COACH_PUSH_WAIT_BUDGET": "3"}


def basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


def test_zendesk_pushes_are_one_post_then_puts(coach: Any) -> None:
    number = create(coach)
    with FakeTools() as tools:
        code, out, err = coach("escalations", "push", number, "--to", "zendesk",
                               **zendesk_env(tools))
        assert code == 0 and "Zendesk ticket 101 created" in out and TOKEN not in out + err
        assert coach("escalations", "log", number, "Sent the customer an update", "--kind",
                     "customer-update")[0] == 0
        code, out, _ = coach("escalations", "push", number, "--to", "zendesk")
        assert code == 0 and "Zendesk ticket 101 updated" in out
    assert [(s.method, s.path) for s in tools.seen] == [
        ("POST", "/api/v2/tickets.json"), ("PUT", "/api/v2/tickets/101.json")]
    assert {s.auth for s in tools.seen} == {basic("dana@example.com/token", TOKEN)}
    for seen in tools.seen:
        ZendeskRequest.model_validate(seen.body)
    assert "Status: open" in tools.seen[0].body["ticket"]["comment"]["body"]
    pushed = [e for e in events(coach, number) if e["kind"] == "pushed"]
    assert [e["ref"] for e in pushed] == ["zendesk:101", "zendesk:101"]
    assert pushed[0]["text"] == f"{tools.url}/agent/tickets/101"
    stored = (coach.folder / "data" / "coach.db").read_bytes()
    assert TOKEN.encode() not in stored  # never saved


def test_jira_pushes_are_one_post_then_puts(coach: Any) -> None:
    number = create(coach)
    with FakeTools() as tools:
        env = {"COACH_JIRA_URL": tools.url, "COACH_JIRA_EMAIL": "dana@example.com",
               "COACH_JIRA_TOKEN": TOKEN}
        assert "Jira ticket ESC-101 created" in coach("escalations", "push", number, "--to",
                                                      "jira", **env)[1]
        assert "Jira ticket ESC-101 updated" in coach("escalations", "push", number, "--to",
                                                      "jira")[1]
    assert [(s.method, s.path) for s in tools.seen] == [
        ("POST", "/rest/api/3/issue"), ("PUT", "/rest/api/3/issue/ESC-101")]
    assert {s.auth for s in tools.seen} == {basic("dana@example.com", TOKEN)}
    JiraRequest.model_validate(tools.seen[1].body)


@pytest.mark.parametrize(("reply", "said"), [
    (Reply(201, "{}", delay=2.5), "did not answer within 1 s"),
    (Reply(401, '{"error": "Couldn\'t authenticate you"}'), "refused the credentials (401)"),
    (Reply(429, "", {"Retry-After": "120"}), "limiting requests (429)"),
    (Reply(503, "busy"), "failed (503)"),
    (Reply(201, "<html>not json</html>"), "not JSON"),
    (Reply(201, '{"ticket": {}}'), "without the ticket's id"),
])
def test_a_failed_push_is_one_sentence_and_changes_nothing(coach: Any, reply: Reply,
                                                           said: str) -> None:
    number = create(coach)
    before = events(coach, number)
    with FakeTools() as tools:
        tools.script(reply)
        code, out, err = coach("escalations", "push", number, "--to", "zendesk",
                               **zendesk_env(tools))
    assert code == 2 and said in err and len(err.strip().splitlines()) == 1
    assert TOKEN not in out + err and "Traceback" not in err
    assert events(coach, number) == before


def test_a_429_within_the_budget_is_waited_for(coach: Any) -> None:
    number = create(coach)
    with FakeTools() as tools:
        tools.script(Reply(429, "", {"Retry-After": "1"}))
        code, out, _ = coach("escalations", "push", number, "--to", "zendesk",
                             **zendesk_env(tools))
    assert code == 0 and "created" in out
    assert [s.method for s in tools.seen] == ["POST", "POST"]


def test_push_settings_are_checked_first(coach: Any) -> None:
    number = create(coach)
    code, _, err = coach("escalations", "push", number, "--to", "zendesk")
    assert code == 2 and "needs COACH_ZENDESK_URL, COACH_ZENDESK_EMAIL" in err
    code, _, err = coach("escalations", "push", number, "--to", "zendesk",
                         COACH_ZENDESK_URL="http://zendesk.example.com",
                         COACH_ZENDESK_EMAIL="a@b.c", COACH_ZENDESK_TOKEN=TOKEN)
    assert code == 2 and "must start with https://" in err


def test_exports_and_pushes_in_words(coach: Any, seed: SeverityFramework,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    number = create(coach)
    with FakeTools() as tools:
        for name, value in zendesk_env(tools).items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        settings = get_settings()
        desk = Desk(Escalations(Store.for_settings(settings)), settings=settings)
        session, local = CoachSession(framework=seed), Viewer("local", sees_team=True)

        def say(text: str) -> Any:
            return desk.turn(session, text, local, lambda: [])[-1]

        files = say("export Globex").artifacts[0].data["files"]
        assert sorted(n.rsplit("-", 1)[-1] for n in files) == [
            "csv.csv", "jira.json", "markdown.md", "salesforce.json", "zendesk.json"]
        ZendeskRequest.model_validate_json(files[f"escalation-{number}-globex-zendesk.json"])
        only = say("export Globex to jira").artifacts[0].data["files"]
        assert list(only) == [f"escalation-{number}-globex-jira.json"]
        table = say("export all escalations").artifacts[0].data["files"]["escalations.csv"]
        assert len(list(csv.DictReader(io.StringIO(table)))) == 1
        assert "Created Zendesk ticket 101 for **Globex**" in say("push Globex to Zendesk").text
        assert "Updated Zendesk ticket 101" in say(f"push #{number} to zendesk").text
    assert [s.method for s in tools.seen] == ["POST", "PUT"]


def test_words_around_an_account_are_not_an_export(coach: Any, seed: SeverityFramework) -> None:
    create(coach)
    settings = get_settings()
    desk = Desk(Escalations(Store.for_settings(settings)), settings=settings)
    said: list[str] = []
    desk.turn(CoachSession(framework=seed), "export jobs fail for Globex since Monday",
              Viewer("local", sees_team=True), lambda: said.append("coach") or [])
    assert said == ["coach"]  # a ticket to draft, not Globex's files

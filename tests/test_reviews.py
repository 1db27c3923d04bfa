"""Post-escalation reviews: when they are due, recording one from a file, and bad files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coach.cli.main import main
from coach.settings import get_settings
from tests.test_escalations_cli import NY_OFFICE, TICKET

REVIEW = {
    "summary": "Exports failed for two days after the 4.12 release.",
    "impact": "60 analysts lost 2 hours a day for 2 days: 240 hours.",
    "timeline": [{"at": "2026-12-03T10:00:00-05:00", "event": "escalated"}],
    "root_cause": "The 4.12 migration skipped the export scheduler's table.",
    "contributing_factors": ["no canary for scheduled jobs"],
    "detection": "The customer noticed first.",
    "what_went_well": ["first response in 40 minutes"],
    "what_went_badly": ["no status page entry"],
    "action_items": [{"action": "Add a canary for scheduled exports", "owner": "Priya",
                      "due": "2026-12-18T17:00:00-05:00"}],
}


@pytest.fixture
def coach(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          seed: Any) -> Iterator[Any]:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    (tmp_path / "framework.json").write_text(json.dumps(seed.model_dump(mode="json")
                                                        | NY_OFFICE))

    def run(now: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("COACH_NOW", now)
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    def create(severity: int) -> str:
        (tmp_path / "ticket.json").write_text(json.dumps(TICKET | {"severity": severity}))
        code, out, err = run("2026-12-03T10:00:00-05:00", "escalations", "create", "--ticket",
                             str(tmp_path / "ticket.json"), "--framework",
                             str(tmp_path / "framework.json"), "--json")
        assert code == 0, err
        return str(json.loads(out)["id"])

    def review(now: str, number: str) -> Any:
        return json.loads(run(now, "escalations", "show", number, "--json")[1])["review"]

    run.folder, run.create, run.review = tmp_path, create, review  # type: ignore[attr-defined]
    yield run
    get_settings.cache_clear()


def test_a_review_is_due_working_days_after_resolution_and_done_once_recorded(
        coach: Any) -> None:
    number = coach.create(1)  # Thursday 3 December 2026
    assert coach.review("2026-12-03T11:00:00-05:00", number) == {
        "required": True, "due": None, "status": "not-due"}
    coach("2026-12-03T15:00:00-05:00", "escalations", "status", number, "resolved")
    due = {"required": True, "due": "2026-12-08T15:00:00-05:00"}  # Fri, Mon, Tue
    assert coach.review("2026-12-08T14:59:00-05:00", number) == due | {"status": "due"}
    assert coach.review("2026-12-08T15:01:00-05:00", number) == due | {"status": "overdue"}
    (coach.folder / "review.json").write_text(json.dumps(REVIEW))
    code, out, err = coach("2026-12-09T10:00:00-05:00", "escalations", "review", number,
                           "--from", str(coach.folder / "review.json"), "--json")
    assert code == 0, err
    assert json.loads(out)["review"] == due | {"status": "done"}
    coach("2026-12-10T09:00:00-05:00", "escalations", "status", number, "in-progress")
    assert coach.review("2026-12-10T10:00:00-05:00", number)["status"] == "not-due"
    coach("2026-12-23T15:00:00-05:00", "escalations", "status", number, "resolved")
    # Thursday the 24th, (Christmas off) Monday the 28th, Tuesday the 29th.
    assert coach.review("2026-12-24T09:00:00-05:00", number) == {
        "required": True, "due": "2026-12-29T15:00:00-05:00", "status": "due"}


def test_lower_levels_need_no_review_and_an_open_one_cannot_be_reviewed(coach: Any) -> None:
    number = coach.create(3)
    assert coach.review("2026-12-03T11:00:00-05:00", number) is None
    (coach.folder / "review.json").write_text(json.dumps(REVIEW))
    code, _, err = coach("2026-12-03T11:00:00-05:00", "escalations", "review", number,
                         "--from", str(coach.folder / "review.json"))
    assert code == 2 and "not resolved yet" in err


def test_a_bad_review_names_each_field_and_exits_2(coach: Any) -> None:
    number = coach.create(2)
    coach("2026-12-03T15:00:00-05:00", "escalations", "status", number, "resolved")
    bad = REVIEW | {"root_cause": "  ", "mood": "tense",
                    "action_items": [{"action": "Add a canary"}]}
    (coach.folder / "bad.json").write_text(json.dumps(bad))
    code, _, err = coach("2026-12-04T10:00:00-05:00", "escalations", "review", number,
                         "--from", str(coach.folder / "bad.json"))
    assert code == 2
    for field in ("root_cause", "mood", "action_items.0.owner", "action_items.0.due"):
        assert field in err, (field, err)
    assert coach.review("2026-12-04T10:00:00-05:00", number)["status"] == "due"


def test_a_scripted_chat_review_is_blameless_and_takes_its_timeline_from_the_events(
        coach: Any) -> None:
    from coach.web.escalations import Escalations, Viewer
    from coach.web.store import Store

    ticket = ("Account: Globex. Severity: 2. CSM: Dana Li. Issue summary: Scheduled exports "
              "fail since the 4.12 release. Business impact: 60 analysts lose 2 hours a day. "
              "Actions taken: Support re-ran the jobs. Resolution requested: Fix the exports. "
              "Timeline required: within 2 days. Escalation owner: CS Director")
    script = [ticket, "confirm", "sent Globex an update", "Globex resolved: hotfix deployed",
              "[button:review-1]", "16:30 engineers found the broken migration", "ok",
              "Scheduled exports failed for two days after the 4.12 release.",
              "a lot of people were annoyed",  # no numbers: asked again
              "60 analysts lost 2 hours a day for 2 days, 240 hours",
              "the export job could not find its table",
              "Marco screwed up the deploy",  # blames a person
              "yes",  # the systems wording, agreed
              "that's the root cause", "the customer told us", "quick first response",
              "no status page entry; slow rollback",
              "1: Priya by Dec 18", "add: Add a canary for scheduled exports, Sam by Friday",
              "done"]
    (coach.folder / "script.txt").write_text("\n".join(script) + "\n")
    code, out, err = coach("2026-12-03T10:00:00-05:00", "chat", "--script",
                           str(coach.folder / "script.txt"), "--json", "--user", "dana")
    assert code == 0, err
    said = "\n".join(r["text"] for t in json.loads(out)["turns"] for r in t["replies"])
    assert "Give me numbers" in said and "That names a person" in said
    assert "Review of **Globex** recorded, with 2 action items" in said
    store = Store.for_settings(get_settings())
    [review] = Escalations(store).reviews("1", Viewer("dana", sees_team=True))
    assert review.root_cause.startswith("The deploy had no check")
    assert "Marco" not in review.model_dump_json()
    assert review.contributing_factors == ["the export job could not find its table"]
    assert [e.event for e in review.timeline][:2] == ["created", "customer update: sent "
                                                      "Globex an update"]
    assert "engineers found the broken migration" in [e.event for e in review.timeline]
    assert [(a.owner, a.due.date().isoformat()) for a in review.action_items] == [
        ("Priya", "2026-12-18"), ("Sam", "2026-12-04")]
    assert coach.review("2026-12-03T11:00:00-05:00", "1")["status"] == "done"
    store.engine.dispose()


def test_the_trend_review_counts_categories_levels_and_repeat_accounts(coach: Any) -> None:
    first, second, third = coach.create(1), coach.create(2), coach.create(3)
    coach("2026-12-03T12:00:00-05:00", "escalations", "status", first, "resolved",
          "--category", "outage")
    coach("2026-12-03T12:00:00-05:00", "escalations", "status", second, "resolved")
    code, _, err = coach("2026-12-03T12:00:00-05:00", "escalations", "status", third,
                         "in-progress", "--category", "billing")
    assert code == 2 and "at resolution" in err
    code, out, err = coach("2026-12-20T12:00:00-05:00", "escalations", "trend", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert (found["month"], found["total"]) == ("2026-12", 3)
    assert found["by_category"]["outage"] == 1 and found["by_category"]["other"] == 2
    assert found["by_level"] == {"1": 1, "2": 1, "3": 1}
    assert found["by_account"] == [{"account": "Globex", "count": 3, "repeat": True}]
    assert json.loads(coach("2026-12-20T12:00:00-05:00", "escalations", "trend", "--month",
                            "2026-11", "--json")[1])["total"] == 0
    assert coach("2026-12-20T12:00:00-05:00", "escalations", "trend", "--month", "Dec")[0] == 2


def test_the_category_is_asked_in_the_chat_after_a_resolution(
        tmp_path: Path, seed: Any) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from coach.domain import EscalationTicket
    from coach.domain.session import CoachSession
    from coach.web.desk import Desk
    from coach.web.escalations import Escalations, Viewer
    from coach.web.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'c.db'}")
    store.migrate()
    start = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("America/New_York"))
    escalations = Escalations(store, clock=lambda: start)
    ticket = EscalationTicket(account="Initech", severity=2, csm="Dana", issue_summary="x",
                              business_impact="y", resolution_requested="z",
                              escalation_owner="CS Director", created_at=start,
                              response_due=start + timedelta(hours=4))
    viewer = Viewer("dana")
    escalations.create(ticket, seed, viewer)
    desk, session = Desk(escalations, clock=lambda: start), CoachSession(framework=seed)

    def say(text: str) -> str:
        return "\n".join(r.text for r in desk.turn(session, text, viewer, lambda: []))

    assert "root-cause category" in say("Initech resolved: config fixed")
    assert "Root cause of **Initech** (#1): product-defect" in say("category: bug")
    assert escalations.summaries(viewer)[0].runs.category == "product-defect"

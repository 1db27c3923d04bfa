"""Tracked next steps: from a review and an accepted plan, marked in words, listed, on the board."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from coach.domain import ActionPlan, SeverityFramework
from coach.domain.review import PostEscalationReview
from coach.domain.session import CoachSession
from coach.web.desk import Desk
from tests.test_desk import DANA, START, _ticket, desk, say  # noqa: F401 - the fixture
from tests.test_reviews import REVIEW


def test_review_items_and_plan_steps_are_tracked_and_marked_in_words(
        desk: tuple[Desk, list[datetime]], seed: SeverityFramework) -> None:  # noqa: F811
    talk, now = desk
    session = CoachSession(framework=seed)
    say(talk, session, "Initech resolved: hotfix deployed")
    review = PostEscalationReview.model_validate(REVIEW | {"action_items": [
        {"action": "Add a canary for scheduled exports", "owner": "Sam",
         "due": (START + timedelta(days=2)).isoformat()},
        {"action": "Write the RCA for the customer", "owner": "Dana",
         "due": (START + timedelta(days=1)).isoformat()}]})
    talk.escalations.record_review("3", review, DANA)
    # An accepted action plan on a tracked ticket: its steps are tracked too.
    ticket = _ticket("Globex Ltd", seed)
    session.confirmed_ticket, session.tracked = ticket, {ticket.created_at.isoformat(): "2"}
    session.action_plan = ActionPlan.model_validate({"account": "Globex Ltd", "steps": [
        {"action": "Send the customer a status update", "owner": "Dana",
         "due": (START + timedelta(hours=3)).isoformat(), "success_metric": "update sent"}]})
    session.plan_accepted = True
    said, _ = say(talk, session, "hello")
    assert "Tracking the plan's 1 steps" in said
    assert "Tracking the plan" not in say(talk, session, "hello")[0]  # once
    listing, _ = say(talk, session, "next steps")
    order = [line.split("|")[2].strip() for line in listing.splitlines() if line[:3] == "| 3"
             or line[:3] in ("| 1", "| 2")]
    assert order == ["Send the customer a status update", "Write the RCA for the customer",
                     "Add a canary for scheduled exports"]
    assert "Done: step #" in say(talk, session, "done: sent the customer a status update")[0]
    assert "is Priya's now" in say(talk, session, "Priya owns the RCA now")[0]
    assert "Dropped step #2" in say(talk, session, "drop step 2, the customer fixed it")[0]
    kinds = [e.kind for e in talk.escalations.get("3", DANA).timeline()]
    assert kinds[-2:] == ["owner", "step-dropped"]
    assert talk.escalations.get("2", DANA).timeline()[-1].kind == "step-done"
    left, _ = say(talk, session, "next steps")
    assert "Add a canary" in left and "RCA" not in left and "status update" not in left


def test_a_leaders_own_step_and_overdue_steps_on_the_board(
        desk: tuple[Desk, list[datetime]], seed: SeverityFramework) -> None:  # noqa: F811
    talk, now = desk
    session = CoachSession(framework=seed)
    said, _ = say(talk, session, "next step: share the framework with the team by Friday")
    assert "Tracking next step #1: share the framework with the team" in said
    now[0] = START + timedelta(days=7)
    board, _ = say(talk, session, "my escalations")
    assert "Overdue next steps: #1 share the framework with the team" in board


def test_the_next_steps_command_lists_the_nearest_due_first(
        tmp_path: Any, monkeypatch: Any, capsys: Any) -> None:
    from coach.cli.main import main
    from coach.settings import get_settings
    from coach.web.escalations import Viewer
    from coach.web.next_steps import NextSteps
    from coach.web.store import Store

    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COACH_NOW", "2026-12-10T10:00:00-05:00")
    get_settings.cache_clear()
    try:
        steps = NextSteps(Store.for_settings(get_settings()))
        steps.add([("Later thing", "Sam", START + timedelta(days=20)),
                   ("Sooner thing", "Dana", START + timedelta(days=2))], Viewer("local"),
                  "tailoring")
        assert main(["next-steps", "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [s["action"] for s in listed] == ["Sooner thing", "Later thing"]
        assert main(["next-steps"]) == 0
        assert "OVERDUE" in capsys.readouterr().out.splitlines()[0]
    finally:
        get_settings.cache_clear()

"""Escalations in the conversation: updates in words, the board, and warnings that come once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.domain import EscalationTicket, Reply, SeverityFramework
from coach.domain.calendar import WorkCalendar
from coach.domain.session import CoachSession
from coach.web.desk import Desk
from coach.web.escalations import Escalations, Viewer
from coach.web.store import Store

NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 1, 10, 0, tzinfo=NY)
DANA = Viewer("dana")


@pytest.fixture
def desk(tmp_path: Path, seed: SeverityFramework) -> tuple[Desk, list[datetime]]:
    now = [START]
    store = Store.open(f"sqlite:///{tmp_path / 'coach.db'}")
    store.migrate()
    escalations = Escalations(store, clock=lambda: now[0])
    framework = seed.model_copy(update={"calendar": WorkCalendar(timezone="America/New_York")})
    for account in ("Globex Corporation", "Globex Ltd", "Initech"):
        escalations.create(_ticket(account, seed), framework, DANA)
    return Desk(escalations, clock=lambda: now[0]), now


def _ticket(account: str, seed: SeverityFramework) -> EscalationTicket:
    return EscalationTicket(
        account=account, severity=2, csm="Dana Li", issue_summary="Exports fail",
        business_impact="Analysts blocked", resolution_requested="Fix it",
        escalation_owner="CS Director", created_at=START,
        response_due=START + timedelta(hours=seed.level(2).response_hours))


def say(desk: Desk, session: CoachSession, text: str) -> tuple[str, bool]:
    """The desk's reply text, and whether the coach (not the desk) answered."""
    answered = []

    def coach() -> list[Reply]:
        answered.append(text)
        return [Reply(text="(the coach)")]

    replies = desk.turn(session, text, DANA, coach)
    return "\n".join(r.text for r in replies), bool(answered)


def test_updates_in_words_change_the_named_escalation(
        desk: tuple[Desk, list[datetime]], seed: SeverityFramework) -> None:
    talk, _ = desk
    session = CoachSession(framework=seed)
    said, by_coach = say(talk, session, "note on Initech: called their CTO at 3pm")
    assert "Noted on **Initech** (#3)" in said and not by_coach
    said, _ = say(talk, session, "sent Globex an update")
    assert "Which one: #1 Globex Corporation, #2 Globex Ltd" in said
    said, _ = say(talk, session, "sent #2 an update")
    assert "Logged a customer update on **Globex Ltd** (#2)" in said
    said, _ = say(talk, session, "make Initech a sev 1, they just threatened to cancel")
    assert "Severity 1 now for **Initech**" in said
    said, _ = say(talk, session, "Initech is waiting on their IT")
    assert "Waiting on customer" in said
    said, _ = say(talk, session, "Initech resolved: hotfix deployed")
    assert "post-escalation review" in said
    escalation = talk.escalations.get("3", DANA)
    assert [e.kind for e in escalation.timeline()] == [
        "created", "note", "severity", "status", "resolved"]
    assert escalation.severity == 1 and escalation.timeline()[2].text == (
        "they just threatened to cancel")
    # Words that name no tracked escalation are the coach's to answer.
    assert say(talk, session, "sent Umbrella an update")[1]
    assert say(talk, session, "what does severity 2 mean?")[1]


def test_the_board_puts_breached_and_at_risk_first(desk: tuple[Desk, list[datetime]],
                                                   seed: SeverityFramework) -> None:
    talk, now = desk
    session = CoachSession(framework=seed)
    say(talk, session, "sent Initech an update")  # Initech's first response is achieved
    now[0] = START + timedelta(hours=5)  # the others' 4 h first responses are overdue
    said, _ = say(talk, session, "my escalations")
    rows = [line for line in said.splitlines() if line.startswith("| ") and "Account" not in line]
    assert [row.split("|")[2].strip() for row in rows] == ["Globex Corporation", "Globex Ltd",
                                                           "Initech"]
    assert "overdue by 1h00m" in rows[0]
    said, _ = say(talk, session, "team escalations")
    assert "Only leaders see the team's escalations" in said


def test_a_clock_warning_comes_once_and_never_as_a_storm(
        desk: tuple[Desk, list[datetime]], seed: SeverityFramework) -> None:
    talk, now = desk
    session = CoachSession(framework=seed)
    assert "Heads up" not in say(talk, session, "hello")[0]
    now[0] = START + timedelta(hours=3, minutes=30)  # 30 of 240 minutes left: at risk
    said, _ = say(talk, session, "hello")
    assert said.count("Heads up") == 1 and "(and 2 more)" in said and "is at risk" in said
    assert "Heads up" not in say(talk, session, "hello")[0]  # no repeat
    now[0] = START + timedelta(hours=4, minutes=1)
    said, _ = say(talk, session, "hello")
    assert said.count("Heads up") == 1 and "is overdue" in said
    assert "Heads up" not in say(talk, session, "hello")[0]


def test_kept_summaries_agree_with_the_events_and_are_rebuilt_when_lost(
        desk: tuple[Desk, list[datetime]], seed: SeverityFramework) -> None:
    from sqlalchemy import text

    from coach.tracking.report import Tracked

    talk, now = desk
    session = CoachSession(framework=seed)
    for said in ("sent Initech an update", "Initech is waiting on their IT",
                 "make Initech a sev 1, threatened to cancel", "Initech resolved: fixed"):
        now[0] += timedelta(minutes=30)
        say(talk, session, said)
    escalations = talk.escalations
    kept = {t.id: t.runs for t in escalations.summaries(DANA)}
    assert kept == {e.id: Tracked.of(e).runs for e in escalations.list(DANA)}
    assert kept["3"].status == "resolved" and kept["3"].severity == 1
    with escalations.store.transaction() as db:  # lost, or damaged by hand
        db.execute(text("UPDATE coach_escalations SET summary = NULL WHERE id = 3"))
        db.execute(text("UPDATE coach_escalations SET summary = '{\"x\": 1}' WHERE id = 2"))
    assert {t.id: t.runs for t in escalations.summaries(DANA)} == kept
    assert escalations.rebuild_summaries() == 3


def test_the_board_shows_reviews_that_are_due(desk: tuple[Desk, list[datetime]],
                                              seed: SeverityFramework) -> None:
    talk, now = desk
    session = CoachSession(framework=seed)
    say(talk, session, "Initech resolved: hotfix deployed")  # a Severity 2: 5 working days
    said, _ = say(talk, session, "my escalations")
    assert "| 3 | Initech | 2 | resolved |" in said and "review due" in said
    now[0] = START + timedelta(days=8)
    assert "review overdue" in say(talk, session, "my escalations")[0]

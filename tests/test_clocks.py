"""SLA clocks on a frozen clock: every state and transition, derived from the events."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.domain import EscalationTicket, SeverityFramework
from coach.domain.calendar import Holidays, WorkCalendar
from coach.domain.escalation import Escalation, Event
from coach.tracking.clocks import clocks

NY = ZoneInfo("America/New_York")
CREATED = datetime(2026, 12, 1, 10, 0, tzinfo=NY)  # a Tuesday


def at(hours: float) -> datetime:
    return CREATED + timedelta(hours=hours)


@pytest.fixture
def framework(seed: SeverityFramework) -> SeverityFramework:
    """The seed (1 h, 4 h, 24 h, 72 h first response) on New York office hours, with level 2
    on business hours, updates every 4 h and resolution within 16 h."""
    levels = [lvl.model_copy(update={"coverage": "business-hours", "update_every_hours": 4,
                                     "resolve_within_hours": 16}) if lvl.level == 2 else lvl
              for lvl in seed.levels]
    calendar = WorkCalendar(timezone="America/New_York", holidays=Holidays(country="US"))
    return seed.model_copy(update={"levels": levels, "calendar": calendar})


def escalation(framework: SeverityFramework, *events: Event, severity: int = 2) -> Escalation:
    level = framework.level(severity)
    ticket = EscalationTicket(
        account="Globex", severity=severity, issue_summary="Exports fail",
        business_impact="60 analysts blocked", actions_taken=["re-ran the jobs"],
        resolution_requested="Fix the exports", timeline_required="today",
        escalation_owner=level.owner, csm="Dana Lee", created_at=CREATED,
        response_due=CREATED + timedelta(hours=level.response_hours))
    created = Event(at=CREATED, by="dana", kind="created", severity=severity)
    return Escalation(id="e1", owner="dana", ticket=ticket, framework=framework,
                      events=[created, *events])


def event(hours: float, kind: str, **fields: object) -> Event:
    return Event.model_validate({"at": at(hours), "by": "dana", "kind": kind, **fields})


def test_a_new_escalation_runs_its_first_response_and_resolution_clocks(
        framework: SeverityFramework) -> None:
    found = clocks(escalation(framework), at(1))
    assert found.first_response.state == "running"
    assert found.first_response.due == datetime(2026, 12, 1, 14, 0, tzinfo=NY)
    assert found.first_response.remaining_minutes == 180 and not found.first_response.at_risk
    assert found.next_update is None  # before the first update
    # 16 covered hours from Tuesday 10:00: 7 on Tuesday, 8 on Wednesday, 1 on Thursday.
    assert found.resolution.due == datetime(2026, 12, 3, 10, 0, tzinfo=NY)
    assert clocks(escalation(framework), at(3.5)).first_response.at_risk  # 30 min of 4 h left
    late = clocks(escalation(framework), at(5)).first_response
    assert (late.state, late.remaining_minutes, late.at_risk) == ("breached", -60, False)


def test_a_customer_update_achieves_the_first_response_and_starts_the_update_clock(
        framework: SeverityFramework) -> None:
    found = clocks(escalation(framework, event(2, "note", text="internal"),
                              event(3, "customer-update", text="sent")), at(3))
    assert found.first_response.state == "achieved"
    assert found.next_update is not None
    assert found.next_update.due == datetime(2026, 12, 1, 17, 0, tzinfo=NY)  # 13:00 + 4 h
    late = clocks(escalation(framework, event(6, "customer-update")), at(6))
    assert late.first_response.state == "breached"  # met, but late


def test_waiting_on_the_customer_pauses_resolution_and_adds_the_pause(
        framework: SeverityFramework) -> None:
    waiting = escalation(framework, event(1, "status", status="waiting-on-customer"))
    paused = clocks(waiting, at(2)).resolution
    assert (paused.state, paused.due, paused.remaining_minutes) == ("paused", None, None)
    back = escalation(framework, event(1, "status", status="waiting-on-customer"),
                      event(3, "status", status="in-progress"))
    # Two covered hours paused: due Thursday 12:00 instead of 10:00.
    assert clocks(back, at(4)).resolution.due == datetime(2026, 12, 3, 12, 0, tzinfo=NY)


def test_resolution_stops_every_clock_and_a_reopening_starts_a_new_cycle(
        framework: SeverityFramework) -> None:
    resolved = escalation(framework, event(2, "resolved", status="resolved", text="hotfix"))
    found = clocks(resolved, at(30))
    assert found.resolution.state == "achieved" and found.first_response.state == "achieved"
    assert found.resolution.remaining_minutes is None
    reopened = escalation(framework, event(2, "resolved", status="resolved"),
                          event(3, "reopened", status="open"),
                          event(3.5, "status", status="closed"),
                          event(4, "reopened", status="in-progress"))
    again = clocks(reopened, at(5))
    assert [c.resolution.state for c in again.cycles] == ["achieved", "achieved"]
    assert again.resolution.state == "running"
    assert again.resolution.due == datetime(2026, 12, 3, 14, 0, tzinfo=NY)  # 14:00 + 16 h


def test_a_severity_change_keeps_the_start_and_uses_the_new_target(
        framework: SeverityFramework) -> None:
    raised = escalation(framework, event(0.5, "severity", severity=1, text="cancel threat"))
    found = clocks(raised, at(0.5))
    assert found.first_response.due == at(1)  # level 1: 1 h, 24x7, from creation
    assert not found.first_response.at_risk  # 30 of 60 minutes left: not a quarter yet
    assert clocks(raised, at(0.8)).first_response.at_risk


def test_events_stamped_earlier_are_ordered_by_time(framework: SeverityFramework) -> None:
    late_entry = escalation(framework, event(5, "note"), event(2, "customer-update"))
    assert clocks(late_entry, at(6)).first_response.state == "achieved"

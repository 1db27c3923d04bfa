"""SLA clocks derived from an escalation's events, as of a given now. Nothing is stored.

- `first_response` starts at creation and is achieved by the first customer update; its target
  is the level's response time in covered time. It is not restarted by a reopening.
- `next_update` is due `update_every_hours` of covered time after each customer update (notes
  do not reset it); it runs in every status but resolved and closed, and is None before the
  first update.
- `resolution` has the level's resolution target; it pauses while waiting on the customer or
  a vendor (the paused covered time is added to its due time) and stops at resolution. A
  reopening starts a new cycle with the full target; earlier cycles are listed.

A clock still running at resolution stops: achieved if the resolution came before its due
time, breached otherwise. A severity change keeps each clock's start and pauses and
recomputes its due time from the new level's target. `at_risk` is true while running with at
most a quarter of the target's covered time left; `remaining_minutes` counts calendar minutes
to the due time, floored, negative once breached; a paused clock has neither.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, Field

from coach.domain.base import Model
from coach.domain.calendar import WorkCalendar, known_zone
from coach.domain.escalation import DONE, PAUSED, Category, Escalation, Status
from coach.domain.framework import SeverityFramework, SeverityLevel
from coach.tracking.business_time import BusinessTime, Coverage, business_time

ClockName = Literal["first_response", "next_update", "resolution"]
AT_RISK_SHARE = 0.25
# The coach's defaults where a framework leaves a level's targets unset (by level number).
DEFAULT_UPDATE_EVERY = {1: 2.0, 2: 4.0, 3: 24.0}
DEFAULT_RESOLVE_WITHIN = {1: 24.0, 2: 72.0, 3: 120.0}
LAST_UPDATE_EVERY, LAST_RESOLVE_WITHIN = 72.0, 240.0


ClockStateName = Literal["running", "paused", "achieved", "breached"]


class ClockState(Model):
    """One clock as of now."""

    due: AwareDatetime | None
    state: ClockStateName
    at_risk: bool
    remaining_minutes: int | None


class Cycle(Model):
    """An earlier resolution cycle, ended by a resolution and then a reopening."""

    started: AwareDatetime
    resolved: AwareDatetime
    resolution: ClockState


class Clocks(Model):
    first_response: ClockState
    next_update: ClockState | None
    resolution: ClockState
    cycles: list[Cycle]


@dataclass(frozen=True)
class Targets:
    """A level's targets, in hours of covered time."""

    response: float
    update_every: float
    resolve_within: float
    coverage: Coverage


def targets(level: SeverityLevel) -> Targets:
    """The level's targets, the coach's defaults filling what the framework leaves unset."""
    return Targets(
        response=level.response_hours,
        update_every=level.update_every_hours or DEFAULT_UPDATE_EVERY.get(level.level,
                                                                          LAST_UPDATE_EVERY),
        resolve_within=level.resolve_within_hours or DEFAULT_RESOLVE_WITHIN.get(
            level.level, LAST_RESOLVE_WITHIN),
        coverage=level.coverage or ("24x7" if level.level == 1 else "business-hours"),
    )


def calendar_of(framework: SeverityFramework) -> WorkCalendar:
    """The framework's calendar; unset, weekdays 09:00-17:00 in its time zone (UTC when it
    has none, or one this machine does not know)."""
    if framework.calendar is not None:
        return framework.calendar
    zone = framework.timezone if known_zone(framework.timezone) else None
    return WorkCalendar(timezone=zone or "UTC")


class Run(Model):
    """A clock's start, pauses and stop, as read from the events."""

    start: AwareDatetime
    pauses: list[tuple[AwareDatetime, AwareDatetime | None]] = Field(default_factory=list)
    stop: AwareDatetime | None = None


class Runs(Model):
    """Everything the clocks need from an escalation's events: its status and severity, and
    each clock's run. Kept beside the escalation (rewritten with each event, and rebuildable
    from them) so a list of thousands needs no events."""

    status: Status
    severity: int
    first: Run
    updates: list[Run] = Field(description="Every update interval, the current one last: each "
                               "starts at a customer update (or a reopening after one) and "
                               "stops at the next update or the resolution.")
    cycles: list[Run]
    category: Category | None = Field(
        default=None, description="The root-cause category set at or after resolution.")
    reviewed: AwareDatetime | None = Field(
        default=None, description="When a complete review was recorded after the latest "
        "resolution; a reopening forgets it.")

    @property
    def update(self) -> Run | None:
        """The current update interval; None before the first customer update."""
        return self.updates[-1] if self.updates else None


def runs(escalation: Escalation) -> Runs:
    """The clocks' runs, read from the events in time order."""
    first = Run(start=escalation.created_at)
    updates: list[Run] = []
    cycles = [Run(start=escalation.created_at)]
    status: Status = "open"
    severity = escalation.ticket.severity
    reviewed, category = None, None
    for event in escalation.timeline():
        severity = event.severity or severity
        category = event.category or category
        cycle = cycles[-1]
        if event.kind == "review" and status in DONE:
            reviewed = event.at
        if event.kind == "customer-update":
            if first.stop is None:
                first.stop = event.at
            if status not in DONE:
                _stop(updates, event.at)
                updates.append(Run(start=event.at))
        if event.status is None or event.status == status:
            continue
        if event.status in DONE:
            if status not in DONE:  # a resolution stops every clock
                _close_pause(cycle, event.at)
                cycle.stop = event.at
                first.stop = first.stop or event.at
                _stop(updates, event.at)
        elif status in DONE:  # reopened: a new resolution cycle with the full target
            cycles.append(Run(start=event.at))
            reviewed = None
            if updates:
                updates.append(Run(start=event.at))
            if event.status in PAUSED:
                cycles[-1].pauses.append((event.at, None))
        elif event.status in PAUSED and status not in PAUSED:
            cycle.pauses.append((event.at, None))
        elif status in PAUSED and event.status not in PAUSED:
            _close_pause(cycle, event.at)
        status = event.status
    return Runs(status=status, severity=severity, first=first, updates=updates, cycles=cycles,
                reviewed=reviewed, category=category)


def clocks(escalation: Escalation, now: datetime) -> Clocks:
    """Every clock of the escalation as of `now`."""
    return clocks_from(runs(escalation), escalation.framework, now)


def clocks_from(found: Runs, framework: SeverityFramework, now: datetime) -> Clocks:
    """Every clock as of `now`, from the runs and the escalation's framework."""
    goal = targets(framework.level(found.severity))
    time = business_time(calendar_of(framework), goal.coverage)
    resolution = [_state(time, run, goal.resolve_within, now) for run in found.cycles]
    return Clocks(
        first_response=_state(time, found.first, goal.response, now),
        next_update=(_state(time, found.update, goal.update_every, now)
                     if found.update is not None else None),
        resolution=resolution[-1],
        cycles=[Cycle(started=run.start, resolved=run.stop, resolution=state)
                for run, state in zip(found.cycles[:-1], resolution[:-1], strict=True)
                if run.stop is not None],
    )


def update_states(found: Runs, framework: SeverityFramework, now: datetime
                  ) -> list[ClockState]:
    """Every update interval's state as of `now`, against the current level's target."""
    goal = targets(framework.level(found.severity))
    time = business_time(calendar_of(framework), goal.coverage)
    return [_state(time, run, goal.update_every, now) for run in found.updates]


def _stop(updates: list[Run], at: datetime) -> None:
    if updates and updates[-1].stop is None:
        updates[-1].stop = at


def _close_pause(run: Run, at: datetime) -> None:
    if run.pauses and run.pauses[-1][1] is None:
        run.pauses[-1] = (run.pauses[-1][0], at)


def _clock(due: datetime | None, state: ClockStateName, at_risk: bool, remaining_minutes: int | None
           ) -> ClockState:
    return ClockState.model_construct(due=due, state=state, at_risk=at_risk,
                                      remaining_minutes=remaining_minutes)


def _state(time: BusinessTime, run: Run, hours: float, now: datetime) -> ClockState:
    """The clock's state (built unvalidated: tens of thousands for a dashboard)."""
    target = timedelta(hours=hours)
    if run.stop is None and run.pauses and run.pauses[-1][1] is None:
        return _clock(due=None, state="paused", at_risk=False, remaining_minutes=None)
    paused = sum((time.covered(start, end or now) for start, end in run.pauses), timedelta())
    due = time.add(run.start, target + paused)
    if run.stop is not None:
        state: Literal["achieved", "breached"] = "achieved" if run.stop <= due else "breached"
        return _clock(due=due, state=state, at_risk=False, remaining_minutes=None)
    remaining = math.floor((due - now).total_seconds() / 60)
    if now > due:
        return _clock(due=due, state="breached", at_risk=False, remaining_minutes=remaining)
    at_risk = time.covered(now, due) <= target * AT_RISK_SHARE
    return _clock(due=due, state="running", at_risk=at_risk, remaining_minutes=remaining)

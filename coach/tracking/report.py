"""An escalation as the `escalations show --json` contract prints it; `Tracked`, the
event-free view that lists and boards use; the list's order and badges."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from coach.domain import SeverityFramework
from coach.domain.base import Model
from coach.domain.escalation import Escalation, Status
from coach.tracking.clocks import Clocks, ClockState, Runs, calendar_of, clocks_from, runs
from coach.tracking.review import review_state


def escalation_json(escalation: Escalation, now: datetime) -> dict[str, Any]:
    """The escalation with its clocks as of `now`; every time ISO 8601 with an offset, in the
    framework's time zone."""
    read = runs(escalation)
    found = clocks_from(read, escalation.framework, now)
    zone = ZoneInfo(calendar_of(escalation.framework).timezone)

    def local(model: Model | None) -> dict[str, Any] | None:
        if model is None:
            return None
        return {k: v.astimezone(zone).isoformat() if isinstance(v, datetime) else
                local(v) if isinstance(v, Model) else v for k, v in model}

    return {
        "id": escalation.id,
        "account": escalation.account,
        "severity": escalation.severity,
        "status": escalation.status,
        "category": read.category,
        "owner": escalation.owner,
        "created_at": escalation.created_at.astimezone(zone).isoformat(),
        "ticket": escalation.ticket.model_dump(mode="json"),
        "events": [{k: v for k, v in (local(e) or {}).items() if v is not None}
                   for e in escalation.timeline()],
        "clocks": {"first_response": local(found.first_response),
                   "next_update": local(found.next_update),
                   "resolution": local(found.resolution)},
        "cycles": [local(c) for c in found.cycles],
        "review": local(review_state(read, escalation.framework, now)),
    }


@dataclass(frozen=True)
class Tracked:
    """An escalation as lists and boards show it: no events, just its clocks' runs."""

    id: str
    account: str
    owner: str
    created_at: datetime
    framework: SeverityFramework
    runs: Runs

    @classmethod
    def of(cls, escalation: Escalation) -> Tracked:
        return cls(escalation.id, escalation.account, escalation.owner, escalation.created_at,
                   escalation.framework, runs(escalation))

    @property
    def status(self) -> Status:
        return self.runs.status

    @property
    def severity(self) -> int:
        return self.runs.severity

    def clocks(self, now: datetime) -> Clocks:
        return clocks_from(self.runs, self.framework, now)


@contextmanager
def paused_collection() -> Iterator[None]:
    """No garbage-collection passes while many objects that all stay alive are made: each
    pass would walk every one made so far (a tenth of a second over 10,000 summaries)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def running(found: Clocks) -> list[ClockState]:
    """The clocks still counting (running, or breached and still counting)."""
    states = [found.first_response, found.next_update, found.resolution]
    return [s for s in states if s is not None and s.remaining_minutes is not None]


def list_order(escalations: list[Tracked], now: datetime,
               known: dict[str, Clocks] | None = None) -> list[Tracked]:
    """Nearest due time first; escalations with no running clock last (newest first).
    `known` holds clocks already worked out as of `now`, by escalation id."""
    def key(escalation: Tracked) -> tuple[int, float]:
        found = known.get(escalation.id) if known else None
        counting = running(found or escalation.clocks(now))
        if not counting:
            return (1, -escalation.created_at.timestamp())
        return (0, min(s.due.timestamp() for s in counting if s.due is not None))

    with paused_collection():
        return sorted(escalations, key=key)


def at_risk(escalation: Tracked, now: datetime) -> bool:
    """Open, with a clock at risk or breached and still counting."""
    return any(s.at_risk or s.state == "breached" for s in running(escalation.clocks(now)))


def line(escalation: Tracked, now: datetime) -> str:
    """One line: id, account, level, status and each clock's badge."""
    return (f"#{escalation.id}  {escalation.account}  sev {escalation.severity}  "
            f"{escalation.status}  " + " · ".join(badges(escalation.clocks(now))))


def badges(found: Clocks) -> list[str]:
    """Each clock as "name: time left", "overdue by", or its final state."""
    named = (("response", found.first_response), ("update", found.next_update),
             ("resolution", found.resolution))
    return [f"{name} {badge(state)}" for name, state in named if state is not None]


def badge(state: ClockState) -> str:
    if state.remaining_minutes is None:
        return state.state
    minutes = state.remaining_minutes
    span = f"{abs(minutes) // 60}h{abs(minutes) % 60:02d}m"
    if minutes < 0:
        return f"overdue by {span}"
    return f"{span} left" + (" (at risk)" if state.at_risk else "")

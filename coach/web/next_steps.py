"""Tracked next steps: an accepted action plan's steps, a recorded review's action items, and a
leader's own steps ("share the framework with the team by Friday"). Each has an owner, a due
time and a status (open, done, or dropped with a reason); each change to a step of an
escalation is an event on its timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.domain import CoachError
from coach.domain.clock import Clock, coach_now
from coach.domain.escalation import Event, EventKind
from coach.domain.review import NextStep, StepSource, StepStatus
from coach.web.escalations import Escalations, Viewer, row_id
from coach.web.store import Store
from coach.web.tables import EscalationEventRow, EscalationRow, NextStepRow


class StepNotFound(CoachError):
    """No open next step with that number that this user may change."""


class NextSteps:
    """Next steps on the coach's store."""

    def __init__(self, store: Store, clock: Clock = coach_now) -> None:
        self.store = store
        self.clock = clock

    def add(self, items: Sequence[tuple[str, str, datetime]], viewer: Viewer,
            source: StepSource, escalation_id: str | None = None) -> list[NextStep]:
        """Track (action, owner, due) items, on an escalation or the viewer's own list."""
        now = self.clock()
        rows = [NextStepRow(team_id=viewer.team, tracker=viewer.user[:64],
                            escalation_id=int(escalation_id) if escalation_id else None,
                            action=action[:1000], owner=owner[:100], due=due, status="open",
                            reason="", source=source, created_at=now)
                for action, owner, due in items]
        with self.store.transaction() as db:
            db.add_all(rows)
        return [self._step(row, None) for row in rows]

    def open(self, viewer: Viewer) -> list[NextStep]:
        """The open steps the viewer may see (a leader: the team's), the nearest due first."""
        query = select(NextStepRow, EscalationRow.account).outerjoin(
            EscalationRow, EscalationRow.id == NextStepRow.escalation_id).where(
            NextStepRow.team_id == viewer.team, NextStepRow.status == "open")
        if not viewer.sees_team:
            query = query.where(NextStepRow.tracker == viewer.user)
        with self.store.reading("read next steps") as db:
            found = [self._step(row, account) for row, account in
                     db.execute(query.order_by(NextStepRow.due, NextStepRow.id))]
        return found

    def done(self, number: str, viewer: Viewer, text: str = "") -> NextStep:
        return self._change(number, viewer, "step-done", status="done", reason=text)

    def drop(self, number: str, viewer: Viewer, reason: str) -> NextStep:
        return self._change(number, viewer, "step-dropped", status="dropped", reason=reason)

    def reassign(self, number: str, viewer: Viewer, owner: str) -> NextStep:
        return self._change(number, viewer, "owner", owner=owner)

    def _change(self, number: str, viewer: Viewer, kind: EventKind, status: str | None = None,
                reason: str = "", owner: str | None = None) -> NextStep:
        with self.store.transaction() as db:
            row = _visible(db, number, viewer)
            if status is not None:
                row.status, row.reason = status, reason.strip()[:1000]
            if owner is not None:
                row.owner = owner.strip()[:100]
            if row.escalation_id is not None:  # the change is on the escalation's timeline
                what = {"step-done": "done", "step-dropped": "dropped", "owner": "now owned by "
                        f"{row.owner}"}[kind]
                said = f"step {row.id} ({row.action}) {what}" + (f": {reason}" if reason else "")
                event = Event(at=self.clock(), by=viewer.user[:64], kind=kind, text=said[:500])
                db.add(EscalationEventRow(escalation_id=row.escalation_id, at=event.at,
                                          by=event.by, kind=event.kind, text=event.text))
            db.flush()
            account = (db.get(EscalationRow, row.escalation_id).account  # type: ignore[union-attr]
                       if row.escalation_id else None)
            step = self._step(row, account)
        if row.escalation_id is not None:  # its summary, rewritten from the events
            Escalations(self.store).resummarise(str(row.escalation_id))
        return step

    @staticmethod
    def _step(row: NextStepRow, account: str | None) -> NextStep:
        return NextStep.model_construct(
            id=str(row.id), escalation_id=str(row.escalation_id) if row.escalation_id else None,
            account=account, action=row.action, owner=row.owner, due=row.due,
            status=cast(StepStatus, row.status), reason=row.reason,
            source=cast(StepSource, row.source))


def _visible(db: Session, number: str, viewer: Viewer) -> NextStepRow:
    digits = row_id(number)
    row = db.get(NextStepRow, digits) if digits is not None else None
    if row is None or row.status != "open" or row.team_id != viewer.team or (
            row.tracker != viewer.user and not viewer.sees_team):
        raise StepNotFound(f"no open next step {number!r} that you can change")
    return row

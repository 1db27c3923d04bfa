"""Escalations in the database: created from confirmed tickets, changed only by appending
events. The CLI, the chat and the browser all call these functions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Text, func, select
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session

from coach.domain import CoachError, EscalationTicket, SeverityFramework, describe_errors
from coach.domain.clock import Clock, coach_now
from coach.domain.escalation import DONE, Category, Escalation, Event, EventKind, Status
from coach.domain.review import PostEscalationReview
from coach.tracking.clocks import Runs, runs
from coach.tracking.report import Tracked, paused_collection
from coach.web.store import TEAM, Store, StoreError
from coach.web.tables import EscalationEventRow, EscalationRow, NextStepRow, ReviewRow

LOCAL_USER = "local"  # the command line's user when none is named


def row_id(text: str) -> int | None:
    """ "3" or "#3" -> 3; None when the text is not a row number."""
    digits = text.strip().lstrip("#")
    return int(digits) if digits.isdigit() and len(digits) < 10 else None


class EscalationNotFound(CoachError):
    """No escalation with that id that this user may see."""


class EscalationInputError(CoachError):
    """An escalation change that does not make sense; one problem per line."""


@dataclass(frozen=True)
class Viewer:
    """Who asks, and whether they see the whole team's escalations (leaders do)."""

    user: str
    team: str = TEAM
    sees_team: bool = False


def viewer_of(store: Store, name: str | None) -> Viewer:
    """A registered user with their role's sight; any other name (none: `local`) is the
    installation's operator, with a leader's."""
    name = (name or "").strip()[:64] or LOCAL_USER
    member = store.member(name)
    if member is None:
        return Viewer(user=name, sees_team=True)
    return Viewer(user=member[0], sees_team=member[1] == "leader")


class Escalations:
    """Tracked escalations on the coach's store."""

    def __init__(self, store: Store, clock: Clock = coach_now) -> None:
        self.store = store
        self.clock = clock

    def create(self, ticket: EscalationTicket, framework: SeverityFramework, viewer: Viewer,
               demo: bool = False) -> Escalation:
        """A new escalation from a confirmed ticket, under a copy of `framework`; `demo` marks
        the demonstration history's."""
        if framework.find(ticket.severity) is None:
            raise EscalationInputError(f"severity {ticket.severity} is not a level of "
                                       f"{framework.name}")
        now = self.clock()
        data = framework.model_dump(mode="json")
        key = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]
        row = EscalationRow(team_id=viewer.team, owner=viewer.user[:64],
                            account=ticket.account[:200], ticket=ticket.model_dump(mode="json"),
                            framework=data, framework_key=key, created_at=now,
                            demo=demo)
        with self.store.transaction() as db:
            db.add(row)
            db.flush()
            db.add(_event_row(row.id, Event(at=now, by=viewer.user, kind="created",
                                            status="open", severity=ticket.severity)))
            _summarise(db, row)
        return self.get(str(row.id), viewer)

    def get(self, escalation_id: str, viewer: Viewer) -> Escalation:
        with self.store.reading("read the escalation") as db:
            row = _visible(db, escalation_id, viewer)
            return _escalation(row, _events(db, row.id), {})

    def summaries(self, viewer: Viewer) -> list[Tracked]:
        """Every escalation the viewer may see, without events: fast for boards and lists.
        A missing or unreadable summary is worked out from the events."""
        table = EscalationRow
        visible = self._visible_query(viewer).with_only_columns(
            table.id, table.account, table.owner, table.created_at, table.framework_key,
            cast_(table.summary, Text).label("summary"))  # as text: pydantic parses it faster
        # (and no ticket or framework per row: thousands of JSON documents)
        found, stale = [], []
        with self.store.reading("read escalations") as db:
            rows = db.execute(visible).all()
            firsts = db.execute(select(table.framework_key, func.min(table.id)).where(
                table.framework_key.in_({row.framework_key for row in rows})).group_by(
                table.framework_key)).all()
            frameworks = {key: _framework(db.get_one(EscalationRow, first), {})
                          for key, first in firsts}
            with paused_collection():  # thousands of small objects at once
                for row in rows:
                    try:
                        summary = Runs.model_validate_json(row.summary or "")
                    except ValidationError:
                        stale.append(str(row.id))
                        continue
                    found.append(Tracked(str(row.id), row.account, row.owner,
                                         row.created_at, frameworks[row.framework_key], summary))
        self.resummarise(*stale)  # an older version's summary, or none: rebuilt and kept
        found += [Tracked.of(self.get(number, viewer)) for number in stale]
        return sorted(found, key=lambda t: int(t.id))

    def resummarise(self, *escalation_ids: str) -> None:
        """Rewrite escalations' summaries from their events (after a change made elsewhere)."""
        if not escalation_ids:
            return
        with self.store.transaction() as db:
            for escalation_id in escalation_ids:
                row = db.get(EscalationRow, int(escalation_id))
                if row is not None:
                    _summarise(db, row)

    def rebuild_summaries(self) -> int:
        """Work every summary out again from the events; returns how many."""
        with self.store.transaction() as db:
            rows = list(db.scalars(select(EscalationRow)))
            for row in rows:
                _summarise(db, row)
        return len(rows)

    def _visible_query(self, viewer: Viewer) -> Any:
        query = select(EscalationRow).where(EscalationRow.team_id == viewer.team)
        if not viewer.sees_team:
            query = query.where(EscalationRow.owner == viewer.user)
        return query.order_by(EscalationRow.id)

    def list(self, viewer: Viewer) -> list[Escalation]:
        """Every escalation the viewer may see, in every status, with its events."""
        with self.store.reading("read escalations") as db:
            rows = list(db.scalars(self._visible_query(viewer)))
            events: dict[int, list[Any]] = {row.id: [] for row in rows}
            table = EscalationEventRow
            visible = self._visible_query(viewer).with_only_columns(EscalationRow.id)
            for event in db.execute(select(  # plain rows: thousands of ORM objects are slow
                    table.escalation_id, table.at, table.by, table.kind, table.text,
                    table.status, table.severity, table.category, table.ref).where(
                    table.escalation_id.in_(visible.scalar_subquery())).order_by(table.id)):
                events[event.escalation_id].append(event)
            frameworks: dict[str, SeverityFramework] = {}  # each distinct one read once
            return [_escalation(row, events[row.id], frameworks) for row in rows]

    def log(self, escalation_id: str, text: str, kind: EventKind, viewer: Viewer
            ) -> Escalation:
        """A customer update or an internal note."""
        if kind not in ("customer-update", "note"):
            raise EscalationInputError(f"log a customer-update or a note, not {kind!r}")
        if not text.strip():
            raise EscalationInputError("the text is empty; say what was sent or noted")
        return self._append(escalation_id, viewer, kind=kind, text=text.strip())

    def set_status(self, escalation_id: str, status: Status, viewer: Viewer,
                   reason: str = "", category: Category | None = None) -> Escalation:
        """A new status; a resolution may carry its root-cause category."""
        current = self.get(escalation_id, viewer).status
        if status == current:
            raise EscalationInputError(f"escalation {escalation_id} is already {status}")
        if category is not None and status not in DONE:
            raise EscalationInputError("a root-cause category is set at resolution")
        kind: EventKind = ("resolved" if status == "resolved" else
                           "reopened" if current in DONE and status not in DONE else "status")
        return self._append(escalation_id, viewer, kind=kind, text=reason.strip(),
                            status=status, category=category)

    def set_category(self, escalation_id: str, category: Category, viewer: Viewer
                     ) -> Escalation:
        """The root-cause category of a resolved escalation, set after its resolution."""
        if self.get(escalation_id, viewer).status not in DONE:
            raise EscalationInputError(f"escalation {escalation_id} is not resolved yet: its "
                                       "root-cause category is set at resolution")
        return self._append(escalation_id, viewer, kind="category", category=category)

    def set_severity(self, escalation_id: str, level: int, viewer: Viewer, reason: str
                     ) -> Escalation:
        escalation = self.get(escalation_id, viewer)
        if escalation.framework.find(level) is None:
            valid = ", ".join(str(lvl.level) for lvl in escalation.framework.levels)
            raise EscalationInputError(f"no severity level {level}; valid levels are {valid}")
        if not reason.strip():
            raise EscalationInputError("give the reason for the new severity (--reason)")
        if level == escalation.severity:
            raise EscalationInputError(f"escalation {escalation_id} is already severity {level}")
        return self._append(escalation_id, viewer, kind="severity", text=reason.strip(),
                            severity=level)

    def record_review(self, escalation_id: str, review: PostEscalationReview, viewer: Viewer
                      ) -> Escalation:
        """Record a complete review of a resolved escalation (an event on its timeline)."""
        if self.get(escalation_id, viewer).status not in DONE:
            raise EscalationInputError(f"escalation {escalation_id} is not resolved yet: "
                                       "review it once it is")
        now = self.clock()
        with self.store.transaction() as db:
            row = _visible(db, escalation_id, viewer)
            db.add(ReviewRow(escalation_id=row.id, data=review.model_dump(mode="json"),
                             status="done", at=now, by=viewer.user[:64]))
            db.add_all(NextStepRow(  # its action items are tracked as next steps
                team_id=row.team_id, tracker=row.owner, escalation_id=row.id,
                action=item.action[:1000], owner=item.owner[:100], due=item.due,
                status="open", reason="", source="review", created_at=now)
                for item in review.action_items)
        return self._append(escalation_id, viewer, kind="review",
                            text=f"post-escalation review recorded: {review.summary}"[:500])

    def reviews(self, escalation_id: str, viewer: Viewer) -> Sequence[PostEscalationReview]:
        """The escalation's recorded reviews, oldest first."""
        with self.store.reading("read reviews") as db:
            row = _visible(db, escalation_id, viewer)
            found = db.scalars(select(ReviewRow.data).where(
                ReviewRow.escalation_id == row.id).order_by(ReviewRow.id))
            return [PostEscalationReview.model_validate(data) for data in found]

    def record_push(self, escalation_id: str, ref: str, link: str, viewer: Viewer
                    ) -> Escalation:
        """A push to another tool succeeded: its ticket (`ref`, "zendesk:123") and link."""
        return self._append(escalation_id, viewer, kind="pushed", text=link[:500], ref=ref)

    def _append(self, escalation_id: str, viewer: Viewer, **fields: Any) -> Escalation:
        with self.store.transaction() as db:
            row = _visible(db, escalation_id, viewer)
            try:
                event = Event(at=self.clock(), by=viewer.user[:64], **fields)
            except ValidationError as exc:
                raise EscalationInputError("\n".join(describe_errors(exc))) from exc
            db.add(_event_row(row.id, event))
            db.flush()
            _summarise(db, row)  # in the same transaction as the event
        return self.get(escalation_id, viewer)


def _framework(row: EscalationRow, frameworks: dict[str, SeverityFramework]
               ) -> SeverityFramework:
    """The row's framework, read once per distinct framework."""
    framework = frameworks.get(row.framework_key)
    if framework is None:
        try:
            framework = SeverityFramework.model_validate(row.framework)
        except ValidationError as exc:
            raise StoreError(f"escalation {row.id}'s framework cannot be read "
                             f"({exc.error_count()} problems)") from exc
        frameworks[row.framework_key] = framework
    return framework


def _summarise(db: Session, row: EscalationRow) -> None:
    """Rewrite the row's summary from all its events."""
    row.summary = runs(_escalation(row, _events(db, row.id), {})).model_dump(mode="json")


def _visible(db: Session, escalation_id: str, viewer: Viewer) -> EscalationRow:
    number = row_id(escalation_id)
    row = db.get(EscalationRow, number) if number is not None else None
    if row is None or row.team_id != viewer.team or (
            row.owner != viewer.user and not viewer.sees_team):
        raise EscalationNotFound(f"no escalation {escalation_id!r} that you can see")
    return row


def _events(db: Session, escalation_id: int) -> list[Any]:
    return list(db.scalars(select(EscalationEventRow).where(
        EscalationEventRow.escalation_id == escalation_id).order_by(EscalationEventRow.id)))


def _event_row(escalation_id: int, event: Event) -> EscalationEventRow:
    return EscalationEventRow(escalation_id=escalation_id, at=event.at, by=event.by,
                              kind=event.kind, text=event.text, status=event.status,
                              severity=event.severity, category=event.category,
                              ref=event.ref)


def _escalation(row: EscalationRow, events: list[Any],
                frameworks: dict[str, SeverityFramework]) -> Escalation:
    """The escalation as stored. Events were validated when they were written, so they are
    read back without validating again: a list of thousands stays fast."""
    try:
        framework = _framework(row, frameworks)
        return Escalation.model_construct(
            id=str(row.id), owner=row.owner, team_id=row.team_id,
            ticket=EscalationTicket.model_validate(row.ticket), framework=framework,
            events=[Event.model_construct(at=e.at, by=e.by, kind=cast(EventKind, e.kind),
                                          text=e.text, status=cast(Status | None, e.status),
                                          severity=e.severity,
                                          category=cast(Category | None, e.category),
                                          ref=e.ref)
                    for e in events])
    except ValidationError as exc:
        raise StoreError(f"escalation {row.id} cannot be read ({exc.error_count()} problems)"
                         ) from exc

"""A demonstration history: `coach demo seed` writes synthetic escalations through the same
functions the app uses (create, log, status, severity, review, next steps), each at its own
simulated time, ending at now; `coach demo clear` removes exactly what it wrote.

The same seed gives the same history. About 10/25/40/25% of escalations are Severity 1-4;
first responses, updates and resolutions mostly land inside their targets, some after
(log-normal shares of the target, about one in eight late); some wait on the customer, some
change level, some reopen; resolved ones get a root-cause category, and levels that need a
review mostly get one, with action items, some still open past their due time.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import delete, select

from coach.domain import EscalationTicket, SeverityFramework, TicketDraft
from coach.domain.escalation import CATEGORIES, Category
from coach.domain.review import ActionItem, PostEscalationReview, TimelineEntry
from coach.tracking.business_time import BusinessTime, business_time
from coach.tracking.clocks import Targets, calendar_of, targets
from coach.web.escalations import Escalations, Viewer
from coach.web.next_steps import NextSteps
from coach.web.store import TEAM, Store
from coach.web.tables import EscalationEventRow, EscalationRow, NextStepRow, ReviewRow

ACCOUNTS = ("Globex Corporation", "Initech", "Umbrella Health", "Marchetti Logistics SpA",
            "Northwind Traders", "Acme Analytics", "Hooli Cloud", "Stark Freight GmbH",
            "Wayne Biotech", "Soylent Foods", "Vandelay Imports", "Cyberdyne Retail",
            "Tyrell Mobility", "Oceanic Air", "Pied Piper", "Aperture Learning",
            "Blue Sun Energy", "Kestrel Insurance", "Nakatomi Trading", "Wonka Confections",
            "Gringotts Payments", "Monarch Media", "Zorg Industries", "Sterling Cooper")
CSMS = (("dana.li", "Dana Li"), ("omar.haddad", "Omar Haddad"), ("priya.nair", "Priya Nair"),
        ("sam.okafor", "Sam Okafor"), ("lena.fischer", "Lena Fischer"),
        ("marco.rossi", "Marco Rossi"))
ISSUES = {1: ("Platform down for every user since the deploy", "all 1,200 users blocked"),
          2: ("Reporting module failing for the finance team", "month-end close at risk"),
          3: ("CSV exports time out above 10,000 rows", "two analysts on a workaround"),
          4: ("Request to rename dashboard labels", "cosmetic, no work blocked")}
LEVEL_SHARES = (10, 25, 40, 25)
CATEGORY_SHARES = (30, 15, 5, 10, 12, 10, 8, 6, 4)  # in CATEGORIES' order
LATE = math.log(0.45), 0.7  # log-normal share of a target: median 0.45, ~13% past 1


class _SimulatedClock:
    """The time the next change is written at."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def seed(store: Store, framework: SeverityFramework, count: int, seed_value: int, days: int,
         now: datetime, team: str = TEAM) -> int:
    """Write `count` demo escalations opened over the `days` before `now`; returns how many."""
    rng = random.Random(seed_value)
    clock = _SimulatedClock(now)
    escalations = Escalations(store, clock)
    steps = NextSteps(store, clock)
    span = timedelta(days=days).total_seconds()
    opened = sorted(now - timedelta(minutes=rng.randint(60, int(span // 60)))
                    for _ in range(count))
    numbers = [level.level for level in framework.levels]
    shares = [LEVEL_SHARES[i] if i < len(LEVEL_SHARES) else 10 for i in range(len(numbers))]
    for created in opened:
        login, name = rng.choice(CSMS)
        level = rng.choices(numbers, shares)[0]
        story = _Story(rng, clock, escalations, steps, framework, now,
                       Viewer(login, team, sees_team=True))
        story.tell(created, level, rng.choice(ACCOUNTS), name)
    return count


def clear(store: Store, team: str = TEAM) -> int:
    """Remove every demo escalation of the team, with its events, reviews and next steps."""
    with store.transaction() as db:
        ids = list(db.scalars(select(EscalationRow.id).where(
            EscalationRow.team_id == team, EscalationRow.demo.is_(True))))
        for table in (NextStepRow, ReviewRow, EscalationEventRow):
            db.execute(delete(table).where(table.escalation_id.in_(ids)))
        db.execute(delete(EscalationRow).where(EscalationRow.id.in_(ids)))
    return len(ids)


class _Story:
    """One escalation's life, written change by change until now."""

    def __init__(self, rng: random.Random, clock: _SimulatedClock, escalations: Escalations,
                 steps: NextSteps, framework: SeverityFramework, now: datetime,
                 viewer: Viewer) -> None:
        self.rng, self.clock, self.escalations, self.steps = rng, clock, escalations, steps
        self.framework, self.now, self.viewer = framework, now, viewer
        self.id = ""

    def tell(self, created: datetime, level: int, account: str, csm: str) -> None:
        summary, impact = ISSUES.get(level, ISSUES[4])
        draft = TicketDraft(
            account=account, severity=level, csm=csm, issue_summary=summary,
            business_impact=impact, actions_taken=["Reproduced the problem",
                                                   "Opened an engineering ticket"],
            resolution_requested="A fix, or a workaround with a date for the fix",
            escalation_owner=self.framework.level(level).owner)
        self.clock.at = created
        ticket = EscalationTicket.from_draft(draft, self.framework, created)
        self.id = self.escalations.create(ticket, self.framework, self.viewer, demo=True).id
        goal, time = self._goal(level)
        at = self._after(time, created, goal.response)
        if not self._at(at, lambda: self._update("Acknowledged; engineering is on it.")):
            return
        if self.rng.random() < 0.06:
            numbers = [lvl.level for lvl in self.framework.levels]
            level = self.rng.choice([n for n in numbers if abs(n - level) == 1])
            if not self._at(at + timedelta(minutes=self.rng.randint(10, 90)), lambda: (
                    self.escalations.set_severity(self.id, level, self.viewer,
                                                  "impact re-assessed with the customer"))):
                return
            goal, time = self._goal(level)
        worked = self._work(time, goal, self.clock.at,
                            self._after(time, created, goal.resolve_within))
        if worked is None:
            return
        resolved = worked
        category: Category = self.rng.choices(CATEGORIES, CATEGORY_SHARES)[0]
        if not self._at(resolved, lambda: self.escalations.set_status(
                self.id, "resolved", self.viewer, "fix deployed and confirmed", category)):
            return
        if self.rng.random() < 0.08:  # it comes back
            back = resolved + timedelta(minutes=self.rng.randint(12 * 60, 72 * 60))
            if not self._at(back, lambda: self.escalations.set_status(
                    self.id, "in-progress", self.viewer, "the problem came back")):
                return
            again = self._work(time, goal, back, self._after(time, back, goal.resolve_within))
            if again is None or not self._at(again, lambda: self.escalations.set_status(
                    self.id, "resolved", self.viewer, "second fix confirmed")):
                return
            resolved = again
        self._review(level, resolved)

    def _goal(self, level: int) -> tuple[Targets, BusinessTime]:
        goal = targets(self.framework.level(level))
        return goal, business_time(calendar_of(self.framework), goal.coverage)

    def _after(self, time: BusinessTime, start: datetime, hours: float) -> datetime:
        share = self.rng.lognormvariate(*LATE)
        return time.add(start, timedelta(minutes=max(1, round(hours * share * 60))))

    def _at(self, at: datetime, change: Callable[[], object]) -> bool:
        """Make the change at `at`; False (and nothing written) when that is after now."""
        if at > self.now:
            return False
        self.clock.at = max(at, self.clock.at)
        change()
        return True

    def _update(self, text: str) -> object:
        return self.escalations.log(self.id, text, "customer-update", self.viewer)

    def _work(self, time: BusinessTime, goal: Targets, start: datetime, end: datetime
              ) -> datetime | None:
        """Updates (and perhaps a wait on the customer) until the resolution, `end` plus any
        wait; returns the resolution's time, None when now came first."""
        at = start
        if self.rng.random() < 0.3:
            waits = at + timedelta(minutes=self.rng.randint(60, 240))
            if waits < end:
                back = waits + timedelta(minutes=self.rng.randint(240, 1800))
                if not (self._at(waits, lambda: self.escalations.set_status(
                        self.id, "waiting-on-customer", self.viewer, "logs requested")) and
                        self._at(back, lambda: self.escalations.set_status(
                            self.id, "in-progress", self.viewer, "logs received"))):
                    return None
                end += back - waits
                at = back
        for _ in range(8):
            at = self._after(time, at, goal.update_every)
            if at >= end:
                break
            if not self._at(at, lambda: self._update("Progress update sent.")):
                return None
        return max(end, self.clock.at)

    def _review(self, level: int, resolved: datetime) -> None:
        days = self.framework.level(level).review_within_business_days
        if days is None or self.rng.random() < 0.25:
            return
        at = resolved + timedelta(minutes=self.rng.randint(1440, (days + 3) * 1440))
        items = [ActionItem(action=action, owner=owner,
                            due=at + timedelta(days=self.rng.randint(5, 21)))
                 for action, owner in self.rng.sample(
                     [("Add an alert on the failing job", "Support Engineering Lead"),
                      ("Write the runbook for this failure", "Dana Li"),
                      ("Brief the account team on the fix", "Omar Haddad")], 2)]
        review = PostEscalationReview(
            summary="Resolved; the cause is understood", impact="Users blocked for hours",
            timeline=[TimelineEntry(at=resolved, event="resolution confirmed")],
            root_cause="A change shipped without a check", detection="The customer told us",
            action_items=items)
        if not self._at(at, lambda: self.escalations.record_review(self.id, review,
                                                                   self.viewer)):
            return
        for step in self.steps.open(self.viewer):
            if step.escalation_id == self.id and self.rng.random() < 0.5:
                self._at(step.due - timedelta(minutes=self.rng.randint(0, 3 * 1440)),
                         partial(self.steps.done, step.id, self.viewer))

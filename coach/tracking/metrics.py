"""Escalation metrics for a leader's dashboard, computed from the tracked history as of now.

The README's "Metrics" section defines every figure; in short:
- The range is a span of dates in the team calendar's time zone, both ends inclusive; an
  escalation belongs to it by the date it was opened. Every per-level figure uses the
  escalation's current level.
- `first_response` and `resolution` count the escalations whose clock (the current cycle, for
  resolution) is achieved or breached now; running and paused clocks count in neither.
  `next_update` counts update intervals that met or missed their due time. Attainment is
  achieved / (achieved + breached), None when both are 0.
- Times are whole minutes (rounded half up) from the clock's start to its stop, in covered
  time (the level's coverage) and in calendar time; resolution leaves out paused time.
  Medians and p90 are nearest-rank percentiles; means have one decimal.
- Open work (open, at risk, breached now, reviews due and overdue, action items overdue) is
  the state now, over every escalation in scope, whatever the range.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, Field

from coach.domain.base import Model
from coach.domain.escalation import CATEGORIES, DONE
from coach.domain.review import NextStep
from coach.tracking.business_time import BusinessTime, business_time
from coach.tracking.clocks import Clocks, ClockState, calendar_of, targets, update_states
from coach.tracking.report import Tracked, badges, list_order, paused_collection, running
from coach.tracking.review import review_state
from coach.tracking.trend import REPEAT_DAYS

MINUTE = timedelta(minutes=1)
BUCKET_EDGES = (15, 60, 240, 480, 1440, 4320)  # minutes: a bucket holds times below its edge
BUCKET_LABELS = ("< 15 min", "15-60 min", "1-4 h", "4-8 h", "8-24 h", "1-3 days", "3+ days")
AT_RISK_ROWS = 20


class Attainment(Model):
    """A clock's outcomes: achieved and breached counts, and their ratio."""

    achieved: int = 0
    breached: int = 0
    attainment: float | None = Field(default=None, description="achieved / (achieved + "
                                     "breached), 3 decimals; None when both are 0.")


class TimedClock(Attainment):
    """Outcomes and elapsed times of the clocks that stopped."""

    measured: int = Field(default=0, description="How many clocks stopped: the times' count.")
    median_minutes: int | None = None
    mean_minutes: float | None = None
    p90_minutes: int | None = None
    median_calendar_minutes: int | None = None
    mean_calendar_minutes: float | None = None
    p90_calendar_minutes: int | None = None


class LevelFigures(Model):
    opened: int = 0
    reopened: int = 0
    breaches: int = 0
    first_response: TimedClock = Field(default_factory=TimedClock)
    resolution: TimedClock = Field(default_factory=TimedClock)
    next_update: Attainment = Field(default_factory=Attainment)


class Week(Model):
    week_start: date
    by_level: dict[str, int]


class WeekCount(Model):
    week_start: date
    count: int


class Breaches(Model):
    """Breached clocks (both clocks and every missed update) of the range's escalations."""

    by_level: dict[str, int]
    by_owner: dict[str, int]
    by_week: list[WeekCount] = Field(description="By the week the clock fell due.")


class Bucket(Model):
    label: str
    by_level: dict[str, int]


class MonthCategories(Model):
    month: str
    by_category: dict[str, int]


class RepeatAccount(Model):
    account: str
    opened: int = Field(description="Its escalations opened in the range.")


class AtRisk(Model):
    id: str
    account: str
    severity: int
    owner: str
    status: str
    breached: bool
    clocks: str


class Metrics(Model):
    """The figures, as `coach metrics --json` prints them."""

    since: date | None
    until: date | None
    now: AwareDatetime
    timezone: str
    scope: Literal["own", "team"]
    level: int | None
    opened: int
    reopened_share: float | None
    repeat_accounts: list[RepeatAccount]
    levels: dict[str, LevelFigures]
    open: int
    at_risk: int = Field(description="Open escalations with a clock at risk and none breached.")
    breached_now: int = Field(description="Open escalations with a clock breached and counting.")
    reviews_due: int
    reviews_overdue: int
    action_items_overdue: int
    weekly: list[Week]
    first_response_distribution: list[Bucket] = Field(
        description="Stopped first-response clocks by covered time, per level.")
    breaches: Breaches
    categories: list[MonthCategories]
    at_risk_now: list[AtRisk]


@dataclass(frozen=True)
class Scope:
    """What to count: a date range in the team's zone, a level, whose escalations."""

    since: date | None = None
    until: date | None = None
    level: int | None = None
    team: bool = False

    def covers(self, day: date) -> bool:
        return ((self.since is None or day >= self.since)
                and (self.until is None or day <= self.until))


def metrics(escalations: Sequence[Tracked], steps: Sequence[NextStep], scope: Scope,
            levels: Sequence[int], now: datetime, timezone: str) -> Metrics:
    """The figures over `escalations` (already the viewer's) and their open `steps`."""
    zone = ZoneInfo(timezone)
    shown = [e for e in escalations if scope.level is None or e.severity == scope.level]
    chosen = [e for e in shown if scope.covers(_day(e.created_at, zone))]
    numbers = sorted({*levels, *(e.severity for e in shown)} if scope.level is None
                     else {scope.level})
    with paused_collection():  # each escalation's clocks, worked out once
        known = {e.id: e.clocks(now) for e in shown}
    figures = {n: _Level() for n in numbers}
    breaches: list[tuple[Tracked, datetime]] = []
    for escalation in chosen:
        breaches += figures[escalation.severity].add(escalation, known[escalation.id], now)
    urgent = [e for e in shown if e.status not in DONE and _urgent(known[e.id])]
    opened = len(chosen)
    reopened = sum(len(e.runs.cycles) > 1 for e in chosen)
    return Metrics(
        since=scope.since, until=scope.until, now=now, timezone=timezone,
        scope="team" if scope.team else "own", level=scope.level, opened=opened,
        reopened_share=round(reopened / opened, 3) if opened else None,
        repeat_accounts=_repeats(chosen, escalations),
        levels={str(n): level.figures() for n, level in figures.items()},
        **_open_work(shown, known, steps, scope, now),
        weekly=_weekly(chosen, scope, numbers, now, zone),
        breaches=Breaches(
            by_level={str(n): level.breaches for n, level in figures.items()},
            by_owner=dict(sorted(Counter(e.owner for e, _ in breaches).items(),
                                 key=lambda item: (-item[1], item[0]))),
            by_week=[WeekCount(week_start=week, count=n) for week, n in sorted(
                Counter(_week(_day(due, zone)) for _, due in breaches).items())]),
        first_response_distribution=_distribution(figures),
        categories=_categories(chosen, zone),
        at_risk_now=[_at_risk_row(e, known[e.id])
                     for e in list_order(urgent, now, known)[:AT_RISK_ROWS]],
    )


class _Level:
    """One level's tallies while the escalations are read."""

    def __init__(self) -> None:
        self.opened = self.reopened = self.breaches = 0
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.covered: dict[str, list[int]] = defaultdict(list)
        self.calendar: dict[str, list[int]] = defaultdict(list)

    def add(self, escalation: Tracked, found: Clocks, now: datetime
            ) -> list[tuple[Tracked, datetime]]:
        """Count one escalation (with its clocks as of now); returns its breaches with their
        due times."""
        self.opened += 1
        self.reopened += len(escalation.runs.cycles) > 1
        states: list[tuple[str, ClockState]] = [("first_response", found.first_response),
                                                ("resolution", found.resolution)]
        states += [("next_update", s) for s in update_states(escalation.runs,
                                                              escalation.framework, now)]
        breached = []
        for name, state in states:
            self.counts[name][state.state] += 1
            if state.state == "breached" and state.due is not None:
                breached.append((escalation, state.due))
        self.breaches += len(breached)
        time = _time(escalation)
        first, cycle = escalation.runs.first, escalation.runs.cycles[-1]
        if first.stop is not None:
            self._time("first_response", time.covered(first.start, first.stop),
                       first.stop - first.start)
        if cycle.stop is not None:
            pauses = [(a, b or cycle.stop) for a, b in cycle.pauses]
            self._time("resolution",
                       time.covered(cycle.start, cycle.stop)
                       - sum((time.covered(a, b) for a, b in pauses), timedelta()),
                       cycle.stop - cycle.start - sum((b - a for a, b in pauses), timedelta()))
        return breached

    def _time(self, clock: str, covered: timedelta, calendar: timedelta) -> None:
        self.covered[clock].append(whole_minutes(covered))
        self.calendar[clock].append(whole_minutes(calendar))

    def figures(self) -> LevelFigures:
        return LevelFigures(
            opened=self.opened, reopened=self.reopened, breaches=self.breaches,
            first_response=self._timed("first_response"), resolution=self._timed("resolution"),
            next_update=Attainment(**_outcomes(self.counts["next_update"])))

    def _timed(self, clock: str) -> TimedClock:
        covered, calendar = sorted(self.covered[clock]), sorted(self.calendar[clock])
        return TimedClock(
            **_outcomes(self.counts[clock]), measured=len(covered),
            median_minutes=nearest_rank(covered, 50), mean_minutes=mean(covered),
            p90_minutes=nearest_rank(covered, 90),
            median_calendar_minutes=nearest_rank(calendar, 50),
            mean_calendar_minutes=mean(calendar), p90_calendar_minutes=nearest_rank(calendar, 90))


def whole_minutes(span: timedelta) -> int:
    """Minutes, rounded half up."""
    return math.floor(span / MINUTE + 0.5)


def nearest_rank(ordered: Sequence[int], percent: int) -> int | None:
    """The nearest-rank percentile of sorted values: the ceil(p% of n)-th smallest."""
    if not ordered:
        return None
    return ordered[max(1, math.ceil(percent * len(ordered) / 100)) - 1]


def mean(values: Sequence[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _outcomes(counts: Counter[str]) -> dict[str, int | float | None]:
    achieved, breached = counts["achieved"], counts["breached"]
    total = achieved + breached
    return {"achieved": achieved, "breached": breached,
            "attainment": round(achieved / total, 3) if total else None}


def _time(escalation: Tracked) -> BusinessTime:
    goal = targets(escalation.framework.level(escalation.severity))
    return business_time(calendar_of(escalation.framework), goal.coverage)


def _day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _week(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def _urgent(found: Clocks) -> bool:
    return any(s.at_risk or s.state == "breached" for s in running(found))


def _open_work(shown: Sequence[Tracked], known: dict[str, Clocks], steps: Sequence[NextStep],
               scope: Scope, now: datetime) -> dict[str, int]:
    live = [e for e in shown if e.status not in DONE]
    counting = [running(known[e.id]) for e in live]
    breached = sum(any(s.state == "breached" for s in c) for c in counting)
    at_risk = sum(any(s.at_risk for s in c) and not any(s.state == "breached" for s in c)
                  for c in counting)
    reviews = Counter(state.status for e in shown
                      if (state := review_state(e.runs, e.framework, now)) is not None)
    ids = {e.id for e in shown}
    overdue = sum(s.due < now for s in steps if s.status == "open" and (
        scope.level is None or s.escalation_id in ids))
    return {"open": len(live), "at_risk": at_risk, "breached_now": breached,
            "reviews_due": reviews["due"], "reviews_overdue": reviews["overdue"],
            "action_items_overdue": overdue}


def _weekly(chosen: Sequence[Tracked], scope: Scope, numbers: Sequence[int], now: datetime,
            zone: ZoneInfo) -> list[Week]:
    """Every week of the range (all time: from the first escalation), Monday first."""
    days = [_day(e.created_at, zone) for e in chosen]
    first = scope.since or (min(days) if days else None)
    if first is None:
        return []
    last = scope.until or max([_day(now, zone), *days])
    counts = Counter((_week(day), e.severity) for day, e in zip(days, chosen, strict=True))
    weeks, week = [], _week(first)
    while week <= last:
        weeks.append(Week(week_start=week, by_level={str(n): counts[(week, n)]
                                                     for n in numbers}))
        week += timedelta(days=7)
    return weeks


def _distribution(figures: dict[int, _Level]) -> list[Bucket]:
    """Times to first response (covered minutes) in buckets: under 15 min, under 1 h, ..."""
    counts = {n: Counter(bisect.bisect_right(BUCKET_EDGES, minutes)
                         for minutes in level.covered["first_response"])
              for n, level in figures.items()}
    return [Bucket(label=label, by_level={str(n): found[i] for n, found in counts.items()})
            for i, label in enumerate(BUCKET_LABELS)]


def _categories(chosen: Sequence[Tracked], zone: ZoneInfo) -> list[MonthCategories]:
    """Root-cause categories by the month opened; none set counts as "other"."""
    months: dict[str, Counter[str]] = defaultdict(Counter)
    for escalation in chosen:
        months[f"{escalation.created_at.astimezone(zone):%Y-%m}"][
            escalation.runs.category or "other"] += 1
    return [MonthCategories(month=month, by_category={c: months[month][c] for c in CATEGORIES})
            for month in sorted(months)]


def _repeats(chosen: Sequence[Tracked], everything: Sequence[Tracked]) -> list[RepeatAccount]:
    """Accounts with an escalation in the range and another opened within 90 days of it."""
    opened: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for escalation in everything:
        opened[escalation.account.casefold()].append((escalation.id, escalation.created_at))
    window = timedelta(days=REPEAT_DAYS)
    repeat: Counter[str] = Counter()
    names: dict[str, str] = {}
    for escalation in chosen:
        key = escalation.account.casefold()
        if any(other != escalation.id and abs(at - escalation.created_at) <= window
               for other, at in opened[key]):
            repeat[key] += 1
            names.setdefault(key, escalation.account)
    return [RepeatAccount(account=names[key], opened=n)
            for key, n in sorted(repeat.items(), key=lambda item: (-item[1], item[0]))]


def _at_risk_row(escalation: Tracked, found: Clocks) -> AtRisk:
    return AtRisk(id=escalation.id, account=escalation.account, severity=escalation.severity,
                  owner=escalation.owner, status=escalation.status,
                  breached=any(s.state == "breached" for s in running(found)),
                  clocks=" · ".join(badges(found)))

"""A deliberately simple recomputation of the dashboard's figures from the events, written
apart from coach.tracking: day-by-day covered time on UTC office hours (weekdays 09:00-17:00)
or all hours, every clock walked from the raw events, plain percentiles. It supports only
frameworks that set every target and have the default calendar."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

from coach.domain.escalation import Escalation

DONE, PAUSED = {"resolved", "closed"}, {"waiting-on-customer", "waiting-on-vendor"}
ZERO = timedelta(0)


def office(day: Any, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def covered(a: datetime, b: datetime, business: bool) -> timedelta:
    if b <= a:
        return ZERO
    if not business:
        return b - a
    total, day = ZERO, a.astimezone(UTC).date()
    while day <= b.astimezone(UTC).date():
        if day.weekday() < 5:
            lo, hi = max(a, office(day, 9)), min(b, office(day, 17))
            total += max(hi - lo, ZERO)
        day += timedelta(days=1)
    return total


def due(start: datetime, amount: timedelta, business: bool) -> datetime:
    if not business:
        return start + amount
    day = start.astimezone(UTC).date()
    while True:
        if day.weekday() < 5:
            lo, hi = max(start, office(day, 9)), office(day, 17)
            if hi > lo:
                if hi - lo >= amount:
                    return lo + amount
                amount -= hi - lo
        day += timedelta(days=1)


def minutes(span: timedelta) -> int:
    return math.floor(span.total_seconds() / 60 + 0.5)


def rank(values: list[int], percent: int) -> int | None:
    values = sorted(values)
    if not values:
        return None
    k = math.ceil(percent / 100 * len(values))
    return values[max(k, 1) - 1]


def walk(escalation: Escalation) -> dict[str, Any]:
    status, level = "open", escalation.ticket.severity
    first: list[Any] = [escalation.created_at, None]
    cycles: list[list[Any]] = [[escalation.created_at, None, []]]
    updates: list[list[Any]] = []
    for event in escalation.timeline():
        level = event.severity or level
        if event.kind == "customer-update":
            first[1] = first[1] or event.at
            if status not in DONE:
                if updates and updates[-1][1] is None:
                    updates[-1][1] = event.at
                updates.append([event.at, None])
        new = event.status
        if new is None or new == status:
            continue
        cycle = cycles[-1]
        if new in DONE and status not in DONE:
            if cycle[2] and cycle[2][-1][1] is None:
                cycle[2][-1][1] = event.at
            cycle[1] = event.at
            first[1] = first[1] or event.at
            if updates and updates[-1][1] is None:
                updates[-1][1] = event.at
        elif status in DONE and new not in DONE:
            cycles.append([event.at, None, [[event.at, None]] if new in PAUSED else []])
            if updates:
                updates.append([event.at, None])
        elif new in PAUSED and status not in PAUSED:
            cycle[2].append([event.at, None])
        elif status in PAUSED and new not in PAUSED:
            cycle[2][-1][1] = event.at
        status = new
    return {"status": status, "level": level, "first": first, "cycle": cycles[-1],
            "cycles": len(cycles), "updates": updates}


def state(start: datetime, stop: datetime | None, pauses: list[list[Any]], hours: float,
          business: bool, now: datetime) -> tuple[str, bool]:
    """(state, at risk)"""
    if stop is None and pauses and pauses[-1][1] is None:
        return "paused", False
    paused = sum((covered(a, b or now, business) for a, b in pauses), ZERO)
    when = due(start, timedelta(hours=hours) + paused, business)
    if stop is not None:
        return ("achieved" if stop <= when else "breached"), False
    if now > when:
        return "breached", False
    return "running", covered(now, when, business) <= timedelta(hours=hours) / 4


def recompute(escalations: list[Escalation], now: datetime) -> dict[str, Any]:
    levels: dict[str, dict[str, Any]] = {}
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    times: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    owners: Counter[str] = Counter()
    weekly: dict[str, Counter[str]] = defaultdict(Counter)
    open_, at_risk, breached_now = 0, 0, 0
    for escalation in escalations:
        read = walk(escalation)
        key = str(read["level"])
        spec = escalation.framework.level(read["level"])
        business = spec.coverage == "business-hours"
        assert spec.update_every_hours and spec.resolve_within_hours  # set by the test
        row = levels.setdefault(key, {"opened": 0, "reopened": 0})
        row["opened"] += 1
        row["reopened"] += read["cycles"] > 1
        week = escalation.created_at.astimezone(UTC).date()
        weekly[(week - timedelta(days=week.weekday())).isoformat()][key] += 1
        start, stop = read["first"]
        cycle = read["cycle"]
        first = state(start, stop, [], spec.response_hours, business, now)
        resolution = state(cycle[0], cycle[1], cycle[2], spec.resolve_within_hours, business,
                           now)
        updates = [state(a, b, [], spec.update_every_hours, business, now)
                   for a, b in read["updates"]]
        for clock, found in [("first_response", first), ("resolution", resolution)] + [
                ("next_update", u) for u in updates]:
            counts[(key, clock)][found[0]] += 1
            owners[escalation.owner] += found[0] == "breached"
        if stop is not None:
            times[(key, "first_response", "covered")].append(minutes(covered(start, stop,
                                                                             business)))
            times[(key, "first_response", "calendar")].append(minutes(stop - start))
        if cycle[1] is not None:
            pauses = [(a, b) for a, b in cycle[2]]
            times[(key, "resolution", "covered")].append(minutes(
                covered(cycle[0], cycle[1], business)
                - sum((covered(a, b, business) for a, b in pauses), ZERO)))
            times[(key, "resolution", "calendar")].append(minutes(
                cycle[1] - cycle[0] - sum((b - a for a, b in pauses), ZERO)))
        if read["status"] not in DONE:
            open_ += 1
            counting = [first] if stop is None else []
            counting += [resolution] if cycle[1] is None and resolution[0] != "paused" else []
            counting += [updates[-1]] if updates and read["updates"][-1][1] is None else []
            if any(s == "breached" for s, _ in counting):
                breached_now += 1
            elif any(risk for _, risk in counting):
                at_risk += 1
    for key, row in levels.items():
        for clock in ("first_response", "resolution", "next_update"):
            achieved, breached = counts[(key, clock)]["achieved"], counts[(key, clock)]["breached"]
            figures: dict[str, Any] = {
                "achieved": achieved, "breached": breached,
                "attainment": round(achieved / (achieved + breached), 3)
                if achieved + breached else None}
            if clock != "next_update":
                for kind, suffix in (("covered", ""), ("calendar", "_calendar")):
                    values = times[(key, clock, kind)]
                    figures["measured"] = len(values)
                    figures[f"median{suffix}_minutes"] = rank(values, 50)
                    figures[f"p90{suffix}_minutes"] = rank(values, 90)
                    figures[f"mean{suffix}_minutes"] = (round(sum(values) / len(values), 1)
                                                        if values else None)
            row[clock] = figures
    return {"levels": levels, "open": open_, "at_risk": at_risk, "breached_now": breached_now,
            "breaches_by_owner": {o: n for o, n in owners.items() if n},
            "weekly": {week: {str(n): found[str(n)] for n in range(1, 5)}
                       for week, found in weekly.items()}}

"""`make bench` (tracking part): `escalations list` and `coach metrics` over 10,000 escalations
of 20 events each, on SQLite, in process (interpreter start excluded); and covered-time
arithmetic."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from coach.content.frameworks import seed_framework
from coach.domain import EscalationTicket
from coach.domain.calendar import Holidays, WorkCalendar
from coach.settings import get_settings
from coach.tracking.business_time import BusinessTime
from coach.tracking.metrics import Scope
from coach.tracking.report import list_order
from coach.web.escalations import Escalations, Viewer
from coach.web.store import Store
from coach.web.tables import EscalationEventRow, EscalationRow
from coach.web.team_metrics import team_metrics

ESCALATIONS, EVENTS = 10_000, 20
START = datetime(2026, 11, 1, 14, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
KINDS = ("note", "customer-update", "note", "status")
STATUSES = ("in-progress", "waiting-on-customer", "in-progress", "open")


def fill(store: Store) -> None:
    """10,000 escalations on one New York framework, 20 events each, written in bulk."""
    seed = seed_framework(get_settings().knowledge_dir)
    calendar = WorkCalendar(timezone="America/New_York", holidays=Holidays(country="US"))
    framework = seed.model_copy(update={"calendar": calendar}).model_dump(mode="json")
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for n in range(1, ESCALATIONS + 1):
        created = START + timedelta(minutes=4 * n)
        level = seed.level(1 + n % 4)
        ticket = EscalationTicket(
            account=f"Account {n}", severity=level.level, csm="Dana", issue_summary="x",
            business_impact="y", resolution_requested="z", escalation_owner=level.owner,
            created_at=created, response_due=created + timedelta(hours=level.response_hours))
        rows.append({"id": n, "team_id": "default", "owner": "dana", "account": ticket.account,
                     "ticket": ticket.model_dump(mode="json"), "framework": framework,
                     "framework_key": "bench", "created_at": created})
        events.append({"escalation_id": n, "at": created, "by": "dana", "kind": "created",
                       "text": "", "status": "open", "severity": level.level})
        for k in range(1, EVENTS):
            kind = KINDS[k % 4]
            events.append({"escalation_id": n, "at": created + timedelta(hours=k), "by": "dana",
                           "kind": kind, "text": "t", "severity": None,
                           "status": STATUSES[k % 4] if kind == "status" else None})
    with store.transaction() as db:
        db.execute(insert(EscalationRow), rows)
        db.execute(insert(EscalationEventRow), events)
    Escalations(store).rebuild_summaries()  # as each event's write keeps them


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    store = Store.open(f"sqlite:///{folder / 'bench.db'}")
    store.migrate()
    fill(store)
    escalations = Escalations(store, clock=lambda: NOW)
    started = time.perf_counter()
    found = escalations.summaries(Viewer("dana", sees_team=True))
    loaded = time.perf_counter()
    ordered = list_order(found, NOW)
    done = time.perf_counter()
    print(f"escalations list, {len(ordered):,} escalations x {EVENTS} events on SQLite "
          "(from the kept summaries): "
          f"{done - started:.2f} s (read {loaded - started:.2f} s, clocks and order "
          f"{done - loaded:.2f} s)")
    seed = seed_framework(get_settings().knowledge_dir)
    for _ in range(2):  # the second run is the figure: the first warms the holiday tables
        started = time.perf_counter()
        found_metrics = team_metrics(store, Viewer("dana", sees_team=True), Scope(team=True),
                                     seed, NOW)
        done = time.perf_counter()
    print(f"coach metrics --all, {found_metrics.opened:,} escalations x {EVENTS} events on "
          f"SQLite: {done - started:.2f} s")
    clock = BusinessTime(WorkCalendar(timezone="America/New_York",
                                      holidays=Holidays(country="US")))
    started = time.perf_counter()
    for n in range(10_000):
        moment = START + timedelta(minutes=37 * n)
        clock.covered(moment, clock.add(moment, timedelta(hours=1 + n % 40)))
    per = (time.perf_counter() - started) / 10_000 * 1e6
    print(f"business hours: add + covered, 1-40 h targets: {per:.0f} us per pair")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

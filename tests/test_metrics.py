"""Escalation metrics: a hand-built history whose figures are worked out by hand below, and a
reconciliation of three demo histories against a deliberately simple recomputation from the
events (tests/metrics_by_hand.py)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.content.frameworks import seed_framework
from coach.domain import EscalationTicket, SeverityFramework
from coach.domain.calendar import WorkCalendar
from coach.domain.review import ActionItem, PostEscalationReview, TimelineEntry
from coach.settings import get_settings
from coach.tracking.metrics import Metrics, Scope, nearest_rank
from coach.web import demo
from coach.web.escalations import Escalations, Viewer
from coach.web.store import Store
from coach.web.team_metrics import team_metrics
from tests.conftest import KNOWLEDGE
from tests.metrics_by_hand import recompute

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # a Tuesday
TEAM = Viewer("lead", sees_team=True)
DANA, OMAR = Viewer("dana", sees_team=True), Viewer("omar", sees_team=True)


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at


def t(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture(scope="module")
def framework() -> SeverityFramework:
    """UTC weekdays 09:00-17:00. Levels 1 and 2 run 24x7, levels 3 and 4 in business hours.
    Targets (response / update every / resolve within, hours): 1: 1/2/8, 2: 4/4/24,
    3: 8/24/40, 4: 24/72/80. Level 1 needs a review within 2 working days, the others none."""
    targets = {1: (1, 2, 8, "24x7", 2), 2: (4, 4, 24, "24x7", None),
               3: (8, 24, 40, "business-hours", None), 4: (24, 72, 80, "business-hours", None)}
    levels = [lvl.model_copy(update=dict(zip(
        ("response_hours", "update_every_hours", "resolve_within_hours", "coverage",
         "review_within_business_days"), targets[lvl.level], strict=True)))
        for lvl in seed_framework(KNOWLEDGE).levels]
    return seed_framework(KNOWLEDGE).model_copy(
        update={"levels": levels, "calendar": WorkCalendar(timezone="UTC")})


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, framework: SeverityFramework
            ) -> Iterator[Store]:
    """13 escalations (E1-E13), written through the app's own functions at their times."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('metrics') / 'coach.db'}")
    store.migrate()
    clock = Clock()
    tracked = Escalations(store, clock)

    def open_(at: datetime, level: int, account: str, who: Viewer = DANA) -> str:
        clock.at = at
        ticket = EscalationTicket(
            account=account, severity=level, csm="Dana", issue_summary="x",
            business_impact="y", resolution_requested="z",
            escalation_owner=framework.level(level).owner, created_at=at,
            response_due=at + timedelta(hours=framework.level(level).response_hours))
        return tracked.create(ticket, framework, who).id

    def update(number: str, at: datetime, who: Viewer = DANA) -> None:
        clock.at = at
        tracked.log(number, "sent an update", "customer-update", who)

    def status(number: str, at: datetime, to: Any, who: Viewer = DANA, **more: Any) -> None:
        clock.at = at
        tracked.set_status(number, to, who, **more)

    e1 = open_(t(11, 2, 10), 1, "Globex")
    update(e1, t(11, 2, 10, 30))
    update(e1, t(11, 2, 12))
    status(e1, t(11, 2, 14), "resolved", category="outage")
    e2 = open_(t(11, 2, 20), 1, "Initech")
    update(e2, t(11, 2, 21, 30))
    status(e2, t(11, 3, 6), "resolved")
    clock.at = t(11, 4, 10)
    tracked.record_review(e2, PostEscalationReview(
        summary="s", impact="i", timeline=[TimelineEntry(at=t(11, 2, 20), event="opened")],
        root_cause="r", detection="d", action_items=[
            ActionItem(action="add an alert", owner="Ops", due=t(11, 20, 12)),
            ActionItem(action="write the runbook", owner="Ops", due=t(12, 10, 12))]), DANA)
    e3 = open_(t(11, 3, 9), 2, "Globex")
    update(e3, t(11, 3, 11))
    status(e3, t(11, 3, 12), "waiting-on-customer")
    update(e3, t(11, 3, 13))
    status(e3, t(11, 3, 20), "in-progress")
    status(e3, t(11, 4, 12), "resolved")
    e4 = open_(t(11, 4, 10), 2, "Umbrella")
    status(e4, t(11, 4, 16), "resolved", category="billing")
    e5 = open_(t(11, 5, 10), 3, "Hooli")
    update(e5, t(11, 5, 15))
    status(e5, t(11, 9, 11), "resolved")
    e6 = open_(t(11, 6, 16), 3, "Initech", OMAR)
    update(e6, t(11, 9, 16, 30), OMAR)
    status(e6, t(11, 9, 17), "in-progress", OMAR)
    open_(t(11, 30, 10), 4, "Acme")  # E7
    open_(t(12, 1, 8), 2, "Stark")  # E8
    open_(t(12, 1, 14, 15), 1, "Wayne")  # E9
    e10 = open_(t(11, 10, 9), 3, "Soylent")
    update(e10, t(11, 10, 9, 30))
    status(e10, t(11, 10, 12), "resolved")
    status(e10, t(11, 11, 10), "in-progress", reason="it came back")
    status(e10, t(11, 11, 11), "resolved", category="product-defect")
    e11 = open_(t(11, 16, 9), 4, "globex")  # the same account, written another way
    update(e11, t(11, 16, 10))
    status(e11, t(11, 17, 9), "resolved")
    e12 = open_(t(11, 18, 12), 2, "Vandelay", OMAR)
    update(e12, t(11, 18, 12, 30), OMAR)
    clock.at = t(11, 18, 13)
    tracked.set_severity(e12, 1, OMAR, "the customer's CFO called")
    status(e12, t(11, 18, 23), "resolved", OMAR)
    e13 = open_(t(10, 26, 10), 3, "Hooli")
    update(e13, t(10, 26, 10, 30))
    status(e13, t(10, 26, 16), "resolved")
    store.add_user("omar", "omar-password-1", role="csm")
    yield store


def figures(store: Store, framework: SeverityFramework, viewer: Viewer = TEAM,
            **scope: Any) -> dict[str, Any]:
    found = team_metrics(store, viewer, Scope(team=True, **scope), framework, NOW)
    return found.model_dump(mode="json")


def test_the_hand_built_history_gives_the_figures_worked_out_by_hand(
        history: Store, framework: SeverityFramework) -> None:
    found = figures(history, framework)
    levels = found["levels"]
    assert {n: levels[n]["opened"] for n in levels} == {"1": 4, "2": 3, "3": 4, "4": 2}
    assert found["opened"] == 13 and found["reopened_share"] == round(1 / 13, 3)
    assert levels["3"]["reopened"] == 1

    def clock(level: str, name: str) -> dict[str, Any]:
        return levels[level][name]

    # Level 1 (E12 counts here: its level is now 1). First response: E1 30 min achieved, E2
    # 90 min breached, E12 30 min achieved (1 h target), E9 running.
    assert clock("1", "first_response") == {
        "achieved": 2, "breached": 1, "attainment": 0.667, "measured": 3,
        "median_minutes": 30, "mean_minutes": 50.0, "p90_minutes": 90,
        "median_calendar_minutes": 30, "mean_calendar_minutes": 50.0, "p90_calendar_minutes": 90}
    # Resolution: E1 4 h achieved, E2 10 h and E12 11 h breached (8 h target).
    assert clock("1", "resolution") == {
        "achieved": 1, "breached": 2, "attainment": 0.333, "measured": 3,
        "median_minutes": 600, "mean_minutes": 500.0, "p90_minutes": 660,
        "median_calendar_minutes": 600, "mean_calendar_minutes": 500.0,
        "p90_calendar_minutes": 660}
    # Updates every 2 h: E1 90 and 120 min (met), E2 8.5 h and E12 10.5 h (missed).
    assert clock("1", "next_update") == {"achieved": 2, "breached": 2, "attainment": 0.5}
    # Level 2: E3 2 h achieved, E4 6 h breached (stopped by its resolution), E8 breached now.
    assert clock("2", "first_response") == {
        "achieved": 1, "breached": 2, "attainment": 0.333, "measured": 2,
        "median_minutes": 120, "mean_minutes": 240.0, "p90_minutes": 360,
        "median_calendar_minutes": 120, "mean_calendar_minutes": 240.0,
        "p90_calendar_minutes": 360}
    # E3: 27 h less 8 h waiting on the customer = 19 h; E4 6 h; both inside 24 h.
    assert clock("2", "resolution") == {
        "achieved": 2, "breached": 0, "attainment": 1.0, "measured": 2,
        "median_minutes": 360, "mean_minutes": 750.0, "p90_minutes": 1140,
        "median_calendar_minutes": 360, "mean_calendar_minutes": 750.0,
        "p90_calendar_minutes": 1140}
    assert clock("2", "next_update") == {"achieved": 1, "breached": 1, "attainment": 0.5}
    # Level 3 in business hours: E5 5 h, E6 8.5 covered h (Fri 16-17, Mon 9-16:30; breached),
    # E10 and E13 30 min. Calendar: E6 took 72.5 h.
    assert clock("3", "first_response") == {
        "achieved": 3, "breached": 1, "attainment": 0.75, "measured": 4,
        "median_minutes": 30, "mean_minutes": 217.5, "p90_minutes": 510,
        "median_calendar_minutes": 30, "mean_calendar_minutes": 1177.5,
        "p90_calendar_minutes": 4350}
    # E5: Thu 10:00 to Mon 11:00 is 17 covered h (97 calendar h); E10's current cycle 1 h;
    # E13 6 h; E6 is past its 40 h and still running: breached, not measured.
    assert clock("3", "resolution") == {
        "achieved": 3, "breached": 1, "attainment": 0.75, "measured": 3,
        "median_minutes": 360, "mean_minutes": 480.0, "p90_minutes": 1020,
        "median_calendar_minutes": 360, "mean_calendar_minutes": 2080.0,
        "p90_calendar_minutes": 5820}
    assert clock("3", "next_update") == {"achieved": 4, "breached": 1, "attainment": 0.8}
    # Level 4: E11 1 h to respond; resolved in 8 covered h (24 calendar h); E7 running.
    assert clock("4", "first_response")["median_minutes"] == 60
    assert clock("4", "resolution")["median_minutes"] == 480
    assert clock("4", "resolution")["median_calendar_minutes"] == 1440
    assert clock("4", "next_update") == {"achieved": 1, "breached": 0, "attainment": 1.0}

    # Open now: E6, E7, E8, E9. E9 has 15 of its 60 minutes left (at risk); E6 and E8 are
    # breached. E1 and E12 (level 1) have no review past due; E2's is done. One of E2's
    # review action items is overdue.
    assert {k: found[k] for k in ("open", "at_risk", "breached_now", "reviews_due",
                                  "reviews_overdue", "action_items_overdue")} == {
        "open": 4, "at_risk": 1, "breached_now": 2, "reviews_due": 0, "reviews_overdue": 2,
        "action_items_overdue": 1}
    assert [r["account"] for r in found["at_risk_now"]] == ["Initech", "Stark", "Wayne"]

    assert found["breaches"]["by_level"] == {"1": 5, "2": 3, "3": 3, "4": 0}
    assert found["breaches"]["by_owner"] == {"dana": 6, "omar": 5}
    assert found["breaches"]["by_week"] == [
        {"week_start": "2026-11-02", "count": 5}, {"week_start": "2026-11-09", "count": 3},
        {"week_start": "2026-11-16", "count": 2}, {"week_start": "2026-11-30", "count": 1}]
    assert found["weekly"] == [
        {"week_start": "2026-10-26", "by_level": {"1": 0, "2": 0, "3": 1, "4": 0}},
        {"week_start": "2026-11-02", "by_level": {"1": 2, "2": 2, "3": 2, "4": 0}},
        {"week_start": "2026-11-09", "by_level": {"1": 0, "2": 0, "3": 1, "4": 0}},
        {"week_start": "2026-11-16", "by_level": {"1": 1, "2": 0, "3": 0, "4": 1}},
        {"week_start": "2026-11-23", "by_level": {"1": 0, "2": 0, "3": 0, "4": 0}},
        {"week_start": "2026-11-30", "by_level": {"1": 1, "2": 1, "3": 0, "4": 1}}]
    assert found["repeat_accounts"] == [{"account": "Globex", "opened": 3},
                                        {"account": "Hooli", "opened": 2},
                                        {"account": "Initech", "opened": 2}]
    months = {m["month"]: m["by_category"] for m in found["categories"]}
    assert months["2026-11"]["outage"] == 1 and months["2026-11"]["billing"] == 1
    assert months["2026-11"]["product-defect"] == 1 and months["2026-11"]["other"] == 7
    assert months["2026-10"]["other"] == 1 and months["2026-12"]["other"] == 2  # E8, E9


def test_a_range_takes_both_ends_and_a_level_only_its_own(
        history: Store, framework: SeverityFramework) -> None:
    november = figures(history, framework, since=date(2026, 11, 1), until=date(2026, 11, 30))
    assert november["opened"] == 10  # E13 (October), E8 and E9 (December 1) left out
    assert {n: v["opened"] for n, v in november["levels"].items()} == {
        "1": 3, "2": 2, "3": 3, "4": 2}
    assert november["open"] == 4  # open work is now, whatever the range
    assert november["weekly"][0]["week_start"] == "2026-10-26"  # the week of November 1
    one_day = figures(history, framework, since=date(2026, 11, 30), until=date(2026, 11, 30))
    assert one_day["opened"] == 1
    level_one = figures(history, framework, level=1)
    assert list(level_one["levels"]) == ["1"] and level_one["opened"] == 4
    assert level_one["open"] == 1 and level_one["action_items_overdue"] == 1


def test_a_csm_sees_only_their_own_numbers(history: Store, framework: SeverityFramework
                                            ) -> None:
    omar = Viewer("omar", sees_team=False)
    own = figures(history, framework, omar)  # asks for the team, is not a leader
    assert own["scope"] == "own" and own["opened"] == 2  # E6 and E12
    assert own["breaches"]["by_owner"] == {"omar": 5}
    assert own["open"] == 1 and own["action_items_overdue"] == 0


def test_nearest_rank_percentiles() -> None:
    assert nearest_rank([], 50) is None
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([1, 2, 3, 4], 50) == 2 and nearest_rank([1, 2, 3, 4], 90) == 4
    assert nearest_rank(list(range(1, 11)), 90) == 9


@pytest.mark.parametrize("seed_value", [1, 7, 42])
def test_demo_histories_reconcile_with_a_simple_recomputation(
        tmp_path: Path, framework: SeverityFramework, seed_value: int) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'coach.db'}")
    store.migrate()
    plain = framework.model_copy(update={"calendar": None})  # the default: UTC office hours
    assert demo.seed(store, plain, 40, seed_value, 90, NOW) == 40
    found = team_metrics(store, TEAM, Scope(team=True), plain, NOW)
    expected = recompute(Escalations(store).list(TEAM), NOW)
    assert found.opened == 40
    for number, level in found.levels.items():
        mine = expected["levels"].get(number)
        if mine is None:
            assert level.opened == 0
            continue
        assert level.opened == mine["opened"] and level.reopened == mine["reopened"]
        for clock in ("first_response", "resolution", "next_update"):
            figures_ = getattr(level, clock).model_dump()
            assert {k: figures_[k] for k in mine[clock]} == mine[clock], (number, clock)
    for key in ("open", "at_risk", "breached_now"):
        assert getattr(found, key) == expected[key], key
    assert found.breaches.by_owner == expected["breaches_by_owner"]
    assert {w.week_start.isoformat(): w.by_level for w in found.weekly
            if any(w.by_level.values())} == expected["weekly"]


def test_demo_data_is_marked_and_cleared_exactly(tmp_path: Path,
                                                 framework: SeverityFramework) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'coach.db'}")
    store.migrate()
    clock = Clock()
    ticket = EscalationTicket(
        account="Real Customer", severity=3, csm="Dana", issue_summary="x",
        business_impact="y", resolution_requested="z", escalation_owner="Lead",
        created_at=NOW, response_due=NOW + timedelta(hours=8))
    real = Escalations(store, clock).create(ticket, framework, DANA)
    demo.seed(store, framework, 12, 3, 30, NOW)
    first = [e.account for e in Escalations(store).list(TEAM)]
    assert len(first) == 13
    assert demo.clear(store) == 12
    assert [e.id for e in Escalations(store).list(TEAM)] == [real.id]
    demo.seed(store, framework, 12, 3, 30, NOW)  # the same seed, the same history
    assert [e.account for e in Escalations(store).list(TEAM)] == first


def test_the_metrics_command_prints_the_contract_and_writes_csv(
        history: Store, framework: SeverityFramework, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from coach.cli.main import main

    monkeypatch.setenv("COACH_DATABASE_URL", str(history.engine.url))
    monkeypatch.setenv("COACH_NOW", NOW.isoformat())
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    assert main(["metrics", "--all", "--json", "--since", "2026-11-01"]) == 0
    found = json.loads(capsys.readouterr().out)
    Metrics.model_validate(found)
    assert found["since"] == "2026-11-01" and found["until"] is None
    assert found["levels"]["1"]["first_response"]["attainment"] is not None
    assert set(found) >= {"levels", "open", "at_risk", "breached_now", "reviews_overdue",
                          "action_items_overdue", "weekly"}
    assert main(["metrics", "--all", "--csv", str(tmp_path / "csv")]) == 0
    with (tmp_path / "csv" / "levels.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 3 * len(found["levels"]) and rows[0]["clock"] == "first_response"
    assert {p.stem for p in (tmp_path / "csv").glob("*.csv")} >= {
        "levels", "weekly", "breaches_by_owner", "breaches_by_week", "categories", "at_risk"}
    capsys.readouterr()
    assert main(["metrics", "--all", "--user", "omar"]) == 2
    assert "only leaders" in capsys.readouterr().err
    assert main(["metrics", "--since", "2026-12-01", "--until", "2026-11-01"]) == 2
    with pytest.raises(SystemExit) as bad_date:  # argparse: one line, exit 2
        main(["metrics", "--since", "yesterday"])
    assert bad_date.value.code == 2
    assert main(["metrics", "--level", "9"]) == 2
    get_settings.cache_clear()

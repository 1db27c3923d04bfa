"""The dashboard in the conversation: which words ask for it, the ranges they name, whose
numbers it shows, and the charts and CSV the browser gets."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from plotly import graph_objects as go

from coach.domain import Reply, SeverityFramework
from coach.domain.session import CoachSession
from coach.parsing.periods import Period, period
from coach.tracking.metrics import Metrics
from coach.web import demo, views
from coach.web.dashboard import asks_for_dashboard
from coach.web.desk import Desk
from coach.web.escalations import Escalations, Viewer
from coach.web.store import Store
from tests.conftest import EVAL, KNOWLEDGE
from tools.evaluate import dashboard_requests

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.mark.parametrize(("words", "since", "until"), [
    ("how are we doing this quarter?", date(2026, 10, 1), TODAY),
    ("metrics for sev 1 since October", date(2026, 10, 1), TODAY),
    ("dashboard for last month", date(2026, 11, 1), date(2026, 11, 30)),
    ("the last 30 days", date(2026, 11, 2), TODAY),
    ("in September", date(2026, 9, 1), date(2026, 9, 30)),
    ("Q4 2025", date(2025, 10, 1), date(2025, 12, 31)),
    ("since 2026-11-15", date(2026, 11, 15), TODAY),
    ("from 1 Sep to 15 Oct", date(2026, 9, 1), date(2026, 10, 15)),
    ("year to date", date(2026, 1, 1), TODAY),
    ("all time", None, None),
])
def test_ranges_in_words(words: str, since: date | None, until: date | None) -> None:
    assert period(words, TODAY) == Period(since, until)


def test_no_range_named_is_none_and_the_previous_period_has_the_same_length() -> None:
    assert period("show me the dashboard", TODAY) is None
    assert Period(date(2026, 11, 1), date(2026, 11, 30)).before() == Period(
        date(2026, 10, 2), date(2026, 10, 31))


@pytest.mark.parametrize("words", [
    "show me the dashboard", "dashboard", "Dashboard?", "how are we doing this quarter?",
    "metrics for sev 1 since October", "can you pull up the KPIs", "my dashboard",
    "how is the team doing"])
def test_words_that_ask_for_the_dashboard(words: str) -> None:
    assert asks_for_dashboard(words)


@pytest.mark.parametrize("words", [
    "Acme's dashboard is down since 9am", "dashboard is down for Acme",
    "what metrics should we track for escalations?", "the metrics are wrong in their report",
    "our dashboard shows wrong numbers to the customer"])
def test_words_about_other_dashboards_or_metrics_in_general_do_not(words: str) -> None:
    assert not asks_for_dashboard(words)


@pytest.fixture
def desk(tmp_path: Path, seed: SeverityFramework) -> Desk:
    store = Store.open(f"sqlite:///{tmp_path / 'coach.db'}")
    store.migrate()
    demo.seed(store, seed, 60, 5, 120, NOW)
    return Desk(Escalations(store, clock=lambda: NOW), clock=lambda: NOW)


def dashboard(desk: Desk, text: str, viewer: Viewer, seed: SeverityFramework) -> Reply:
    coach: list[str] = []
    replies = desk.turn(CoachSession(framework=seed), text, viewer,
                        lambda: coach.append(text) or [Reply(text="(the coach)")])
    assert not coach, "the coach answered instead of the dashboard"
    return replies[-1]  # after any warning about her own clocks


def test_a_leader_sees_the_team_and_a_csm_their_own(desk: Desk, seed: SeverityFramework
                                                     ) -> None:
    lead = dashboard(desk, "show me the dashboard", Viewer("lead", sees_team=True), seed)
    team = Metrics.model_validate(lead.artifacts[0].data["metrics"])
    assert team.scope == "team" and team.since == date(2026, 9, 3) and team.until == TODAY
    assert "Team escalation dashboard, 2026-09-03 to 2026-12-01" in lead.text
    assert "First response on time:" in lead.text and "(before:" in lead.text
    dana = dashboard(desk, "dashboard", Viewer("dana.li"), seed)
    own = Metrics.model_validate(dana.artifacts[0].data["metrics"])
    assert own.scope == "own" and 0 < own.opened < team.opened
    assert set(own.breaches.by_owner) <= {"dana.li"}
    own_lead = dashboard(desk, "my dashboard", Viewer("lead", sees_team=True), seed)
    assert Metrics.model_validate(own_lead.artifacts[0].data["metrics"]).opened == 0
    assert "No escalations in this range yet" in own_lead.text


def test_a_level_and_a_range_in_the_words(desk: Desk, seed: SeverityFramework) -> None:
    reply = dashboard(desk, "metrics for sev 1 since October", Viewer("lead", sees_team=True),
                      seed)
    found = Metrics.model_validate(reply.artifacts[0].data["metrics"])
    assert found.level == 1 and list(found.levels) == ["1"]
    assert found.since == date(2026, 10, 1) and found.until == TODAY


def test_the_browser_gets_three_valid_charts_and_a_csv(desk: Desk, seed: SeverityFramework
                                                       ) -> None:
    reply = dashboard(desk, "how are we doing this quarter?", Viewer("lead", sees_team=True),
                      seed)
    view = views.reply_view(reply, seed, KNOWLEDGE)
    assert [name for name, _ in view.charts] == ["weekly-volume", "sla-attainment",
                                                 "first-response-times"]
    found = Metrics.model_validate(reply.artifacts[0].data["metrics"])
    for _, figure in view.charts:
        drawn = go.Figure(figure)  # plotly validates every attribute
        assert len(drawn.data) >= len(found.levels) - 1
        assert drawn.layout.paper_bgcolor == "rgba(0,0,0,0)"  # the theme shows through
    weekly = next(d for d in view.downloads if d.name == "escalation-metrics-weekly.csv")
    rows = list(csv.DictReader(io.StringIO(weekly.content.decode())))
    assert sum(int(v) for r in rows for k, v in r.items() if k.startswith("level_")) == (
        found.opened)


def test_a_customer_dashboard_in_a_ticket_is_left_to_the_coach(
        desk: Desk, seed: SeverityFramework) -> None:
    said: list[str] = []
    desk.turn(CoachSession(framework=seed), "Acme's dashboard is down since 9am",
              Viewer("dana.li"), lambda: said.append("coach") or [Reply(text="(the coach)")])
    assert said == ["coach"]


def test_the_words_of_the_dev_set_are_recognised() -> None:
    """Written blind by a helper (60 requests, 60 hard negatives); tuned on. The frozen set
    (tests/eval/test/dashboard.jsonl) is scored as totals by `make bench` only."""
    right, found, alarms, cases = dashboard_requests(EVAL / "dashboard.jsonl")
    assert cases == 120 and right >= 108 and alarms <= 3  # 90%; measured 113, 0 alarms

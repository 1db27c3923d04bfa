"""The dashboard in the conversation: "show me the dashboard", "how are we doing this
quarter?", "metrics for sev 1 since October", or the Dashboard starter.

A few KPI lines, each beside the previous period of the same length; the escalations at risk
now; and a "dashboard" artifact carrying the figures, which the browser shows as three inline
charts (coach.web.charts) and a CSV download. With no range named it covers the last 90 days
up to today. A leader sees the team's numbers (unless they ask for their own: "my
dashboard"); a CSM sees their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from coach.domain import Artifact, Button, Reply, SeverityFramework
from coach.engine.inputs import escape
from coach.parsing.periods import Period, last_days, period
from coach.parsing.text import mentioned_levels
from coach.tracking.clocks import calendar_of
from coach.tracking.metrics import Metrics, Scope
from coach.web.escalations import Viewer
from coach.web.store import Store
from coach.web.team_metrics import team_metrics

DEFAULT_DAYS = 90
BUTTON = Button(id="dashboard", label="Dashboard")
_ASKED = re.compile(
    r"^(?:(?:can|could|would)\s+(?:you|i)\s+|please\s+|let'?s\s+)?(?:(?:show|open|give|see|"
    r"pull\s+up|bring\s+up|display|get)\s+(?:me\s+|us\s+)?)?(?:the\s+|our\s+|my\s+|"
    r"team'?s?\s+)?(?:escalations?\s+)?(?:dash\s?board|metrics|kpis?|stats|scorecard)"
    r"(?:\s*$|\s*[?.!,:]|\s+(?:for|of|since|this|last|in|from|over|during|please|now|so|"
    r"about|by)\b)", re.I)
_HOW = re.compile(r"\bhow\s+(?:are|is|am|have)\s+(?:we|i|the\s+team|my\s+team|our\s+team)\s+"
                  r"(?:been\s+)?doing\b", re.I)
_OWN = re.compile(r"\b(?:my|mine|am\s+i|i\s+am|my\s+own)\b", re.I)
_SPARKS = "▁▂▃▄▅▆▇█"


def asks_for_dashboard(text: str) -> bool:
    """The words ask for the figures: "dashboard", "show me the metrics for sev 1", "how are
    we doing this quarter?". Words about a customer's dashboard ("Acme's dashboard is down")
    or about metrics in general ("what metrics should we track?") do not."""
    return bool(_ASKED.search(text.strip()) or _HOW.search(text))


class Dashboard:
    """Figures for the conversation, from the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def reply(self, text: str, viewer: Viewer, framework: SeverityFramework, now: datetime
              ) -> Reply:
        today = now.astimezone(ZoneInfo(calendar_of(framework).timezone)).date()
        span = period(text, today) or last_days(today, DEFAULT_DAYS)
        named = sorted(n for n in mentioned_levels(text) if framework.find(n) is not None)
        level = named[0] if len(named) == 1 else None
        team = viewer.sees_team and not _OWN.search(text)
        found = self._figures(viewer, span, level, team, framework, now)
        earlier = span.before()
        before = (self._figures(viewer, earlier, level, team, framework, now)
                  if earlier is not None else None)
        return Reply(text=_text(found, before), buttons=[Button(id="my-escalations",
                                                                label="My escalations")],
                     artifacts=[Artifact(kind="dashboard", title=_title(found),
                                         data={"metrics": found.model_dump(mode="json")})])

    def _figures(self, viewer: Viewer, span: Period, level: int | None, team: bool,
                 framework: SeverityFramework, now: datetime) -> Metrics:
        return team_metrics(self.store, viewer, Scope(span.since, span.until, level, team),
                            framework, now)


def _title(found: Metrics) -> str:
    whose = "Team" if found.scope == "team" else "Your"
    span = (f"{found.since} to {found.until}" if found.since and found.until else
            f"since {found.since}" if found.since else "all time")
    level = f", Severity {found.level}" if found.level else ""
    return f"{whose} escalation dashboard, {span}{level}"


def _text(found: Metrics, before: Metrics | None) -> str:
    compared = (f", beside the {(found.until - found.since).days + 1} days before"
                if before is not None and found.since and found.until else "")
    lines = [f"**{_title(found)}**{compared}", ""]
    if not found.opened and not found.open:
        lines.append("No escalations in this range yet. Confirm tickets and track them, or "
                     "run `coach demo seed` to see the dashboard with demonstration data.")
        return "\n".join(lines)
    lines.append(f"- Escalations opened: {found.opened}{_was(before, _opened)}")
    for clock, name in (("first_response", "First response on time"),
                        ("resolution", "Resolution on time"), ("next_update", "Updates on time")):
        lines.append(f"- {name}: {_clock_share(found, clock)}"
                     f"{_was(before, partial(_clock_share, clock=clock))}")
    medians = [f"Severity {n} {_minutes(level.first_response.median_minutes)}"
               for n, level in found.levels.items() if level.first_response.median_minutes
               is not None]
    if medians:
        lines.append("- Median time to first response (covered time): " + ", ".join(medians))
    lines.append(f"- Breached clocks: {_breaches(found)}"
                 f"{_was(before, _breaches)}")
    if found.weekly:
        weekly = [sum(w.by_level.values()) for w in found.weekly]
        lines.append(f"- Weekly volume: {_spark(weekly)} (peak {max(weekly)} a week)")
    lines.append(f"- Reopened: {_share(found.reopened_share)}; repeat accounts: "
                 f"{len(found.repeat_accounts)}")
    lines.append(f"- Open now: {found.open} ({found.at_risk} at risk, {found.breached_now} "
                 f"breached); reviews due {found.reviews_due}, overdue {found.reviews_overdue}; "
                 f"action items overdue {found.action_items_overdue}")
    if found.at_risk_now:
        lines += ["", "At risk now:", "", "| # | Account | Sev | Owner | Clocks |",
                  "|---|---|---|---|---|"]
        lines += [f"| {r.id} | {escape(r.account)} | {r.severity} | {escape(r.owner)} | "
                  f"{escape(r.clocks)} |" for r in found.at_risk_now[:10]]
    return "\n".join(lines)


def _opened(found: Metrics) -> str:
    return str(found.opened)


def _breaches(found: Metrics) -> str:
    return str(sum(found.breaches.by_level.values()))


def _clock_share(found: Metrics, clock: str) -> str:
    return _share(_overall(found, clock))


def _was(before: Metrics | None, figure: Callable[[Metrics], str]) -> str:
    return "" if before is None else f" (before: {figure(before)})"


def _overall(found: Metrics, clock: str) -> float | None:
    achieved = sum(getattr(level, clock).achieved for level in found.levels.values())
    breached = sum(getattr(level, clock).breached for level in found.levels.values())
    return achieved / (achieved + breached) if achieved + breached else None


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _minutes(value: int) -> str:
    return f"{value} min" if value < 120 else f"{value / 60:.1f} h"


def _spark(values: list[int]) -> str:
    top = max(values) or 1
    return "".join(_SPARKS[min(len(_SPARKS) - 1, v * (len(_SPARKS) - 1) // top)] for v in values)

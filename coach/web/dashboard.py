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
from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from coach.domain import Artifact, Button, Reply, SeverityFramework
from coach.engine.inputs import escape
from coach.parsing.periods import last_days, period
from coach.parsing.text import mentioned_levels
from coach.tracking.clocks import calendar_of
from coach.tracking.metrics import Metrics, Scope
from coach.web.escalations import Viewer
from coach.web.store import Store
from coach.web.team_metrics import metrics_of_periods

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
# What the figures are about: a word for them, or one of the things they measure.
_FIGURES = re.compile(
    r"\b(?:dash\s?boards?|metrics?|kpis?|stats|statistics|numbers|scorecard|slas?|"
    r"attainment|breach(?:es|ed)?|response\s+times?|resolution\s+times?|first[- ]response|"
    r"time\s+to\s+(?:first\s+)?(?:respond|response|resolve|resolution)|mttr|mtta|"
    r"(?:escalation|ticket)\s+(?:volume|counts?|trends?|report)|volume|tally|snapshot|"
    r"how\s+many\b.{0,40}\b(?:escalations?|esc|open|overdue|breach)|trends?|at[- ]risk|"
    r"overdue|on[- ]time|turnaround|performance|perf|hit\s+rate|root\s+causes?|deadlines?|"
    r"reviews?|follow[- ]ups?|open\s+(?:critical|crit|sev|p\d|escalations?)|still\s+open|"
    r"past\s+sla|report|(?:hit|met|meet|miss(?:ed)?)\s+(?:the\s+|our\s+)?\S+\s+(?:response|"
    r"resolution|sla|target|deadline)|respond(?:ed)?\s+to\b.{0,40}\bwithin)\b", re.I)
# Asking to see them, or asking how we did.
_SEE = re.compile(
    r"\b(?:show|shwo|give|pull|get|display|open|bring|see|send|share|view|check|breakdown|"
    r"summary|summari[sz]e|recap|overview|report|tell|confirm|snapshot|"
    r"how\s+(?:did|do|are|is|have|were|was|am|r|bad|good)|how'?s|how\s+many|how\s+fast|"
    r"how\s+quick(?:ly)?|what(?:'s|s|\s+is|\s+are|\s+was|\s+were)|where\s+(?:are|do|did)|"
    r"are\s+we|did\s+we|have\s+we|were\s+we|any\b|looking|tracking|pull(?:ing)?\s+together|"
    r"avg|average|median|p90|percent(?:age)?)\b|%", re.I)
_US = re.compile(r"\b(?:we|our|us|ours|my|me|mine|i|team'?s?|squad|pod|org)\b", re.I)
_OURS = re.compile(r"\b(?:my|our)\s+(?:team|squad|pod|org|accounts|csms|escalations?|esc)\b|"
                   r"\b(?:mine|ours)\b|\bfor\s+(?:me|us)\b", re.I)
# A customer's problem, or a question about what to measure, is not a request for ours.
_THEIRS = re.compile(
    r"\b(?:customer|client|their|they|them|users?'|vendor)\b|\b[A-Z][\w&.-]+['’]s\s+"
    r"(?:dash\s?board|metrics|report|numbers|stats|kpis?)", re.I)
_BROKEN = re.compile(
    r"\b(?:down|broken|not\s+(?:loading|working|updating|showing)|won'?t|can'?t\s+(?:load|see|"
    r"access|open)|errors?|wrong|blank|empty|stale|failing|fail(?:s|ed)?|crash"
    r"(?:es|ed)?|bug|outage|incorrect|inaccurate)\b", re.I)
_GENERAL = re.compile(
    r"\b(?:should|which|define[sd]?|definition|mean(?:s)?|recommend|best\s+practices?|"
    r"what\s+(?:metrics|kpis)|worth\s+tracking|track\s+(?:for|in)|requirement|supposed|"
    r"good\s+(?:target|first|response)|target)\b", re.I)
# "not the customer's metrics, mine": words that set the other reading aside.
_INSTEAD = re.compile(
    r"\b(?:not\s+(?:asking|the\s+customer|a\s+new|about)|don'?t\s+(?:need|explain|want)|"
    r"no\s+ticket|isn'?t\s+about|instead|just\s+(?:want|tell|show)|i\s+want\s+to\s+see|"
    r"what\s+i\s+need|separate\s+thing|anyway|real\s+data|actually)\b", re.I)
_TICKET = re.compile(r"^\s*(?:account|customer|severity|csm|issue|subject)\s*[:=]|"
                     r"\b(?:pasting|practi[cs]e|scenario|role[- ]?play|pretend)\b", re.I | re.M)
_SPARKS = "▁▂▃▄▅▆▇█"


def asks_for_dashboard(text: str, today: date | None = None) -> bool:
    """The words ask for our figures: "dashboard", "show me the metrics for sev 1", "how are
    we doing this quarter?", "did we hit the 1 hour response on every sev 1 last week?".
    Words about a customer's dashboard ("Acme's dashboard is down"), about metrics in general
    ("what metrics should we track?") and pasted tickets do not. Each sign counts: a word
    for the figures is needed, then asking to see them, whose (ours) and a range or a level
    for; a customer, something broken or a general question count against, unless the words
    set that reading aside ("not the customer's metrics, mine")."""
    said = text.strip()
    if _ASKED.search(said) or _HOW.search(said):
        return True
    if len(said.split()) > 60 or _TICKET.search(said) or not _FIGURES.search(said):
        return False
    ranged = period(said, today or date.today()) is not None or bool(mentioned_levels(said))
    signs = (bool(_SEE.search(said)) + bool(_US.search(said)) + bool(_OURS.search(said))
             + ranged)
    against = 0 if _INSTEAD.search(said) else (
        bool(_THEIRS.search(said)) + bool(_BROKEN.search(said)) + bool(_GENERAL.search(said)))
    return signs - 2 * against >= 2


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
        spans = [span] + ([earlier] if (earlier := span.before()) is not None else [])
        found, *previous = metrics_of_periods(
            self.store, viewer, [Scope(s.since, s.until, level, team) for s in spans],
            framework, now)
        before = previous[0] if previous else None
        return Reply(text=_text(found, before), buttons=[Button(id="my-escalations",
                                                                label="My escalations")],
                     artifacts=[Artifact(kind="dashboard", title=_title(found),
                                         data={"metrics": found.model_dump(mode="json")})])


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

"""The metrics of what a viewer may see: their own escalations, or a leader's team."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from coach.domain import SeverityFramework
from coach.tracking.clocks import calendar_of
from coach.tracking.metrics import Metrics, Scope, metrics
from coach.web.escalations import Escalations, Viewer
from coach.web.next_steps import NextSteps
from coach.web.store import Store


def team_metrics(store: Store, viewer: Viewer, scope: Scope, framework: SeverityFramework,
                 now: datetime) -> Metrics:
    """The figures as of `now`; dates in the team framework's calendar's time zone. The team's
    escalations only when the scope asks for them and the viewer is a leader."""
    seen = dataclasses.replace(viewer, sees_team=scope.team and viewer.sees_team)
    scope = dataclasses.replace(scope, team=seen.sees_team)
    return metrics(Escalations(store).summaries(seen), NextSteps(store).open(seen), scope,
                   [level.level for level in framework.levels], now,
                   calendar_of(framework).timezone)

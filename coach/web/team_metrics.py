"""The metrics of what a viewer may see: their own escalations, or a leader's team."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
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
    return metrics_of_periods(store, viewer, [scope], framework, now)[0]


def metrics_of_periods(store: Store, viewer: Viewer, scopes: Sequence[Scope],
                       framework: SeverityFramework, now: datetime) -> list[Metrics]:
    """The figures of each scope from one read of the store. The scopes differ in their
    dates and level only: whose escalations they count is the first one's."""
    seen = dataclasses.replace(viewer, sees_team=scopes[0].team and viewer.sees_team)
    escalations, steps = Escalations(store).summaries(seen), NextSteps(store).open(seen)
    levels, zone = [level.level for level in framework.levels], calendar_of(framework).timezone
    return [metrics(escalations, steps, dataclasses.replace(scope, team=seen.sees_team), levels,
                    now, zone) for scope in scopes]

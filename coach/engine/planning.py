"""Proposing an action plan from the playbook, and editing its steps in words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from coach.content.library import Anchor, Playbook, StepTemplate
from coach.domain import ActionPlan, ActionStep, EscalationTicket, hours_text
from coach.parsing.deadlines import deadline

_STEP_EDIT = re.compile(
    r"^(?:edit\s+|change\s+|set\s+)?step\s+(?P<n>\d{1,2})(?:'s)?\s+(?P<part>action|owner|due|metric"
    r"|success metric)\s*(?::|=|to|is|should be)\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_REMOVE = re.compile(r"^(?:remove|delete|drop)\s+step\s+(?P<n>\d{1,2})\.?$", re.IGNORECASE)
_ADD = re.compile(r"^add\s+(?:a\s+)?step\s*[:\-]?\s*(?P<value>.+)$", re.IGNORECASE)
_PART = {"action": "action", "owner": "owner", "metric": "success_metric",
         "success metric": "success_metric"}
DEFAULT_METRIC = "Done, and recorded in the ticket's timeline log"


def propose_plan(ticket: EscalationTicket, playbook: Playbook) -> ActionPlan:
    """The playbook's steps for the ticket's severity, with owners and due times filled in."""
    anchors = _anchors(ticket, playbook)
    facts = {
        "account": ticket.account,
        "owner": ticket.escalation_owner,
        "csm": ticket.csm,
        "severity": str(ticket.severity),
        "cadence": hours_text(playbook.cadence(ticket.severity)),
    }
    steps = [_step(t, ticket, anchors, facts) for t in playbook.steps_for(ticket.severity)]
    return ActionPlan(account=ticket.account, severity=ticket.severity, steps=steps)


def _anchors(ticket: EscalationTicket, playbook: Playbook) -> dict[Anchor, datetime]:
    respond = ticket.response_due
    fix = ticket.due_by or respond + timedelta(hours=playbook.fix_window(ticket.severity))
    fix = max(fix, respond)  # a deadline before the first response cannot come first
    return {
        "response_due": respond,
        "first_update": respond + timedelta(hours=playbook.cadence(ticket.severity)),
        "fix": fix,
        "review": fix + timedelta(hours=playbook.review_hours),
    }


def _step(
    template: StepTemplate,
    ticket: EscalationTicket,
    anchors: dict[Anchor, datetime],
    facts: dict[str, str],
) -> ActionStep:
    owner = {"escalation_owner": ticket.escalation_owner, "csm": ticket.csm}.get(
        template.owner, template.owner
    )
    return ActionStep(
        action=template.action.format(**facts),
        owner=owner,
        due=anchors[template.due.anchor] + timedelta(hours=template.due.hours),
        success_metric=template.metric.format(**facts),
    )


@dataclass(frozen=True)
class PlanEdit:
    """The result of a plan edit: the new plan, or a plain reason it was refused."""

    plan: ActionPlan | None
    problem: str | None = None
    said: str = ""


def edit_plan(plan: ActionPlan, text: str, owner: str, now: datetime) -> PlanEdit | None:
    """Apply "step 2 owner: Dana", "remove step 3" or "add step: ..."; None if not an edit."""
    if match := _STEP_EDIT.match(text.strip()):
        return _change(plan, int(match["n"]), match["part"].casefold(), match["value"], now)
    if match := _REMOVE.match(text.strip()):
        return _remove(plan, int(match["n"]))
    if match := _ADD.match(text.strip()):
        last_due = max(s.due for s in plan.steps)
        step = ActionStep(action=match["value"].strip(), owner=owner, due=last_due,
                          success_metric=DEFAULT_METRIC)
        steps = [*plan.steps, step]
        return PlanEdit(plan.model_copy(update={"steps": steps}), said=f"Added step {len(steps)}.")
    return None


def _change(plan: ActionPlan, n: int, part: str, value: str, now: datetime) -> PlanEdit:
    if not 1 <= n <= len(plan.steps):
        return PlanEdit(None, f"there is no step {n}; the plan has steps 1 to {len(plan.steps)}")
    step = plan.steps[n - 1]
    if part == "due":
        due = deadline(value, now) or _iso(value, now)
        if due is None:
            return PlanEdit(None, 'give the due time as "in 6 hours", "within 2 days" or '
                            '"2026-12-01 09:00"')
        new = step.model_copy(update={"due": due})
    else:
        new = ActionStep.model_validate({**step.model_dump(), _PART[part]: value})
    steps = [*plan.steps[: n - 1], new, *plan.steps[n:]]
    return PlanEdit(plan.model_copy(update={"steps": steps}), said=f"Updated step {n}.")


def _remove(plan: ActionPlan, n: int) -> PlanEdit:
    if not 1 <= n <= len(plan.steps):
        return PlanEdit(None, f"there is no step {n}; the plan has steps 1 to {len(plan.steps)}")
    if len(plan.steps) == 1:
        return PlanEdit(None, "a plan needs at least one step; add another before removing this")
    steps = [s for i, s in enumerate(plan.steps, start=1) if i != n]
    return PlanEdit(plan.model_copy(update={"steps": steps}), said=f"Removed step {n}.")


def _iso(value: str, now: datetime) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)

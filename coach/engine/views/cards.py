"""Tickets and plans as Markdown cards and documents."""

from __future__ import annotations

from datetime import datetime

from coach.domain import ActionPlan, EscalationTicket, SeverityFramework, TicketDraft
from coach.domain.session import CoachSession
from coach.engine.drafting import LABELS
from coach.engine.inputs import escape


def when(moment: datetime | None) -> str:
    """A time as people write it in tickets, always with its zone."""
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip() if moment else "not set"


def severity_text(severity: int | None, framework: SeverityFramework) -> str:
    """"2 (High)", or "not set"."""
    level = framework.find(severity) if severity else None
    return f"{level.level} ({escape(level.name)})" if level else "not set"


def draft_card(session: CoachSession) -> str:
    """The ticket so far as a Markdown table, with what is missing."""
    ticket = session.ticket
    rows = ["| Field | Value |", "|---|---|"]
    for name, label in LABELS.items():
        rows.append(f"| {label} | {_cell(session, ticket, name)} |")
    rows.append(f"| Response due | {when(session.response_due())} |")
    missing = [LABELS[n] for n in ticket.missing()]
    if missing:
        rows.append("")
        rows.append("Still missing: " + ", ".join(missing) + ".")
    return "\n".join(rows)


def _cell(session: CoachSession, ticket: TicketDraft, name: str) -> str:
    value = getattr(ticket, name)
    if name == "severity":
        return severity_text(value, session.framework)
    if name == "actions_taken":
        return "; ".join(escape(a) for a in value) if value else _empty(session, name)
    return escape(" ".join(str(value).split())) if value else _empty(session, name)


def _empty(session: CoachSession, name: str) -> str:
    return "*skipped*" if name in session.progress.skipped else "—"


def captured(session: CoachSession, fields: list[str]) -> str:
    """Bullets of what was just captured."""
    lines = []
    for name in fields:
        label = LABELS.get(name, "Line for the customer")  # customer_summary is never asked
        lines.append(f"- **{label}:** {_cell(session, session.ticket, name)}")
    return "\n".join(lines)


def ticket_markdown(ticket: EscalationTicket, framework: SeverityFramework) -> str:
    """A confirmed ticket in the seed template's layout."""
    actions = "\n".join(f"- {escape(a)}" for a in ticket.actions_taken) or "- none recorded"
    parts = [
        f"# Escalation ticket: {escape(ticket.account)}",
        f"**Severity:** {severity_text(ticket.severity, framework)}",
        f"**CSM:** {escape(ticket.csm)}",
        f"**Escalation owner:** {escape(ticket.escalation_owner)}",
        f"**Created:** {when(ticket.created_at)} · **First response due:** "
        f"{when(ticket.response_due)}",
        f"## Issue summary\n{escape(ticket.issue_summary)}",
        f"## Business impact\n{escape(ticket.business_impact)}",
        f"## Actions taken\n{actions}",
        f"## Resolution requested\n{escape(ticket.resolution_requested)}",
        f"## Timeline required\n{escape(ticket.timeline_required or 'not given')}"
        + (f" (due {when(ticket.due_by)})" if ticket.due_by else ""),
    ]
    if ticket.customer_summary:
        parts.append(f"## Line for the customer\n{escape(ticket.customer_summary)}")
    return "\n\n".join(parts)


def plan_markdown(plan: ActionPlan) -> str:
    """An action plan as a numbered table."""
    rows = ["| # | Action | Owner | Due | Success metric |", "|---|---|---|---|---|"]
    for n, step in enumerate(plan.steps, start=1):
        rows.append(
            f"| {n} | {escape(step.action)} | {escape(step.owner)} | {when(step.due)} "
            f"| {escape(step.success_metric)} |"
        )
    return "\n".join(rows)

"""Communication drafts: the knowledge/ templates filled in with a confirmed ticket's facts."""

from __future__ import annotations

from datetime import datetime, timedelta

from coach.content.library import Library
from coach.content.templates import fill
from coach.domain import EscalationTicket, MessageDraft, SeverityFramework, hours_text
from coach.understanding.customer_safe import CustomerFacts, customer_facts

# Which template each draft uses, who reads it, and its card title.
DRAFTS = (
    ("customer_update", "customer", "Customer update"),
    ("internal_summary", "internal", "Internal executive summary"),
)


def next_update(ticket: EscalationTicket, library: Library, now: datetime) -> datetime:
    """The next point of the update schedule after now.

    Updates run at the severity's cadence from the first-response deadline, the same schedule
    the action plan uses: a message drafted before that deadline is the first response, and
    the customer hears from us again one cadence after it.
    """
    cadence = timedelta(hours=library.playbook.cadence(ticket.severity))
    due = ticket.response_due + cadence
    if due <= now:
        due += cadence * ((now - due) // cadence + 1)
    return due


def message_drafts(
    ticket: EscalationTicket, framework: SeverityFramework, library: Library, now: datetime
) -> list[MessageDraft]:
    """The customer update, composed from what the customer may read of the ticket, and the
    internal summary."""
    due = next_update(ticket, library, now)
    internal = _facts(ticket, framework, due)
    facts = {"customer": {**internal, **_customer(customer_facts(ticket))}, "internal": internal}
    return [
        MessageDraft(
            title=title,
            audience=audience,
            text=fill(library.template(name), facts[audience], "a message template",
                      extra_ok=True).strip(),
            next_update=due,
        )
        for name, audience, title in DRAFTS
    ]


def _customer(facts: CustomerFacts) -> dict[str, str]:
    actions = "\n".join(f"- {a}" for a in facts.actions_taken) or "- Our team is investigating."
    return {
        "account": facts.account,
        "csm": facts.csm,
        "issue_summary": facts.issue_summary,
        "business_impact": facts.business_impact,
        "actions_taken": actions,
        "resolution_requested": facts.resolution_requested,
        "timeline_required": facts.timeline_required or "to be confirmed with you",
    }


def cadence_text(ticket: EscalationTicket, library: Library) -> str:
    """"2 hours" for a Severity 1 on the seed playbook."""
    return hours_text(library.playbook.cadence(ticket.severity))


def _facts(ticket: EscalationTicket, framework: SeverityFramework, due: datetime) -> dict[str, str]:
    level = framework.level(ticket.severity)
    actions = "\n".join(f"- {a}" for a in ticket.actions_taken) or "- Investigation has started."
    return {
        "account": ticket.account,
        "severity": str(ticket.severity),
        "severity_name": level.name,
        "csm": ticket.csm,
        "issue_summary": ticket.issue_summary,
        "business_impact": ticket.business_impact,
        "actions_taken": actions,
        "resolution_requested": ticket.resolution_requested,
        "timeline_required": ticket.timeline_required or "to be confirmed with you",
        "escalation_owner": ticket.escalation_owner,
        "response_due": _time(ticket.response_due),
        "next_update": _time(due),
    }


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()

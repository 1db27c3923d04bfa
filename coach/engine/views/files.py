"""Downloads: file names and contents for confirmed tickets, plans and frameworks."""

from __future__ import annotations

import json
import re

from coach.domain import ActionPlan, EscalationTicket, SeverityFramework
from coach.domain.review import PostEscalationReview
from coach.domain.session import CoachSession
from coach.engine.views.cards import plan_markdown, ticket_markdown


def slug(text: str) -> str:
    """A file-name part from any text: "Globex Inc." -> "globex-inc"."""
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-")[:40] or "untitled"


def json_text(data: object) -> str:
    """The JSON layout of every download: indented, readable non-ASCII, a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def ticket_files(ticket: EscalationTicket, framework: SeverityFramework) -> dict[str, str]:
    """A confirmed ticket as Markdown and JSON."""
    stem = f"ticket-{slug(ticket.account)}"
    return {
        f"{stem}.md": ticket_markdown(ticket, framework) + "\n",
        f"{stem}.json": json_text(ticket.model_dump(mode="json")),
    }


def plan_files(plan: ActionPlan) -> dict[str, str]:
    """An action plan as Markdown and JSON."""
    stem = f"action-plan-{slug(plan.account or 'escalation')}"
    return {
        f"{stem}.md": f"# Action plan\n\n{plan_markdown(plan)}\n",
        f"{stem}.json": json_text(plan.model_dump(mode="json")),
    }


def review_files(account: str, review: PostEscalationReview) -> dict[str, str]:
    """A post-escalation review as Markdown and JSON."""
    stem = f"review-{slug(account)}"
    return {f"{stem}.md": review_markdown(account, review),
            f"{stem}.json": json_text(review.model_dump(mode="json", exclude_none=True))}


def review_markdown(account: str, review: PostEscalationReview) -> str:
    def items(values: list[str]) -> str:
        return "\n".join(f"- {v}" for v in values) or "- (none)"

    timeline = "\n".join(f"- {e.at:%Y-%m-%d %H:%M %Z}: {e.event}" for e in review.timeline)
    actions = "\n".join(f"- {a.action} (owner: {a.owner}, due {a.due:%Y-%m-%d %H:%M %Z})"
                         for a in review.action_items) or "- (none)"
    return (f"# Post-escalation review: {account}\n\n## Summary\n{review.summary}\n\n"
            f"## Impact\n{review.impact}\n\n## Timeline\n{timeline}\n\n"
            f"## Root cause\n{review.root_cause}\n\n## Contributing factors\n"
            f"{items(review.contributing_factors)}\n\n## Detection\n{review.detection}\n\n"
            f"## What went well\n{items(review.what_went_well)}\n\n## What went badly\n"
            f"{items(review.what_went_badly)}\n\n## Action items\n{actions}\n")


def export_files(session: CoachSession) -> dict[str, str]:
    """File name -> content for the session's confirmed ticket and plan."""
    files: dict[str, str] = {}
    if session.confirmed_ticket is not None:
        files.update(ticket_files(session.confirmed_ticket, session.framework))
    if session.action_plan is not None:
        files.update(plan_files(session.action_plan))
    return files

"""The severity question: the classifier's suggestion, its reasons and the level's definition."""

from __future__ import annotations

import re

from coach.domain import Button, Reply, SeverityLevel, TicketDraft, hours_text
from coach.engine.inputs import escape
from coach.engine.modes.base import Context
from coach.training.wording import full_stop


def severity_question(ctx: Context, classify: bool) -> Reply:
    """Suggest a level from what the ticket says, or ask for one when there is nothing to judge."""
    session = ctx.session
    ticket = session.ticket
    told = facts(ticket)
    # A severity the extractor already judged (with its rationale) is not judged twice: in LLM
    # mode that would be a second model call in one turn.
    if classify and told and not (ticket.severity and ticket.severity_rationale):
        session.progress.suggestion = ctx.brain.classify(told, session.framework)
        if ticket.severity_rationale is None or ticket.severity is None:
            ticket.severity_rationale = session.progress.suggestion.rationale
    suggestion = session.progress.suggestion
    chosen = ticket.severity or (suggestion.severity if suggestion and told else None)
    level = session.framework.find(chosen) if chosen else None
    buttons = [_level_button(lvl) for lvl in session.framework.levels]
    buttons.append(Button(id="skip", label="Skip this question"))
    if level is None:
        return Reply(text="Which severity level is it?\n\n" + _levels(ctx), buttons=buttons)
    reason = ticket.severity_rationale or (suggestion.rationale if suggestion else "")
    # The rationale opens by naming the level, which the suggestion has just said.
    reason = re.sub(r"^Severity \d+ \([^)]*\)\.\s*", "", reason)
    accept = Button(id="accept", label=f"Use Severity {level.level}")
    text = (
        f"I suggest **Severity {level.level} ({escape(level.name)})**: "
        f"{escape(full_stop(level.definition))}"
        + (f"\n\nWhy: {escape(reason)}" if reason else "")
        + f"\n\n{_duty(level)}\n\nAccept it, or choose another level "
        '(e.g. "make it a 2", "it\'s critical").'
    )
    return Reply(text=text, buttons=[accept, *buttons])


def facts(ticket: TicketDraft) -> str:
    """What the ticket says happened, as the judge reads it."""
    return " ".join(t for t in (ticket.issue_summary, ticket.business_impact) if t)


def _level_button(level: SeverityLevel) -> Button:
    return Button(id=f"severity-{level.level}", label=f"Severity {level.level} ({level.name})")


def _duty(level: SeverityLevel) -> str:
    within = hours_text(level.response_hours)
    return f"Owner: {escape(level.owner)} · first response within {within}."


def _levels(ctx: Context) -> str:
    return "\n".join(
        f"- **{lvl.level} ({escape(lvl.name)})**: {escape(lvl.definition)}. {_duty(lvl)}"
        for lvl in ctx.session.framework.levels
    )

"""Changing a `TicketDraft` one field at a time, and deciding what to ask next."""

from __future__ import annotations

import re
from datetime import datetime

from coach.domain import SeverityLevel, TicketDraft, level_ref
from coach.domain.session import CoachSession
from coach.engine.forms import Form, Slot, a_name
from coach.parsing.deadlines import deadline

TICKET_FORM = Form((
    Slot("account", "Account", "Which account is this? Use the CRM name; ARR and renewal date "
         "help.", a_name),
    Slot("severity", "Severity", "Which severity level is it?"),
    Slot("csm", "CSM", "Who is the CSM on this account?", a_name),
    Slot("issue_summary", "Issue summary",
         "What is wrong, since when, and for whom? A few factual sentences."),
    Slot("business_impact", "Business impact",
         "What does it cost the customer? Users affected, deadlines, money at risk."),
    Slot("actions_taken", "Actions taken",  # "no, nothing yet" is an answer here
         "What has been tried so far, and by whom? One action per line.", refuses=("company",)),
    Slot("resolution_requested", "Resolution requested",
         "What outcome is the customer asking for?"),
    Slot("timeline_required", "Timeline required",
         'What deadline matters? E.g. "within 2 days", or a date and time zone.',
         refuses=("company",)),
    Slot("escalation_owner", "Escalation owner", "Who owns this escalation?", a_name),
))
LISTED = "actions_taken"  # the slot filled one item per message, until the user is done
MORE = "Anything else tried? Add the next action, or say `done`."
DONE_WORDS = {"done", "that-s-all", "thats-all", "that-s-it", "thats-it", "nothing-else",
              "no", "nope", "no-more", "none", "finished", "all-done", "that-is-all",
              "nothing-more", "no-that-s-it", "that-s-everything", "nothing", "nothing-yet"}
LABELS = TICKET_FORM.labels
QUESTIONS = TICKET_FORM.questions
# The order questions are asked in: severity comes after the facts it is judged from.
ASK_ORDER = (
    "account", "issue_summary", "business_impact", "severity", "csm",
    "actions_taken", "resolution_requested", "timeline_required", "escalation_owner",
)
_EXPLICIT_LEVEL = re.compile(rf"{level_ref()}|\b(?:critical|high|medium|low)\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•☐]|\d+[.)])\s*")


def next_field(session: CoachSession) -> str | None:
    """The first field still to ask about, or None when the card can be shown."""
    ticket, progress = session.ticket, session.progress
    for name in ASK_ORDER:
        if name in progress.skipped:
            continue
        if name == "severity":
            if ticket.severity is None or not progress.severity_confirmed:
                return name
        elif getattr(ticket, name) in (None, []) or (name == LISTED and progress.listing):
            return name
    return None


# "acct is Mirabel Hotels", "csm: Dana", "it's Globex": the name without its lead-in
_NAME_LEAD = re.compile(r"^(?:(?:the\s+)?(?:acct|account|customer|client|csm)(?:\s+name)?"
                        r"\s*(?:is\b|=|:|-)\s*|it'?s\s+|it is\s+|that'?s\s+)", re.I)


def set_field(session: CoachSession, name: str, value: str, now: datetime) -> None:
    """Replace one text field from the user's words; severity goes through set_severity."""
    ticket = session.ticket
    if name == "actions_taken":
        ticket.actions_taken = split_actions(value)
    elif name in ("account", "csm"):
        setattr(ticket, name, _NAME_LEAD.sub("", value).strip(" .!") or value)
    else:
        setattr(ticket, name, value)
    if name == "timeline_required":
        ticket.due_by = deadline(value, now, session.zone())
    if name == "escalation_owner":
        session.progress.owner_given = True
    _unskip(session, name)


def list_actions(session: CoachSession, text: str, word: str) -> bool:
    """An answer at the actions question: more actions (kept, and asked for again), or the
    user being done. Returns whether actions were added."""
    if word in DONE_WORDS:
        session.progress.listing = False
        if not session.ticket.actions_taken:
            skip(session, LISTED)
        return False
    session.ticket.actions_taken = [*session.ticket.actions_taken, *split_actions(text)]
    session.progress.listing = True
    _unskip(session, LISTED)
    return True


def add_action(session: CoachSession, value: str) -> None:
    """Append to actions taken."""
    session.ticket.actions_taken = [*session.ticket.actions_taken, value]
    _unskip(session, "actions_taken")


def set_severity(session: CoachSession, level: SeverityLevel) -> None:
    """Choose a level; the owner follows it unless the user named one."""
    session.ticket.severity = level.level
    session.progress.severity_confirmed = True
    session.progress.triage_plan = []  # a chosen level ends any triage
    if not session.progress.owner_given:
        session.ticket.escalation_owner = level.owner
    _unskip(session, "severity")


def merge(session: CoachSession, found: TicketDraft, text: str) -> list[str]:
    """Fill empty fields from an extracted draft; returns the fields it filled."""
    ticket, filled = session.ticket, []
    stated = states_level(text) and found.severity is not None
    for name in LABELS:
        value = getattr(found, name)
        # a level the text states replaces one only guessed before; nothing else is replaced
        guessed = name == "severity" and stated and not session.progress.severity_confirmed
        if value in (None, []) or (getattr(ticket, name) not in (None, []) and not guessed):
            continue
        setattr(ticket, name, value)
        filled.append(name)
        _unskip(session, name)
    if "timeline_required" in filled and ticket.due_by is None:
        ticket.due_by = found.due_by
    if "severity" in filled:
        ticket.severity_rationale = found.severity_rationale
        ticket.severity_unsure = found.severity_unsure
        session.progress.severity_confirmed = states_level(text)
    if "escalation_owner" in filled:
        # An owner the extractor derived from the level must keep following the level.
        level = session.framework.find(ticket.severity) if ticket.severity else None
        owner = str(found.escalation_owner).casefold()
        session.progress.owner_given = level is None or level.owner.casefold() != owner
    return filled


def states_level(text: str) -> bool:
    """Whether a text names a level ("Severity: 1", "sev 2", "critical") rather than leaving
    it to be judged."""
    return bool(_EXPLICIT_LEVEL.search(text))


def derive_owner(session: CoachSession) -> None:
    """Give the ticket the owner its severity level names, unless the user chose one."""
    level = session.framework.find(session.ticket.severity) if session.ticket.severity else None
    if level is not None and not session.progress.owner_given:
        session.ticket.escalation_owner = level.owner


def skip(session: CoachSession, name: str) -> None:
    """Remember not to ask about a field again."""
    if name == LISTED:
        session.progress.listing = False
    if name not in session.progress.skipped:
        session.progress.skipped = [*session.progress.skipped, name]


def split_actions(text: str) -> list[str]:
    """One action per line or per "; ", bullets removed."""
    parts = re.split(r"\n|;\s", text)
    return [cleaned for p in parts if (cleaned := _BULLET.sub("", p).strip())]


def _unskip(session: CoachSession, name: str) -> None:
    if name in session.progress.skipped:
        session.progress.skipped = [n for n in session.progress.skipped if n != name]

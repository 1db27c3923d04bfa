"""What a customer may read of a ticket: its fields composed without internal text.

A ticket's fields are often pasted straight from an internal thread: email headers and
signatures, the account's ARR and renewal date, JIRA keys, who called whom at what time. The
customer update is written from the customer-safe part of each field only; a field with
nothing safe left gives way to a neutral line, so the update is always written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.domain import EscalationTicket
from coach.parsing.text import sentences

# A line that belongs to an email's envelope or signature, never to its message.
_ENVELOPE = re.compile(
    r"^\s*>?\s*(?:from|to|cc|bcc|sent|date|subject|re|fwd?|von|an|de|à|para)\s?:"
    r"|^\s*(?:thanks|thank you|regards|best|cheers|kind regards|sent from my)\b[,!.]?\s*$"
    r"|^\s*-{2,}", re.I)
# Internal money: ARR, renewal value, any amount.
_MONEY = re.compile(r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:k|m|bn)\b|\b(?:arr|mrr|acv|tcv|revenue|deal"
                    r" size|contract value|renewal value|renews?\b|upsell|churn risk)", re.I)
# Internal ticket keys and numbers: "ENG-4412", "JIRA", "INC #5521".
_TICKET = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d+\b|\bjira\b|#\s?\d{3,}|\bzendesk\b|\bsalesforce\b",
                     re.I)
# Internal people's notes: who called, pinged or paged whom, and when.
_NOTE = re.compile(
    r"\b(?:called|pinged|paged|slacked|looped in|cc'?d|dm'?d|phoned|escalated to)\b"
    r"|\bat \d{1,2}(?::\d\d)?\s?(?:am|pm)\b|\((?:[A-Z][a-z]+)\)|\binternal(?:ly)?\b"
    r"|\b(?:our|the) (?:ae|cro|vp|sales|deal desk|legal)\b", re.I)
_ME = re.compile(r"^\s*(?:i|me|myself|yours truly)\b[\s,:()-]*", re.I)


@dataclass(frozen=True)
class CustomerFacts:
    """The ticket's fields as the customer may read them."""

    account: str
    csm: str
    issue_summary: str
    business_impact: str
    actions_taken: list[str]
    resolution_requested: str
    timeline_required: str | None
    summary_was_internal: bool  # the issue summary had nothing the customer may read


def leaks(text: str, allowed: str = "") -> set[str]:
    """The internal details a text carries that `allowed` (the offline draft) does not: money,
    ticket keys, people's notes. An LLM's rewrite of the customer update is checked with it."""
    return _details(text) - _details(allowed)


def _details(text: str) -> set[str]:
    return {m[0].casefold() for pattern in (_MONEY, _TICKET, _NOTE)
            for m in pattern.finditer(text)}


def internal(text: str) -> bool:
    """Whether a sentence carries internal detail a customer must not read."""
    return bool(_ENVELOPE.search(text) or _MONEY.search(text) or _TICKET.search(text)
                or _NOTE.search(text))


def safe_text(text: str | None) -> str | None:
    """The sentences of a field a customer may read, or None when none is left."""
    if not text:
        return None
    lines = [ln for ln in text.splitlines() if ln.strip() and not _ENVELOPE.search(ln)]
    kept = [s for s in sentences(" ".join(" ".join(lines).split())) if not internal(s)]
    return " ".join(kept) or None


def customer_facts(ticket: EscalationTicket) -> CustomerFacts:
    summary = ticket.customer_summary or safe_text(ticket.issue_summary)
    return CustomerFacts(
        account=_name(ticket.account) or "there",
        csm=_name(_ME.sub("", ticket.csm)) or "your customer success manager",
        issue_summary=summary or "We are investigating the issue you reported to us.",
        business_impact=safe_text(ticket.business_impact)
        or "we know this is disrupting your work",
        actions_taken=[a for a in ticket.actions_taken if not internal(a)],
        resolution_requested=safe_text(ticket.resolution_requested) or "a resolution",
        timeline_required=safe_text(ticket.timeline_required),
        summary_was_internal=summary is None,
    )


def _name(value: str) -> str:
    """A name without internal notes pasted after it: "Globex Corp, $180k ARR, renews in May"
    -> "Globex Corp"; "Hart, Ng & Loewe LLP" stays whole."""
    parts = re.split(r"(\s*[,(;|]\s*|\s+[-–—]\s+)", value.strip())
    kept = parts[0]
    for glue, part in zip(parts[1::2], parts[2::2], strict=True):
        if "(" in glue or internal(part):
            break
        kept += glue + part
    return kept.strip(" .,")

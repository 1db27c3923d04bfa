"""Ticket fields from a labelled template or from free prose; nothing the text does not say."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from coach.domain import (
    LEVEL_REF,
    Classification,
    SeverityFramework,
    TicketDraft,
    level_ref,
    matched_level,
    parse_level_number,
)
from coach.parsing.deadlines import DEADLINE, due_by, in_zone
from coach.parsing.text import chat_said, record_as_labels, sentences
from coach.understanding.labels import read_labels
from coach.understanding.names import Names, read_names
from coach.understanding.signals import find_signals

Classify = Callable[[str, SeverityFramework], Classification]
ReadNames = Callable[[str], Names]

_ENUMERATED = re.compile(r"(?:^|\s+)\(?\d{1,2}[.)]\s+")
_BULLET = re.compile(r"^\s*(?:[-*•☐☑✓]|\[[ x]?\]|\d+[.)])\s+")
_OTHER_TICKET = re.compile(
    r"\b(?:opened|filed|raised|logged|created|submitted)\s+(?:\w+\s+){0,2}$"
    r"|\b(?:ticket|bug|case|jira)\s*#?\s*$"
    r"|^\s*(?:ticket|bug|incident|issue|case|with (?:engineering|support|the))", re.I)
_ACTION = re.compile(
    r"\b(?:I|[Ww]e)(?:'ve| have| had)?(?: already)? (?:(?!need)[a-z]{2,}ed|sent|set up|put|told"
    r"|gave|got|ran"
    r"|spoke|met|built|wrote|made)\b")
_REQUEST = re.compile(
    r"\b(?:[Ww]e|[Tt]hey|[Ss]he|[Hh]e|[Tt]he customer)(?:'re| are)? (?:need|needs|want|wants"
    r"|asking for|requesting|request|would like|'d like)\b(?! to know)\s*(?P<ask>.+)")
_IMPACT_MONEY = re.compile(r"\$\s?\d|\b(?:arr|mrr|revenue)\b|\d\s?(?:k|m)\b", re.I)
_IMPACT_SCALE = re.compile(
    r"\d[\d,]*(?:-person)?\s+(?:[\w-]+\s+){0,2}?(?:users?|seats?|staff|employees|analysts|stores"
    r"|locations|properties|sites|agents|clinicians|adjusters|members|customers|records|products"
    r"|people|team|orders?|centers|drivers)\b|\bhours? a (?:day|week)\b|\bproductivity\b"
    r"|\bcosting\b|\d+(?:\.\d+)?%|\bend customers\b|\b(?:a couple of|several|many|most|half)\b"
    r"[^.;]{0,30}?\b(?:staff|users|team|people)\b|\bin excel\b|\bby hand\b", re.I)
_INTRO = re.compile(
    r"^(?:hi|hey|hello)\b|\b(?:this is|my name is|i'm|i am) [A-Z]|\bescalat(?:e|ing)\b"
    rf"|^\W*{level_ref()}", re.I)


def extract_ticket(
    text: str, framework: SeverityFramework, now: datetime, classify: Classify,
    names: ReadNames = read_names,
) -> TicketDraft:
    """A draft ticket from a template or prose; severity and owner fall back to the framework.
    The account and the CSM come from the names reader, whatever the wording."""
    text = record_as_labels(text)
    fields = parse_template(text)
    if len(fields) < 2:  # prose, perhaps with one labelled field ("actions so far: ...")
        fields = {**parse_prose(text), **fields}
    elif "timeline_required" not in fields and (deadline := DEADLINE.search(text)):
        fields["timeline_required"] = deadline[0]  # "they need it by Friday" beside the labels
    named = names(text)
    for field, value in (("account", named.account), ("csm", named.csm)):
        if value:
            fields[field] = value
        else:
            fields.pop(field, None)
    timeline = fields.get("timeline_required")
    if isinstance(timeline, str):
        match = DEADLINE.search(timeline)
        fields["due_by"] = due_by(match, in_zone(now, framework.timezone)) if match else None
    if isinstance(fields.get("severity"), str):
        fields["severity"] = _level_in(fields["severity"], framework)
    _settle_severity(fields, text, framework, classify)
    return TicketDraft.model_validate(fields)


def parse_template(text: str) -> dict[str, Any]:
    """Labelled fields ("ACCOUNT: X", "cust: X; sev: 2", values on the following lines)."""
    fields: dict[str, Any] = {}
    for name, value in read_labels(text).items():
        if name == "actions_taken":  # "1) rolled back 2) added a banner" on one line
            value = _ENUMERATED.sub("\n", value)
        lines = [_BULLET.sub("", ln).strip() for ln in value.splitlines()]
        lines = [ln for ln in lines if ln]
        fields[name] = lines if name == "actions_taken" else " ".join(lines)
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def parse_prose(text: str) -> dict[str, Any]:
    """Fields stated in free prose, each from the sentence that says it."""
    flat = " ".join(chat_said(text).split())
    # Clauses joined by ";" often say different things ("lost $50k; I've paged on-call").
    parts = [clause for s in sentences(flat) for clause in re.split(r";\s+", s) if clause]
    fields: dict[str, Any] = {
        "severity": stated_severity(flat),
    }
    actions = [clause for s in parts for clause in _actions(s)]
    requests = [s for s in parts if _REQUEST.search(s) and not _ACTION.search(s)]
    fields["actions_taken"] = actions
    if requests:
        fields["resolution_requested"] = _REQUEST.search(requests[-1]).group("ask").rstrip(".")  # type: ignore[union-attr]
    story = [_after_intro(s) for s in parts if not _ACTION.search(s) and s not in requests[-1:]]
    summary = next((s for s in story if not _INTRO.search(s) or find_signals(s)), None)
    fields["issue_summary"] = summary
    fields["business_impact"] = _impact([s for s in story if s != summary]) or _impact(story)
    for source in requests[::-1] + parts:
        match = DEADLINE.search(source)
        if match:
            fields["timeline_required"] = match.group(0)
            break
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def stated_severity(text: str) -> int | None:
    """A severity the writer states ("sev 1", "P2"), ignoring other tickets' priorities."""
    for match in LEVEL_REF.finditer(text):  # not "opened a P1 with engineering": another ticket
        before, after = text[max(0, match.start() - 30): match.start()], text[match.end():]
        if not _OTHER_TICKET.search(before) and not _OTHER_TICKET.match(after):
            return matched_level(match)
    return None


def _settle_severity(
    fields: dict[str, Any], text: str, framework: SeverityFramework, classify: Classify
) -> None:
    """Use a stated severity, else the classifier's; the owner follows from the level."""
    if fields.get("severity"):
        fields["severity_rationale"] = f"Severity {fields['severity']} as stated in the text."
    else:
        # The whole text: a threat to cancel may sit in any sentence, not only the summary.
        judged = classify(text, framework)
        fields["severity"] = judged.severity
        fields["severity_rationale"] = judged.rationale
        fields["severity_unsure"] = judged.unsure
    level = framework.find(fields["severity"])
    if level is not None and not fields.get("escalation_owner"):
        fields["escalation_owner"] = level.owner


def _level_in(value: str, framework: SeverityFramework) -> int | None:
    """The level a template's SEVERITY value names: "2", "Sev 2 (High)", "Critical"."""
    head = re.split(r"\s*[(:,;]|\s+-\s+|\.(?:\s|$)", value.strip(), maxsplit=1)[0]
    level = framework.find(head) or framework.find(value)
    return level.level if level else parse_level_number(head)


def _after_intro(sentence: str) -> str:
    """ "Quick one from me (I'm Rachel): our customer ..." -> "our customer ..."."""
    head, colon, rest = sentence.partition(":")
    return rest.strip() if colon and _INTRO.search(head) and len(rest.split()) > 3 else sentence


def _actions(sentence: str) -> list[str]:
    """The first-person, past-tense clauses of a sentence: what has already been done."""
    pieces = re.split(r",?\s+and\s+(?=(?:I|[Ww]e)\b)", sentence)
    return [p.strip().rstrip(".") for p in pieces if _ACTION.search(p)]


def _impact(candidates: list[str]) -> str | None:
    """The sentence that best says what the problem costs: money first, then scale."""
    scored = [(2 if _IMPACT_MONEY.search(s) else 1, -i, s) for i, s in enumerate(candidates)
              if _IMPACT_SCALE.search(s) or _IMPACT_MONEY.search(s)]
    return max(scored)[2].rstrip(".") if scored else None

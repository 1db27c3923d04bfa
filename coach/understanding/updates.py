"""Escalation updates said in words: "sent Globex an update", "Initech is waiting on their
IT", "Globex resolved: hotfix deployed", "make Globex a sev 1, they just threatened to
cancel", "note on Initech: called their CTO at 3pm".

Only the shape is read here: what changed, the words that name the escalation, and the text.
Which escalation those words name is decided against the tracked ones (coach.web.desk), so
a sentence that names none of them is never taken for an update.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from coach.domain import level_ref, matched_level
from coach.domain.escalation import Status

UpdateKind = Literal["customer-update", "note", "status", "severity"]
_TAIL = r"(?:\s*[:,;.!\-–—]\s*|\s+)?(?P<text>.*)$"
_VENDOR = re.compile(r"\b(vendor|supplier|partner|third[- ]party|provider|aws|azure|gcp|"
                     r"google cloud|our (?:upstream|hosting|cloud))\b", re.I)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("note", re.compile(r"^\s*(?:add an? )?note (?:on|for|to|about) (?P<target>[^:–—]+?)"
                        r"\s*[:–—-]\s*(?P<text>.+)$", re.I)),
    ("severity", re.compile(
        r"^\s*(?:please\s+)?(?:make|mark|set|bump|raise|lower|move|change|drop|escalate)\s+"
        r"(?P<target>.+?)\s+(?:up |down )?(?:to |as |into )?(?:an? )?"
        rf"(?P<level>{level_ref('n')})(?:\s+escalation)?" + _TAIL, re.I)),
    ("waiting", re.compile(r"^\s*(?P<target>.+?)\s+(?:is|are|'s)?\s*(?:now\s+|still\s+)?"
                           r"waiting (?:on|for) (?P<who>[^,.;:!]+)" + _TAIL, re.I)),
    ("resolved", re.compile(r"^\s*(?P<target>.+?)\s+(?:is\s+|was\s+|has been\s+|got\s+)?"
                            r"(?P<state>resolved|fixed|closed)\b" + _TAIL, re.I)),
    ("reopened", re.compile(r"^\s*re-?open\s+(?P<target>[^:,;.\-–—]+?)"
                            r"\s*(?:[:,;.\-–—]\s*(?P<text>.*))?$", re.I)),
    ("customer-update", re.compile(
        r"^\s*(?:i\s+|we\s+|just\s+)*(?:sent|emailed|messaged|gave|posted|shared)\s+"
        r"(?P<target>.+?)\s+(?:an?\s+|the\s+|another\s+)?(?:status\s+|customer\s+)?update"
        + _TAIL, re.I)),
    ("customer-update", re.compile(
        r"^\s*(?:i\s+|we\s+|just\s+)*(?:updated|emailed|called)\s+(?P<target>[^:,.;]+?)"
        r"\s*(?:[:,;.\-–—]\s*(?P<text>.*))?$", re.I)),
]


@dataclass(frozen=True)
class UpdateWords:
    """An update as said: its kind, the words naming the escalation, and what to record."""

    kind: UpdateKind
    target: str
    text: str
    status: Status | None = None
    severity: int | None = None


def read_update(text: str) -> UpdateWords | None:
    """The update a message states, or None when it states none."""
    line = " ".join(text.split())
    if not line or len(line) > 500:
        return None
    for shape, pattern in _PATTERNS:
        match = pattern.match(line)
        if match is None:
            continue
        target = match["target"].strip(" ,.;:'\"").removeprefix("the ").strip()
        said = (match.groupdict().get("text") or "").strip()
        if not target:
            continue
        if shape == "severity":
            return UpdateWords("severity", target, said, severity=matched_level(match))
        if shape == "waiting":
            who = match["who"]
            status: Status = ("waiting-on-vendor" if _VENDOR.search(who) else
                              "waiting-on-customer")
            return UpdateWords("status", target, said or f"waiting on {who.strip()}",
                               status=status)
        if shape == "resolved":
            closed = match["state"].lower() == "closed"
            return UpdateWords("status", target, said, status="closed" if closed else
                               "resolved")
        if shape == "reopened":
            return UpdateWords("status", target, said, status="in-progress")
        return UpdateWords(shape, target, said or line)  # type: ignore[arg-type]
    return None

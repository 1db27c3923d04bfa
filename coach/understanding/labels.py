"""Labelled ticket fields, however the labels are spelled and wherever they sit.

"ACCOUNT:" on its own line with the value below, "cust: X; owner - Y; issue - Z", "Account name
= X", "Client: X | CSM: Y | Severity: 2" and "Account: X. Severity: 2. CSM: Y." all label
fields. A label starts a line or follows a separator (". ", ";", "|", two spaces); the common
unambiguous ones ("Account:", "CSM:", "Severity:") may also sit mid-sentence before a colon.
A value runs to the next label.
"""

from __future__ import annotations

import csv
import re

from coach.parsing.text import without_note

# Field -> its label spellings; the longer spelling of a label comes first.
LABELS = {
    "account": r"account[ _]name|account|acct|customer[ _]name|customer|cust|client[ _]name|client"
               r"|company|organi[sz]ation|org",
    "severity": r"severity|sev|priority|prio",
    "csm": r"account[ _]owner(?: \(csm\)|[ _]csm)?|account manager|customer success manager"
           r"|assignee[_ ]csm|csm[ _]owner|csm[ _]name|owner/csm|csm/owner|our (?:csm|person)"
           r"|acct\.? (?:mgr|manager|owner)|account mgr|cs owner|owner[ _]cs|csm__c"
           r"|[a-z]+ \(csm\)|raised by|csm|am|owner",
    "issue_summary": r"issue summary|issue|summary|problem|what happened|what|description"
                     r"|details|notes?",
    "business_impact": r"business impact|impact",
    "actions_taken": r"actions[ _]taken(?: so far)?|actions so far"
                     r"|actions we(?:'ve)? (?:took|taken)|actions|steps taken|done so far|done"
                     r"|tried so far|tried",
    "resolution_requested": r"resolution requested|resolution|request|the ask|ask",
    "timeline_required": r"timeline required|timeline|customer[ _]deadline|deadline|due by|due"
                         r"|by when|required by|needed by",
    "escalation_owner": r"escalation owner",
}
_INLINE = {"account", "severity", "csm", "business_impact", "timeline_required",
           "escalation_owner"}
_ANY = "|".join(LABELS.values())
_SEP = (r"[ \t]*(?:\((?!csm\))[^)\n]{0,20}\))?[ \t]*\??[ \t]*"
        r"(?:[:=/]|->|→|[ \t][-–—][ \t]|-{1,2}(?=[ \t])|\.{3,})[ \t]*")
_LABEL = re.compile(
    rf"(?:^|(?<=[\n;|{{,])|(?<=[.;|] )|(?<=\S  ))[ \t*_>\"'-]*(?P<label>{_ANY})(?![\w])"
    rf"[*_\"']*{_SEP}[*_\"']*[ \t]*"
    rf"|\b(?P<inline>{_ANY})(?![\w])[ \t]*[:=][ \t]*",
    re.I | re.M,
)
# Where a pasted email's message ends: a sign-off line after a blank line, or "-- ".
_SIGN_OFF = re.compile(r"\n[ \t]*\n[ \t]*(?=(?:thanks|thank you|regards|best|cheers|kind regards"
                       r"|many thanks|sent from my)\b[^\n]{0,20}\n|--[ \t]*\n)", re.I)
_TRAILER = re.compile(r"[\s;|,\"'*]+$")
_CELLS = re.compile(r"^\s*\|?(.+?)\|?\s*$")


def field_of(label: str) -> str | None:
    """The ticket field a label names: "cust" -> "account"."""
    key = " ".join(label.lower().split())
    for field, spellings in LABELS.items():
        if re.fullmatch(spellings, key):
            return field
    return None


def read_labels(text: str) -> dict[str, str]:
    """Each labelled field's value (the first time a field is labelled), as written."""
    marks = []
    for match in _LABEL.finditer(text):
        field = field_of(match["label"] or match["inline"])
        if field is None or (match["inline"] and field not in _INLINE):
            continue
        marks.append((field, match.start(), match.end()))
    found: dict[str, str] = _table(text)
    for n, (field, _, end) in enumerate(marks):
        stop = marks[n + 1][1] if n + 1 < len(marks) else len(text)
        value = _SIGN_OFF.split(text[end:stop], maxsplit=1)[0]  # not the signature below
        value = _TRAILER.sub("", value).strip().strip("\"'*–—")  # "Acct mgr: —" is no value
        if value and field not in found:
            found[field] = value
    return found


def _table(text: str) -> dict[str, str]:
    """A pasted CRM row (a header line of labels split by "|" or tabs, then the row of values),
    or a two-column table of label and value ("| Owner | Mikkel Jensen |")."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not re.fullmatch(r"[\s|:-]+", ln)]
    for header, row in zip(lines, lines[1:], strict=False):
        names = [field_of(_unbracketed(cell)) for cell in _cells(header)]
        if sum(name is not None for name in names) < 2 or len(_cells(row)) < 2:
            continue
        return {name: cell.strip() for name, cell in zip(names, _cells(row), strict=False)
                if name is not None and cell.strip()}
    found: dict[str, str] = {}
    for line in (ln for ln in lines if ln.lstrip().startswith("|")):
        cells = _cells(line)
        field = field_of(_unbracketed(cells[0])) if len(cells) == 2 else None
        if field and cells[1].strip() and field not in found:
            found[field] = cells[1].strip()
    return found


def _unbracketed(cell: str) -> str:
    """A header cell without its note: "Owner (CSM)" -> "Owner"."""
    return without_note(cell.strip(" *\""))


def _cells(line: str) -> list[str]:
    """A table line's cells, split by "|", tabs or CSV commas ([] when it is not a table line)."""
    if "|" in line:
        match = _CELLS.match(line)
        return match[1].split("|") if match else []
    if "\t" in line:
        return line.split("\t")
    cells = next(csv.reader([line]), [])
    return cells if len(cells) > 2 else []

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
               r"|company|organi[sz]ation|org|co\.",
    "severity": r"severity|sev|priority|prio",
    "csm": r"account[ _]owner(?: \(csm\)|[ _]csm)?|account manager|customer success manager"
           r"|assignee[_ ]csm|csm[ _]owner|csm[ _]name|owner/csm|csm/owner|our (?:csm|person)"
           r"|acct\.? (?:mgr|manager|owner)|account mgr|cs owner|owner[ _]cs|csm__c"
           r"|(?:cust(?:omer|\.)? )?success (?:mgr|manager)"
           r"|[a-zà-ÿ]+(?: [a-zà-ÿ]+){0,3} \(csm\)|raised by|assigned csm|csm assigned"
           r"|csm respons[aá]vel"
           r"|csm responsable|responsable (?:de )?cs|kundenbetreuer(?:in)?|betreuer(?:in)?"
           r"|respons[aá]vel (?:pelo )?cs|csm|am|owner|担当 ?csm|担当",
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
        r"(?:[:=/：]|->|→|[ \t][-–—][ \t]|-{1,2}(?=[ \t])|\.{3,})[ \t]*")
_LABEL = re.compile(
    rf"(?:^|(?<=[\n;|{{,])|(?<=[.;|/] )|(?<=\S  ))[ \t*_>\"'-]*(?P<label>{_ANY})(?![\w])"
    rf"[*_\"']*{_SEP}[*_\"']*[ \t]*"
    rf"|\b(?P<inline>{_ANY})(?![\w])[ \t]*[:=][ \t]*"
    rf"|^[ \t#*]*(?P<heading>{_ANY})[ \t*]*\n(?=[ \t]*\S)",  # "ACCOUNT" alone, its value below
    re.I | re.M,
)
# Where a pasted email's message ends: a sign-off line after a blank line, or "-- ".
_SIGN_OFF = re.compile(r"\n[ \t]*\n[ \t]*(?=(?:thanks|thank you|regards|best|cheers|kind regards"
                       r"|many thanks|sent from my)\b[^\n]{0,20}\n|--[ \t]*\n)", re.I)
_TRAILER = re.compile(r"[\s;|,\"'*]+$")
_CELLS = re.compile(r"^\s*\|?(.+?)\|?\s*$")
_NAMES = {"account", "csm"}
_NAME_END = re.compile(r"[ \t]*\|[ \t]*|[ \t]+/[ \t]+")


# A person's name labelled as the CSM: "Marcus (CSM): logged it", unlike a role, "Assignee
# (CSM): Tobias Wren", whose value is a bare name.
_NAMED_CSM = re.compile(r"(?P<name>[A-Z][a-z'’-]+) \((?i:csm)\)")
_BARE_NAME = re.compile(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}")


def field_of(label: str) -> str | None:
    """The ticket field a label names: "cust" -> "account"."""
    key = " ".join(label.lower().split())
    for field, spellings in LABELS.items():
        if re.fullmatch(spellings, key):
            return field
    return None


# A label of five letters or more, typed with one slip, at the start of a line or after a
# separator: "Custmer: X", "Sevrity: 2", "| CMS: Y |".
_LINE_LABEL = re.compile(r"(?:^|(?<=[|;])|(?<=[|;/] ))[ \t*_>-]*(?P<label>[a-z][a-z ]{1,22}[a-z])"
                         r"[ \t]*[:=][ \t]*", re.I | re.M)
_WORDS = {word: field for field, spellings in LABELS.items()
          for word in spellings.split("|") if re.fullmatch(r"[a-z ]{3,}", word)}


def misspelt_field(label: str) -> str | None:
    """The field a label names when it is one slip (a letter added, left out, changed or two
    swapped; in a short label ("CMS:"), only two letters swapped) from a label's spelling."""
    key = " ".join(label.lower().split())
    return next((field for word, field in _WORDS.items() if _one_slip(key, word)), None)


def _one_slip(typed: str, word: str) -> bool:
    if typed in (word, f"{word}s") or abs(len(typed) - len(word)) > 1:  # not "Customers:"
        return False
    start = next((n for n, (a, b) in enumerate(zip(typed, word, strict=False)) if a != b),
                 min(len(typed), len(word)))
    a, b = typed[start:], word[start:]
    swapped = a[:2] == b[1::-1] and a[2:] == b[2:]
    return swapped or len(word) >= 5 and (a[1:] == b[1:] or a[1:] == b or a == b[1:])


def read_labels(text: str) -> dict[str, str]:
    """Each labelled field's value (the first time a field is labelled), as written."""
    found: dict[str, str] = {}
    for field, value in labelled_values(text):
        found.setdefault(field, value)
    return found


def labelled_values(text: str) -> list[tuple[str, str]]:
    """Every labelled field with its value, a table's first, then in the order written: a field
    may be labelled twice ("Case Owner: Tier 2 Queue" ... "CSM__c: Nadia Haddad")."""
    marks = []
    for match in _LABEL.finditer(text):
        field = field_of(match["label"] or match["inline"] or match["heading"])
        if field is None or (match["inline"] and field not in _INLINE):
            continue
        named = _NAMED_CSM.fullmatch(match["label"] or "")
        name = named["name"] if named and field_of(named["name"]) is None else None
        marks.append((field, match.start(), match.end(), name))
    for match in _LINE_LABEL.finditer(text):
        if field_of(match["label"]) is None and (field := misspelt_field(match["label"])):
            marks.append((field, match.start(), match.end(), None))
    marks.sort(key=lambda mark: mark[1])
    found = list(_table(text).items())
    for n, (field, _, end, person) in enumerate(marks):
        stop = marks[n + 1][1] if n + 1 < len(marks) else len(text)
        value = _SIGN_OFF.split(text[end:stop], maxsplit=1)[0]  # not the signature below
        value = _TRAILER.sub("", value).strip().strip("\"'*–—/| ")  # "Acct mgr: —" is no value
        if field in _NAMES:  # "cust: X | sev 2 | csm: Y": a name ends at the separator
            value = _NAME_END.split(value, maxsplit=1)[0].strip()
        if person and not _BARE_NAME.fullmatch(value.split("\n")[0]):
            value = person  # "Marcus (CSM): logged in Canny": the CSM is Marcus
        if value:
            found.append((field, value))
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

"""Small text helpers shared by retrieval and understanding: tokens, sentences, stems."""

from __future__ import annotations

import json
import re

from coach.domain import LEVEL_REF, matched_level

STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing for from had has have
    how i if in into is it its just me my of on or our so than that the their them then there these
    they this to too us was we were what when where which who whom why will with would you your
    should shall am im ive dont do does any some about up out very really isn aren wasn weren
    doesn didn won wouldn couldn shouldn hasn haven""".split()
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# "is this a 2 or a 3?": bare numbers offered as a choice of levels
# The seed's level names in everyday speech: "a critical escalation", "a low-priority ticket"
_LEVEL_NAME = re.compile(
    r"\b(critical|high|medium|low)[- ](?:severity|sev|priority|pri|level|escalation|issue|ticket"
    r"|tier|bucket)s?\b",
    re.I,
)
_NAMED = {"critical": 1, "high": 2, "medium": 3, "low": 4}
_LEVEL_CHOICE = re.compile(r"\b(?:a|an|between)\s+([1-6])\s+(or|and)\s+(?:an?\s+)?([1-6])\b", re.I)


def normalise_levels(text: str) -> str:
    """Spell level shorthands out: "sev2", "P2", "S2" -> "severity 2"; "a 2 or a 3" too."""
    text = _LEVEL_NAME.sub(lambda m: f"severity {_NAMED[m[1].lower()]}", text)
    text = _LEVEL_CHOICE.sub(lambda m: f"severity {m[1]} {m[2]} severity {m[3]}", text)
    return LEVEL_REF.sub(lambda m: f"severity {matched_level(m)}", text)


def mentioned_levels(text: str) -> set[int]:
    """Severity levels a text names: "sev 1 or P2" -> {1, 2}."""
    return {int(n) for n in re.findall(r"\bseverity ([1-6])\b", normalise_levels(text), re.I)}


def stem(word: str) -> str:
    """A deliberately light stemmer: enough to match plurals and verb forms."""
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed content words."""
    words = _WORD.findall(normalise_levels(text).lower().replace("’", "'"))
    bare = (w.split("'")[0] for w in words)  # "what's" -> "what", "can't" -> "can"
    return [stem(w) for w in bare if w not in STOPWORDS]


# A line of a pasted chat: "[10:02] Dana Li: text", "[9:15 am] Priya: text", "Tue 14:21  Priya:
# text", "11:48 AM Priya: text", "[12/10/24, 08:15] Priya: text"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?"
CHAT_LINE = re.compile(
    rf"^\s*(?:\[\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*\.?\s+|\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{1,4}},?\s+)?"
    rf"{_TIME}(?:\s*\])?\s*"
    r"(?P<name>[^:\n\[\]]{2,40}?):(?P<said>[^\n]*)", re.I | re.M)
# A message as Slack copies it: "Priya Nair  10:03", "Priya Nair [4:02 PM]", "Priya Nair :coffee:
# 8:47 AM", or Discord: "Priya Nair — Today at 15:32"; then its lines.
_CHAT_HEADER = re.compile(
    rf"^[ \t]*(?P<name>[A-Za-z][^\n\[\]:]{{1,40}}?)(?:[ \t]+:[\w+-]+:)?"
    rf"(?:[ \t]{{2,}}(?:(?:Today|Yesterday|[A-Z][a-z]+day)[ \t]+)?|[ \t]*\[|,[ \t]+"
    rf"|[ \t]+[-–—][ \t]+(?:Today|Yesterday) at[ \t]+)"
    rf"{_TIME}\]?[ \t]*$",
    re.M)
# Or as Teams copies it: "[9:02] Andrés Villalobos", "[10:14 AM] Hollis, Brendan", "Ben Adeyemi
# 16:20" (this one only when two such lines make a chat).
_TIMED_HEADER = re.compile(rf"^[ \t]*\[(?:(?:Yesterday|Today|\w+day),?\s+"
                           rf"|\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?,?\s+)?{_TIME}\][ \t]+"
                           r"(?P<name>[A-Z][^\n\[\]:]{1,40}?)[ \t]*$", re.M)
_NAME_TIME = re.compile(
    rf"^[ \t]*(?P<name>[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){{0,3}}) {_TIME}[ \t]*$", re.M)


def chat_lines(text: str) -> list[tuple[str, str]]:
    """Who said what in a pasted chat, in order; [] when the text is not a chat."""
    lines = [(m["name"].strip(), m["said"].strip()) for m in CHAT_LINE.finditer(text)]
    if lines:
        return lines
    headers = list(_CHAT_HEADER.finditer(text)) or list(_TIMED_HEADER.finditer(text))
    if not headers and len(named := list(_NAME_TIME.finditer(text))) >= 2:
        headers = named
    ends = [h.start() for h in headers[1:]] + [len(text)] if headers else []
    return [(h["name"].strip(), " ".join(text[h.end(): end].split()))
            for h, end in zip(headers, ends, strict=True)]


def chat_said(text: str) -> str:
    """A pasted chat as what was said, one sentence per message, without times and speakers."""
    said = [line for _, line in chat_lines(text) if line]
    if not said:
        return text
    return " ".join(ln if ln[-1:] in ".!?" else f"{ln}." for ln in said)


def sentences(text: str) -> list[str]:
    """Split prose into sentences."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def without_note(value: str) -> str:
    """A value without the note in brackets ending it: "Owner (CSM)" -> "Owner"."""
    return re.sub(r"\s*\([^)]*\)$", "", value)


def word_count(text: str) -> int:
    return len(text.split())


# key=value: a bare value runs to the next key or a "|" or ";" ("acct=Acme & Sons Ltd | ").
_PAIR = re.compile(r"(?<![\w\"])(?P<key>[A-Za-z_][\w.]*)="
                   r"(?:\"(?P<quoted>[^\"]*)\""
                   r"|(?P<bare>[^\s\"|;]*(?:[ \t]+(?![\w.]+=)[^\s\"|;]+)*))")


def record_as_labels(text: str) -> str:
    """A pasted JSON record or log line (key="value" pairs) as labelled lines, so every reader
    sees "key: value": nested records are read for their fields, a record with a name stands
    for that name ({"owner": {"name": "Mei-Ling Chou", "role": "CSM"}} -> "owner: Mei-Ling
    Chou"), lists become bullets. Any other text is returned as it is."""
    stripped = text.strip()
    pairs = list(_PAIR.finditer(stripped))
    if len(pairs) >= 3 and "\n" not in stripped:
        return "\n".join(f"{m['key'].replace('_', ' ')}: {m['quoted'] or m['bare']}"
                         for m in pairs if m["quoted"] or m["bare"])
    if not stripped.startswith("{"):
        return text
    try:
        record = json.loads(stripped)
    except ValueError:
        return text
    if not isinstance(record, dict):
        return text
    lines: list[str] = []

    def put(key: str, value: object) -> None:
        label = key.replace("_", " ").strip()
        if isinstance(value, dict):
            if isinstance(value.get("name"), str):
                lines.append(f"{label}: {value['name']}")
            else:
                for inner, item in value.items():
                    put(inner, item)
        elif isinstance(value, list):
            items = [str(item) for item in value if isinstance(item, str | int | float)]
            if items:
                lines.extend([f"{label}:", *(f"- {item}" for item in items)])
        elif value is not None and str(value).strip():
            lines.append(f"{label}: {value}")

    for key, value in record.items():
        put(key, value)
    return "\n".join(lines) if lines else text

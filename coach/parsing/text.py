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


# A line of a pasted chat: "[10:02] Dana Li: text", "[9:15 am] Priya: text"
CHAT_LINE = re.compile(
    r"^\s*\[\d{1,2}:\d{2}(?:\s*[ap]m)?\]\s*(?P<name>[^:\n]{2,40}):(?P<said>[^\n]*)", re.I | re.M)


def chat_said(text: str) -> str:
    """A pasted chat as what was said, one sentence per line, without times and speakers."""
    if not CHAT_LINE.search(text):
        return text
    lines = (CHAT_LINE.sub(lambda m: m["said"], line).strip() for line in text.splitlines())
    return " ".join(ln if ln[-1:] in ".!?" else f"{ln}." for ln in lines if ln)


def sentences(text: str) -> list[str]:
    """Split prose into sentences."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def word_count(text: str) -> int:
    return len(text.split())


def json_as_labels(text: str) -> str:
    """A pasted JSON record as labelled lines, so every reader sees "key: value": nested
    records are read for their fields, a record with a name stands for that name ({"owner":
    {"name": "Mei-Ling Chou", "role": "CSM"}} -> "owner: Mei-Ling Chou"), lists become
    bullets. Any other text is returned as it is."""
    stripped = text.strip()
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

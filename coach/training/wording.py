"""Small wording helpers for lesson, feedback and score text."""

from __future__ import annotations

_ENDS = (".", "!", "?", "…", ":", ";", '."', ".'", ".)", ".*", ".**")


def full_stop(text: str) -> str:
    """The text ending in exactly one full stop: none is added after existing punctuation."""
    text = text.rstrip()
    return text if not text or text.endswith(_ENDS) else f"{text}."

"""What a user turn is: cleaned text or a button press; and escaping of user text in replies."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_INPUT_CHARS = 10_000
_BUTTON = re.compile(r"^\[button:([^\]\n]{1,80})\]$")
# C0 and C1 controls other than tab and newline break terminals, databases and JSON consumers.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


@dataclass(frozen=True)
class UserInput:
    """One user turn after cleaning: the text, whether it was a button, and notices."""

    text: str
    button: str | None = None
    truncated_from: int | None = None

    @property
    def empty(self) -> bool:
        return not self.text


def clean_text(raw: str) -> str:
    """Text any part of the coach can store and print: a lone surrogate (half of a UTF-16
    pair, which no encoder accepts) becomes U+FFFD, line ends become "\\n", and control
    characters other than tab and newline go. Applied where text comes in, before anything
    else sees it."""
    whole = raw.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _CONTROL.sub("", whole.replace("\r\n", "\n").replace("\r", "\n"))


def read_input(raw: str) -> UserInput:
    """Clean raw input: a `[button:ID]` press, or text cut to MAX_INPUT_CHARS."""
    cleaned = clean_text(raw).strip()
    match = _BUTTON.match(cleaned)
    if match:
        button = match.group(1).strip()
        return UserInput(text=button, button=button)
    if len(cleaned) > MAX_INPUT_CHARS:
        return UserInput(text=cleaned[:MAX_INPUT_CHARS].strip(), truncated_from=len(cleaned))
    return UserInput(text=cleaned)


def press(button_id: str) -> str:
    """The input that presses a button; the form `coach chat --script` files use."""
    return f"[button:{button_id}]"


def command_word(text: str) -> str:
    """Text folded for matching commands: "Start Over!" -> "start-over"."""
    words = re.findall(r"[\w+]+", text.casefold())
    return "-".join(words)


def escape(text: str) -> str:
    """User text made inert inside Markdown/HTML replies: no tags, links, emphasis or tables."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def shorten(text: str, limit: int = 80) -> str:
    """One line of at most `limit` characters, for echoing user text back."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"

"""Offers: what the coach proposes when a turn tells of something another part handles.

A situation told outside a ticket offers a ticket; a company described outside tailoring offers
tailoring. The offer says what was understood (the level, the facts), is kept for one turn, and
"yes" starts that part with the text that was told; "no", or any other turn, lets it lapse.
"""

from __future__ import annotations

import re

from coach.domain import Button, Reply
from coach.domain.session import CoachSession

KEY = "offer"  # its place in session.mode_data
_AGREE = re.compile(r"^(?:accept offer|y|yes|yeah|yep|yup|ya|sure|ok|okay|k|please|go ahead|"
                    r"go for it|do it|do that|let'?s|lets|sounds good|absolutely|definitely|"
                    r"why not)\b")
_DECLINE = re.compile(r"^(?:decline offer|n|no|nope|nah|not now|no thanks|don'?t|skip it|"
                      r"never mind)\b")
BUTTONS = [Button(id="accept-offer", label="Yes, go ahead"),
           Button(id="decline-offer", label="No thanks")]


def make(session: CoachSession, mode: str, text: str, pitch: str) -> Reply:
    """Offer to start `mode` from `text`; the pitch says what was understood."""
    session.mode_data[KEY] = {"mode": mode, "text": text}
    return Reply(text=pitch, buttons=BUTTONS)


def answer(session: CoachSession, text: str) -> tuple[str, str] | bool | None:
    """The reply to last turn's offer: (mode, text told) when taken, False when declined, None
    when the turn is not about it (or nothing was offered). The offer lapses either way."""
    offer = session.mode_data.pop(KEY, None)
    if not isinstance(offer, dict):
        return None
    said = " ".join(text.casefold().replace("-", " ").split())
    if _DECLINE.match(said):
        return False
    if _AGREE.match(said):
        return str(offer["mode"]), str(offer["text"])
    return None

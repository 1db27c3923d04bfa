"""What the encoder reads at a name: the contextual states of its mentions.

A customer, a person, a product and our own company read differently in context ("their admin
at X", "X (CSM)", "moving to X"), and the encoder's top layer carries that. A candidate's
mention vector is the mean state of the tokens of every mention of it, at unit length, with a
last entry of 1 when the text mentions it at all (0 for a name the text only implies, such as
one taken from an email domain). The account ranker reads it beside the candidate's features.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

TokenStates = tuple[np.ndarray, Sequence[tuple[int, int]]]  # (tokens, width), char spans
ReadTokens = Callable[[str], TokenStates]


def mention_vector(name: str, text: str, states: TokenStates) -> np.ndarray:
    """The unit mean state of the tokens under `name`'s mentions in `text`, then 1 (or all
    zeros when no token is under one)."""
    tokens, offsets = states
    width = tokens.shape[1]
    spans = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    under = np.zeros(len(spans), dtype=bool)
    for mention in re.finditer(re.escape(name), text, re.I):
        under |= (spans[:, 0] < mention.end()) & (spans[:, 1] > mention.start())
    under &= spans[:, 1] > spans[:, 0]  # tokens with no characters are under nothing
    if not under.any():
        return np.zeros(width + 1, dtype=np.float32)
    mean = tokens[under].mean(0)
    unit = mean / (np.linalg.norm(mean) or 1.0)
    return np.concatenate([unit, [1.0]]).astype(np.float32)

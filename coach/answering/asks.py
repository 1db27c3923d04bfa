"""What a question asks about the severity levels, read by a learned model.

One of ASKS: the level of a described situation ("grade"), a response time, an owner, what a
level means or covers ("definition"), or "other": a framework topic that is not a level's facts
(update cadence, reviews, statuses...), even when a level is named. The features are the
question's sentence vector, its shape, and the cues of `coach.answering.levels`, whose weights
the model learned; the model, not the cues, decides.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coach.answering.levels import CUES, cues
from coach.understanding.acts import SHAPE, shape

ASKS = ("grade", "response", "owner", "definition", "other")
MODEL_FILE = Path("models") / "asks.npz"
EXAMPLES_FILE = Path("examples") / "asks.jsonl"
EXTRA = SHAPE + CUES
# The reader speaks up when P(other) is below this: chosen on the dev question sets, where it
# answers 19 of 21 level questions the cues missed and moves 11 of 203 other questions.
SURE = 0.1


def ask_features(question: str, embedding: np.ndarray) -> np.ndarray:
    """The model's input: the sentence vector, the shape, then the cues."""
    return np.concatenate([embedding, shape(question), cues(question)])

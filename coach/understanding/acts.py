"""What a message does: the dialogue act of one turn.

Every message is read as one of ACTS before a mode acts on it: a command, a question, an answer
to the pending question, a paste of several fields, a correction, a situation, a description of
the company, yes/no, or other. The features are the turn's MiniLM sentence vector (the one the
severity model reads too) and a few shape features. Exact command words and button ids never
reach the model: the engine's command table takes them first.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from coach.understanding.labels import read_labels

ACTS = ("command", "question", "answer", "paste", "correction", "situation", "company",
        "yesno", "other")
MODEL_FILE = Path("models") / "acts.npz"
EXAMPLES_FILE = Path("examples") / "acts.jsonl"
SHAPE = ("words", "lines", "question mark", "labelled fields", "digits")


def shape(text: str) -> np.ndarray:
    """How a message looks, whatever it says: its length, lines, '?', labels and digits."""
    return np.array([
        math.log1p(len(text.split())),
        math.log1p(text.strip().count("\n")),
        float("?" in text),
        float(len(read_labels(text)) >= 2),
        float(bool(re.search(r"\d", text))),
    ], dtype=np.float32)


def act_features(text: str, embedding: np.ndarray) -> np.ndarray:
    """The act model's input: the sentence vector, then the shape."""
    return np.concatenate([embedding, shape(text)])

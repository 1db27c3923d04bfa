"""Which part of the coach a command-like message asks for, by meaning.

`knowledge/modes.yaml` lists what people say to start each mode. A message the act reader
takes for a command goes to the mode with the closest phrase (cosine of MiniLM vectors), when
it is close enough: "let's do some practice", "start a lesson", "help me write an escalation".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

MODES_FILE = "modes.yaml"
CLOSE_ENOUGH = 0.5  # cosine to a mode's closest phrase


@dataclass(frozen=True)
class ModeFinder:
    """The modes' phrases as unit vectors, and the mode of each."""

    modes: tuple[str, ...]
    vectors: np.ndarray  # (phrases, width)

    @classmethod
    def load(cls, knowledge_dir: Path, embed: Callable[[list[str]], np.ndarray]) -> ModeFinder:
        phrases = yaml.safe_load((knowledge_dir / MODES_FILE).read_text(encoding="utf-8"))
        pairs = [(mode, str(p)) for mode, said in phrases.items() for p in said]
        return cls(tuple(m for m, _ in pairs), embed([p for _, p in pairs]))

    def find(self, embedding: np.ndarray) -> str | None:
        """The mode whose phrase is closest to a message's vector, if close enough."""
        similarity = self.vectors @ embedding
        best = int(similarity.argmax())
        return self.modes[best] if similarity[best] >= CLOSE_ENOUGH else None

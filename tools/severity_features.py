"""Step 1 of `make train`: the example bank and the dev cases as model inputs, in .train/.

Runs in the project's venv, with the coach's own encoder and signal reader, so training sees
exactly the features the coach computes at run time. Step 2 (tools/train_severity.py) fits.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from coach.search.embeddings import local_embedder
from coach.settings import get_settings
from coach.understanding.features import SIGNAL_FEATURES, read_texts

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".train" / "severity-features.npz"


def bank_hash(texts: list[str], levels: list[int]) -> str:
    """Names one version of the example bank; the model records the bank it was trained on."""
    digest = hashlib.sha256()
    for text, level in zip(texts, levels, strict=True):
        digest.update(f"{level}\0{text}\0".encode())
    return digest.hexdigest()[:16]


def _load(path: Path, level_key: str) -> tuple[list[str], list[int]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r["text"] for r in rows], [int(r[level_key]) for r in rows]


def main() -> None:
    settings = get_settings()
    embedder = local_embedder(settings.models_dir)
    bank_texts, bank_levels = _load(settings.knowledge_dir / "examples" / "example_bank.jsonl",
                                    "level")
    dev_texts, dev_levels = _load(ROOT / "tests" / "eval" / "dev" / "severity.jsonl", "severity")
    bank = read_texts(bank_texts, embedder)
    dev = read_texts(dev_texts, embedder)
    OUT.parent.mkdir(exist_ok=True)
    np.savez(
        OUT,
        bank_embeddings=np.stack([r.embedding for r in bank]),
        bank_signals=np.stack([r.signal_vector for r in bank]),
        bank_levels=np.array(bank_levels),
        dev_embeddings=np.stack([r.embedding for r in dev]),
        dev_signals=np.stack([r.signal_vector for r in dev]),
        dev_levels=np.array(dev_levels),
        signal_features=np.array(SIGNAL_FEATURES),
        encoder=np.array(embedder.identity),
        bank_hash=np.array(bank_hash(bank_texts, bank_levels)),
    )
    print(f"{len(bank)} bank examples and {len(dev)} dev cases read into {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

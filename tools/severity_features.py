"""Step 1 of `make train`: the example bank and the dev cases as model inputs, in .train/.

Runs in the project's venv, with the coach's own encoder and signal reader, so training sees
exactly the features the coach computes at run time: sentence vectors and signals, and the
token states after the encoder's untouched lower layers, from which step 2 tunes the top ones.
The dev cases are the dev severity sets `severity.jsonl` and `severity_underrated.jsonl` plus the
situations told in the first two dev level questions sets (read by the coach's own
`situation`): blind text the surface weight and the policy are chosen on, never trained on.
`severity_underrated_2.jsonl` and the third level questions set stay out: a check on text that
no training choice saw.
Step 2 (tools/train_severity.py) fits.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from coach.search.minilm import MiniLMEmbedder
from coach.settings import get_settings
from coach.understanding.features import SIGNAL_FEATURES, flat, read_texts
from tools.evaluate import load_jsonl, situation_cases

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".train" / "severity-features.npz"
HIDDEN = ROOT / ".train" / "severity-hidden.npz"
DEV = ROOT / "tests" / "eval" / "dev"
DEV_QUESTIONS = ("level_questions.jsonl", "level_questions_2.jsonl")
TUNED_FROM = 4  # the encoder layers from this one up are tuned to severity (of 6)


def bank_hash(texts: list[str], levels: list[int]) -> str:
    """Names one version of the example bank; the model records the bank it was trained on."""
    digest = hashlib.sha256()
    for text, level in zip(texts, levels, strict=True):
        digest.update(f"{level}\0{text}\0".encode())
    return digest.hexdigest()[:16]


def _load(path: Path, level_key: str) -> tuple[list[str], list[int]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r["text"] for r in rows], [int(r[level_key]) for r in rows]


def _dev_cases() -> tuple[list[str], list[int]]:
    """The dev severity cases (the first set and the first set of easily under-graded ones),
    and the situations told in the dev level questions."""
    cases = load_jsonl(DEV / "severity.jsonl") + load_jsonl(DEV / "severity_underrated.jsonl")
    for name in DEV_QUESTIONS:
        cases += situation_cases(load_jsonl(DEV / name))
    return [c["text"] for c in cases], [int(c["severity"]) for c in cases]


def main() -> None:
    settings = get_settings()
    embedder = MiniLMEmbedder(settings.models_dir)
    bank_texts, bank_levels = _load(settings.knowledge_dir / "examples" / "example_bank.jsonl",
                                    "level")
    dev_texts, dev_levels = _dev_cases()
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
        bank_texts=np.array(bank_texts),
        dev_texts=np.array(dev_texts),
    )
    states: dict[str, np.ndarray] = {}
    for name, texts in (("bank", bank_texts), ("dev", dev_texts)):
        hidden = embedder.hidden([flat(t) for t in texts], TUNED_FROM)
        states[f"{name}_states"] = np.concatenate(hidden).astype(np.float16)
        states[f"{name}_offsets"] = np.cumsum([0] + [len(h) for h in hidden])
    for name, weight in embedder.top_weights(TUNED_FROM).items():
        states[f"weight:{name}"] = weight
    states["tuned_from"] = np.array(TUNED_FROM)
    np.savez(HIDDEN, **states)  # type: ignore[arg-type]
    print(f"{len(bank)} bank examples and {len(dev)} dev cases read into {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Fit the account ranker and write knowledge/models/accounts.npz (part of `make train`).

The training set is knowledge/examples/names.jsonl: escalation notes written, with their
account and CSM, by writers who never saw the code. Every candidate name of a note
(`coach.understanding.names.account_candidates`) is a row, labelled by whether it is the
account, read as the coach reads it (its features and its mention vector from MiniLM's token
states, `coach.understanding.names.ranker_rows`); a softmax over each note's candidates
(numpy) learns to score them, and the coach takes the best-scoring candidate. Prints the
note-level accuracy, cross-validated by note, beside the rules' own choice, and on the dev
ticket sets (which it never trains on).

    python -m tools.train_names
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from coach.content.paths import content_dir
from coach.search.minilm import MiniLMEmbedder, vocabulary
from coach.settings import get_settings
from coach.understanding.mentions import ReadTokens
from coach.understanding.names import (
    ACCOUNT_MODEL_FILE,
    CANDIDATE_FEATURES,
    CONTEXT_BUCKETS,
    NAMES_FILE,
    account_candidates,
    ranker_rows,
)
from tools.train_intents import FOLDS

PENALTY = 3e-2
STEPS = 1500
RATE = 0.5


def fit(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights that make the right candidate the likeliest of its note: a softmax over each
    note's candidates (notes whose candidates miss the account teach nothing), fitted by
    gradient descent on standardised features; returned in the raw feature space."""
    keep = np.isin(groups, groups[y == 1])
    x, y, groups = x[keep], y[keep], groups[keep]
    mean, scale = x.mean(0), x.std(0) + 1e-6
    xs = (x - mean) / scale
    _, note = np.unique(groups, return_inverse=True)
    notes = note.max() + 1
    w = np.zeros(x.shape[1])
    for _ in range(STEPS):
        z = xs @ w
        top = np.full(notes, -np.inf)
        np.maximum.at(top, note, z)
        e = np.exp(z - top[note])
        total = np.zeros(notes)
        np.add.at(total, note, e)
        p = e / total[note]
        grad = xs.T @ (p - y) / notes + PENALTY * w
        w -= RATE * grad
    weights = w / scale
    return weights, float(-weights @ mean)

ROOT = Path(__file__).resolve().parent.parent
DEV = sorted((ROOT / "tests" / "eval" / "dev").glob("tickets_blind*.jsonl"))


def _as_labelled(account: str) -> str:
    """The eval sets' convention for a customer known only by a web domain: its first label
    ("kestrel-freight.io" -> "kestrel-freight")."""
    domain = re.fullmatch(r"([a-z0-9-]+)(?:\.[a-z0-9-]+)+", account)
    return domain[1] if domain else account


def rows(notes: list[tuple[str, str]], common: frozenset[str], read_tokens: ReadTokens
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[str]]]:
    """Candidate vectors, labels, the note of each row, and each note's candidate names."""
    xs, ys, groups, names = [], [], [], []
    for n, (text, account) in enumerate(notes):
        found = account_candidates(text, common)
        names.append([c.name for c in found])
        if found:
            xs.append(ranker_rows(found, text, read_tokens(text)))
        ys += [int(_same(c.name, account)) for c in found]
        groups += [n] * len(found)
    return np.vstack(xs), np.array(ys), np.array(groups), names


def _same(name: str, account: str) -> bool:
    """The labelled account, whether or not the labeller wrote the full stop of "Ltd." or
    "Co." that also ends the sentence."""
    return name.casefold().rstrip(".") == account.casefold().rstrip(".")


def chosen(scores: np.ndarray, groups: np.ndarray, names: list[list[str]]) -> list[str | None]:
    """Each note's best-scoring candidate."""
    out: list[str | None] = []
    for n, found in enumerate(names):
        mine = scores[groups == n]
        out.append(found[int(mine.argmax())] if len(mine) else None)
    return out


def accuracy(picked: list[str | None], notes: list[tuple[str, str]]) -> float:
    return float(np.mean([(p or "").casefold() == a.casefold()
                          for p, (_, a) in zip(picked, notes, strict=True)]))


def main() -> None:
    knowledge = content_dir("knowledge")
    models = get_settings().models_dir
    common, read_tokens = vocabulary(models), MiniLMEmbedder(models).token_states
    data = [json.loads(line) for line in
            (knowledge / NAMES_FILE).read_text(encoding="utf-8").splitlines() if line]
    notes = [(str(r["text"]), _as_labelled(str(r["account"]))) for r in data]
    x, y, groups, names = rows(notes, common, read_tokens)
    rule = x[:, CANDIDATE_FEATURES.index("rule choice")]
    folds = np.random.default_rng(0).permutation(len(notes)) % FOLDS
    scores = np.zeros(len(y))
    for k in range(FOLDS):
        train, test = folds[groups] != k, folds[groups] == k
        weights, bias = fit(x[train], y[train], groups[train])
        scores[test] = x[test] @ weights + bias
    covered = np.mean([any(a.casefold() == c.casefold() for c in found)
                       for (_, a), found in zip(notes, names, strict=True)])
    print(f"accounts: {len(notes)} notes, {len(y)} candidates; the right name is a candidate "
          f"in {covered:.1%}")
    print(f"  cross-validated: ranker {accuracy(chosen(scores, groups, names), notes):.1%}, "
          f"rules {accuracy(chosen(rule, groups, names), notes):.1%}")
    weights, bias = fit(x, y, groups)
    for path in DEV:
        cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        dev = [(str(c["text"]), str(c["expect"]["account"])) for c in cases]
        dx, _, dgroups, dnames = rows(dev, common, read_tokens)
        ranked = accuracy(chosen(dx @ weights + bias, dgroups, dnames), dev)
        ruled = accuracy(chosen(dx[:, CANDIDATE_FEATURES.index("rule choice")], dgroups, dnames),
                         dev)
        print(f"  {path.name}: ranker {ranked:.1%}, rules {ruled:.1%}")
    np.savez_compressed(knowledge / ACCOUNT_MODEL_FILE, weights=weights.astype(np.float32),
                        bias=np.float32(bias), features=np.array(CANDIDATE_FEATURES),
                        mention_width=np.int64(
                            x.shape[1] - len(CANDIDATE_FEATURES) - 2 * CONTEXT_BUCKETS))
    print(f"  wrote knowledge/{ACCOUNT_MODEL_FILE}")


if __name__ == "__main__":
    main()

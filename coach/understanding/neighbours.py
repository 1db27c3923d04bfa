"""Neighbour votes: how the closest examples of the bank are labelled, as four model inputs.

Numpy only, so the training environment (which has no pydantic) computes them with this very
code: the votes at training and at run time are the same function.
"""

from __future__ import annotations

import numpy as np

K = 20  # examples that vote
POWER = 4.0  # closer examples weigh more: similarity ** POWER
LEVELS = 4


def votes(
    queries: np.ndarray, bank: np.ndarray, levels: np.ndarray, leave_self_out: bool = False
) -> np.ndarray:
    """For each query vector, the similarity-weighted share of its K nearest bank examples at
    each seed level. `leave_self_out` when the queries are the bank itself (training)."""
    sims = np.asarray(queries, dtype=np.float32) @ np.asarray(bank, dtype=np.float32).T
    if leave_self_out:
        np.fill_diagonal(sims, -1.0)
    k = min(K, bank.shape[0] - (1 if leave_self_out else 0))
    nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    weight = np.maximum(np.take_along_axis(sims, nearest, axis=1), 0.0) ** POWER
    out = np.stack([(weight * (levels[nearest] == n)).sum(1) for n in range(1, LEVELS + 1)], 1)
    shares: np.ndarray = out / (out.sum(1, keepdims=True) + 1e-9)
    return shares

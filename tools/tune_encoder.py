"""The tuned half of the severity model: MiniLM's top layers fine-tuned to severity (torch).

Part of step 2 of `make train`, in the training venv. The lower layers stay as shipped: step 1
stored every text's token states after them (.train/severity-hidden.npz), so training runs
only the tuned layers. They start from the shipped weights and learn, with a linear head over
[tuned sentence vector, signals, neighbour votes], to tell the four seed levels apart.

The layers mirror coach/search/minilm.py exactly (post-norm BERT, exact GELU, mean pooling to
unit length), so numpy at run time computes what torch trained.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch  # type: ignore[import-not-found]

HEADS = 12
EPS = 1e-12
SCALE = 10.0  # the unit sentence vector is scaled so its logits can be as large as the rest
EPOCHS = 5
BATCH = 32
LAYER_RATE, HEAD_RATE = 3e-5, 1e-3


@dataclass(frozen=True)
class Texts:
    """Token states after the untouched lower layers, one (tokens, width) array per text."""

    states: list[np.ndarray]

    @classmethod
    def load(cls, data: np.lib.npyio.NpzFile, prefix: str) -> Texts:
        flat, offsets = data[f"{prefix}_states"], data[f"{prefix}_offsets"]
        return cls([flat[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)])

    def batch(self, rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """Padded states and the mask of real tokens for some texts."""
        chosen = [self.states[i] for i in rows]
        length = max(len(s) for s in chosen)
        x = np.zeros((len(chosen), length, chosen[0].shape[1]), np.float32)
        mask = np.zeros((len(chosen), length), np.float32)
        for n, s in enumerate(chosen):
            x[n, : len(s)], mask[n, : len(s)] = s, 1.0
        return torch.from_numpy(x), torch.from_numpy(mask)

    def batches(self, rows: np.ndarray, rng: np.random.Generator | None) -> list[np.ndarray]:
        """Batches of texts of similar length (less padding), in random order when training."""
        ordered = rows[np.argsort([len(self.states[i]) for i in rows], kind="stable")]
        chunks = [ordered[i : i + BATCH] for i in range(0, len(ordered), BATCH)]
        if rng is not None:
            chunks = [chunks[i] for i in rng.permutation(len(chunks))]
        return chunks


class Layer(torch.nn.Module):  # type: ignore[misc]
    """One encoder layer, initialised from the shipped weights named `prefix`*."""

    def __init__(self, weights: dict[str, np.ndarray], prefix: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.names = ["attention.self.query", "attention.self.key", "attention.self.value",
                      "attention.output.dense", "intermediate.dense", "output.dense"]
        self.dense = torch.nn.ModuleDict()
        for name in self.names:
            w = weights[f"{prefix}{name}.weight"]
            layer = torch.nn.Linear(w.shape[1], w.shape[0])
            layer.weight.data = torch.tensor(w, dtype=torch.float32)
            layer.bias.data = torch.tensor(weights[f"{prefix}{name}.bias"], dtype=torch.float32)
            self.dense[name.replace(".", "_")] = layer
        self.norms = torch.nn.ModuleDict()
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            scale = weights[f"{prefix}{name}.weight"]
            norm = torch.nn.LayerNorm(scale.shape[0], eps=EPS)
            norm.weight.data = torch.tensor(scale, dtype=torch.float32)
            norm.bias.data = torch.tensor(weights[f"{prefix}{name}.bias"], dtype=torch.float32)
            self.norms[name.replace(".", "_")] = norm

    def _d(self, name: str, x: torch.Tensor) -> torch.Tensor:
        return self.dense[name.replace(".", "_")](x)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        size = width // HEADS

        def heads(kind: str) -> torch.Tensor:
            return self._d(f"attention.self.{kind}", x).view(batch, length, HEADS, size) \
                .transpose(1, 2)

        scores = heads("query") @ heads("key").transpose(-1, -2) / math.sqrt(size)
        scores = scores + ((1.0 - mask) * -1e9)[:, None, None, :]
        context = (scores.softmax(-1) @ heads("value")).transpose(1, 2).reshape(x.shape)
        x = self.norms["attention_output_LayerNorm"](self._d("attention.output.dense", context) + x)
        h = torch.nn.functional.gelu(self._d("intermediate.dense", x))
        return self.norms["output_LayerNorm"](self._d("output.dense", h) + x)

    def exported(self) -> dict[str, np.ndarray]:
        """The layer's weights under the shipped names."""
        out = {}
        for name in self.names:
            layer = self.dense[name.replace(".", "_")]
            out[f"{self.prefix}{name}.weight"] = layer.weight.detach().numpy()
            out[f"{self.prefix}{name}.bias"] = layer.bias.detach().numpy()
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            norm = self.norms[name.replace(".", "_")]
            out[f"{self.prefix}{name}.weight"] = norm.weight.detach().numpy()
            out[f"{self.prefix}{name}.bias"] = norm.bias.detach().numpy()
        return out


class Tuned(torch.nn.Module):  # type: ignore[misc]
    """The tuned top layers and the head over [sentence vector, extra features]."""

    def __init__(self, weights: dict[str, np.ndarray], first: int, layers: int,
                 extra: int) -> None:
        super().__init__()
        self.layers = torch.nn.ModuleList(
            [Layer(weights, f"encoder.layer.{n}.") for n in range(first, layers)])
        width = weights[f"encoder.layer.{first}.output.dense.weight"].shape[0]
        self.head = torch.nn.Linear(width + extra, 4)

    def vector(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x, mask)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)
        return torch.nn.functional.normalize(pooled, dim=1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, extra: torch.Tensor) -> torch.Tensor:
        return self.head(torch.cat([self.vector(x, mask) * SCALE, extra], 1))


def fit(texts: Texts, rows: np.ndarray, extra: np.ndarray, levels: np.ndarray,
        weights: dict[str, np.ndarray], first: int, seed: int = 0) -> Tuned:
    """Fine-tune on `rows` (levels 1-4); `extra` holds those rows' other features."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    layers = 1 + max(int(k.split(".")[2]) for k in weights if k.startswith("encoder.layer."))
    model = Tuned(weights, first, layers, extra.shape[1])
    optimiser = torch.optim.AdamW(
        [{"params": model.layers.parameters(), "lr": LAYER_RATE},
         {"params": model.head.parameters(), "lr": HEAD_RATE}], weight_decay=0.01)
    steps = EPOCHS * math.ceil(len(rows) / BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: 1.0 - step / steps)
    position = {int(r): n for n, r in enumerate(rows)}
    target = torch.tensor(levels - 1)
    features = torch.from_numpy(extra.astype(np.float32))
    model.train()
    for _ in range(EPOCHS):
        for chunk in texts.batches(rows, rng):
            x, mask = texts.batch(chunk)
            at = [position[int(r)] for r in chunk]
            loss = torch.nn.functional.cross_entropy(model(x, mask, features[at]), target[at])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    model.eval()
    return model


def predict(model: Tuned, texts: Texts, rows: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """Logits for `rows`, in that order; `extra` holds those rows' other features."""
    out = np.zeros((len(rows), 4), np.float32)
    position = {int(r): n for n, r in enumerate(rows)}
    features = torch.from_numpy(extra.astype(np.float32))
    with torch.no_grad():
        for chunk in texts.batches(rows, None):
            x, mask = texts.batch(chunk)
            at = [position[int(r)] for r in chunk]
            out[at] = model(x, mask, features[at]).numpy()
    return out

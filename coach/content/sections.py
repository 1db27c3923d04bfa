"""The framework's teaching material in knowledge/, split into citable sections."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

# Lessons first, in the order the framework teaches them.
AREAS = ("criteria", "severity", "response", "communication", "tracking", "review")
AREA_TITLES = {
    "criteria": "Escalation criteria",
    "severity": "Severity levels",
    "response": "Response requirements",
    "communication": "Communication protocols",
    "tracking": "Resolution tracking",
    "review": "Post-escalation review",
}
# Message templates are filled in by code, not retrieved as teaching text.
_NOT_TAUGHT = ("templates",)


@dataclass(frozen=True)
class Chunk:
    """One `## ` section of a Markdown file in knowledge/."""

    file: str
    title: str
    section: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.file}#{self.section}"

    @property
    def heading(self) -> str:
        return f"{self.title}: {self.section}"


def teaching_files(knowledge_dir: Path) -> list[Path]:
    """Markdown files that are taught and cited, in a stable order."""
    files = sorted(knowledge_dir.rglob("*.md"))
    return [p for p in files if not set(p.relative_to(knowledge_dir).parts) & set(_NOT_TAUGHT)]


def split_sections(relative: str, markdown: str) -> list[Chunk]:
    """Split a Markdown file on `## ` headings; the `# ` heading is the title."""
    title_match = re.search(r"^# +(.+)$", markdown, flags=re.MULTILINE)
    title = title_match.group(1).strip() if title_match else relative
    chunks = []
    for part in re.split(r"^## +", markdown, flags=re.MULTILINE)[1:]:
        heading, _, body = part.partition("\n")
        body = " ".join(body.split())
        if body:
            chunks.append(Chunk(relative, title, heading.strip(), body))
    return chunks


def load_chunks(knowledge_dir: Path) -> list[Chunk]:
    """Every taught section of knowledge/."""
    chunks: list[Chunk] = []
    for path in teaching_files(knowledge_dir):
        relative = path.relative_to(knowledge_dir).as_posix()
        chunks.extend(split_sections(relative, path.read_text(encoding="utf-8")))
    return chunks


def content_hash(chunks: list[Chunk], embedding_identity: str) -> str:
    """A key that changes when the taught content or the embedding model changes."""
    digest = hashlib.sha256(embedding_identity.encode())
    for chunk in chunks:
        for part in (chunk.file, chunk.title, chunk.section, chunk.text):
            digest.update(part.encode())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


def lesson_path(knowledge_dir: Path, area: str) -> Path:
    """The lesson file of one framework area."""
    return knowledge_dir / "lessons" / f"{area}.md"

"""Hybrid retrieval over knowledge/: a Chroma collection (dense) plus BM25 (lexical)."""

from __future__ import annotations

import logging
import math
import shutil
import sys
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
import yaml
from chromadb.api import ClientAPI
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function
from filelock import FileLock
from tqdm import tqdm

from coach.content.sections import Chunk, content_hash, load_chunks
from coach.parsing.text import normalise_levels, sentences, tokens
from coach.search.embeddings import Embedder

Synonyms = dict[str, list[str]]
log = logging.getLogger("coach.search")

COLLECTION = "knowledge"
SENTENCES = "sentences"  # each section's sentences, so answers can quote the closest ones
INDEX_FORMAT = 3  # part of the index key: a change in what the index holds rebuilds it
# Weights of the hybrid score: dense similarity, BM25 on the text, and query words found in the
# section's heading (a "Severity 3" question belongs in the "Severity 3" section). Chosen by the
# hit rate that `make bench` reports.
DENSE_WEIGHT = 0.5
LEXICAL_WEIGHT = 0.35
HEADING_WEIGHT = 0.15


@register_embedding_function
class CoachEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of an Embedder; never Chroma's default, which downloads a model.

    Chroma rebuilds one from its stored config to compare settings; that copy has no
    embedder, and the index is only ever used with the one KnowledgeIndex passes in.
    """

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        if self._embedder is None:
            raise RuntimeError("open the knowledge index through KnowledgeIndex")
        return list(self._embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "escalation-coach-embedder"

    def get_config(self) -> dict[str, Any]:
        return {"identity": self._embedder.identity if self._embedder else "unbound"}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> CoachEmbeddingFunction:
        return CoachEmbeddingFunction()

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


@dataclass(frozen=True)
class Passage:
    """A retrieved section and how well it matched."""

    chunk: Chunk
    score: float
    dense: float
    lexical: float
    sentences: tuple[str, ...] = ()
    similarity: tuple[float, ...] = ()  # of each sentence to the query


class BM25:
    """Okapi BM25 over a handful of sections; small enough to keep in memory."""

    def __init__(self, documents: list[list[str]], k1: float = 1.4, b: float = 0.75) -> None:
        self._docs = [Counter(doc) for doc in documents]
        self._lengths = [len(doc) for doc in documents]
        self._avg = sum(self._lengths) / max(len(documents), 1)
        df = Counter(term for doc in self._docs for term in doc)
        n = len(documents)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._k1, self._b = k1, b

    def scores(self, query: list[str]) -> list[float]:
        result = []
        for doc, length in zip(self._docs, self._lengths, strict=True):
            score = 0.0
            for term in set(query):
                tf = doc.get(term, 0)
                if tf:
                    norm = tf + self._k1 * (1 - self._b + self._b * length / self._avg)
                    score += self._idf[term] * tf * (self._k1 + 1) / norm
            result.append(score)
        return result


def _open_client(path: Path) -> ClientAPI:
    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
    )


@dataclass(frozen=True)
class Located:
    """Where an index is: a Chroma client (a folder's or a server's) and the names of its
    two collections."""

    client: ClientAPI
    knowledge: str = COLLECTION
    sentences: str = SENTENCES


def build_index(chunks: list[Chunk], target: Path, embedder: Embedder, key: str) -> None:
    """Embed every chunk into a new Chroma folder at `target` (which must not exist yet);
    `key` is the content hash it is checked against."""
    fill(Located(_open_client(target)), chunks, embedder, key)


def fill(where: Located, chunks: list[Chunk], embedder: Embedder, key: str) -> None:
    """Embed every chunk into the two new collections `where` names."""
    client = where.client
    collection = client.create_collection(
        where.knowledge,
        embedding_function=CoachEmbeddingFunction(embedder),  # type: ignore[arg-type]
        metadata={"hnsw:space": "cosine", "embedder": embedder.identity, "content": key},
    )
    batch = 16
    with tqdm(
        total=len(chunks),
        desc="Indexing knowledge",
        unit="section",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
    ) as bar:
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            collection.add(
                ids=[c.id for c in part],
                documents=[f"{c.heading}. {c.text}" for c in part],
                metadatas=[{"file": c.file, "title": c.title, "section": c.section} for c in part],
            )
            bar.update(len(part))
    said = [(c, n, text) for c in chunks for n, text in enumerate(sentences(c.text))]
    quotes = client.create_collection(
        where.sentences,
        embedding_function=CoachEmbeddingFunction(embedder),  # type: ignore[arg-type]
        metadata={"hnsw:space": "cosine", "embedder": embedder.identity},
    )
    for start in range(0, len(said), 64):
        rows = said[start : start + 64]
        quotes.add(
            ids=[f"{c.id}#{n}" for c, n, _ in rows],
            documents=[text for _, _, text in rows],
            # Embedded with the section's heading: "When unsure, pick the higher level" is about
            # choosing a severity even though the sentence does not say so.
            embeddings=list(embedder.embed([f"{c.section}: {text}" for c, _, text in rows])),
            metadatas=[{"chunk": c.id, "position": n} for c, n, _ in rows],
        )


def ensure_index(knowledge_dir: Path, chroma_root: Path, embedder: Embedder) -> Path:
    """The folder of a sound index of the current content and embedder, built if needed.

    The index in use is checked first: its collections open, the knowledge collection holds
    every section, and its content hash is the current one. One that fails (a damaged
    `chroma.sqlite3`, an emptied folder) is rebuilt, and the coach says so once, on stderr.
    A build goes into a fresh folder under a file lock, so two processes starting at once
    never see or write a half-built index; folders are never reused, so a client Chroma
    cached for a damaged one is never handed the new one.
    """
    chunks = load_chunks(knowledge_dir)
    key = content_hash(chunks, f"{embedder.identity}/format-{INDEX_FORMAT}")
    found = _sound_index(chroma_root, key, len(chunks))
    if found is not None:
        return found
    chroma_root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(chroma_root / "build.lock")):
        found = _sound_index(chroma_root, key, len(chunks), say=True)
        if found is not None:
            return found
        final = chroma_root / f"index-{key}-{uuid.uuid4().hex[:8]}"
        staging = chroma_root / f"building-{final.name}"
        try:
            build_index(chunks, staging, embedder, key)
            staging.rename(final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for old in chroma_root.glob("index-*"):
            if old != final:
                shutil.rmtree(old, ignore_errors=True)
    return final


def _sound_index(chroma_root: Path, key: str, sections: int, say: bool = False
                 ) -> Path | None:
    """The newest index folder of this content that passes its checks, if any."""
    folders = sorted(chroma_root.glob(f"index-{key}-*"), key=lambda p: p.stat().st_mtime)
    for folder in reversed(folders):
        problem = index_problem(folder, key, sections)
        if problem is None:
            return folder
        if say:
            log.warning("the knowledge index was damaged (%s); rebuilding it", problem)
    return None


def index_problem(folder: Path | Located, key: str, sections: int) -> str | None:
    """What is wrong with an index (a folder, or collections on a server), or None when it is
    sound."""
    try:
        where = folder if isinstance(folder, Located) else Located(_open_client(folder))
        knowledge = where.client.get_collection(where.knowledge)
        held = knowledge.count()
        where.client.get_collection(where.sentences).count()
    except Exception as exc:  # a store that cannot be opened or read is broken
        return f"it cannot be read: {exc.__class__.__name__}"
    if (knowledge.metadata or {}).get("content") != key:
        return "its content hash is not the knowledge's"
    if held != sections:
        return f"it holds {held} of {sections} sections"
    return None


def load_synonyms(knowledge_dir: Path) -> Synonyms:
    found = knowledge_dir / "synonyms.yaml"
    return yaml.safe_load(found.read_text()) if found.exists() else {}


class KnowledgeIndex:
    """Search the knowledge base; dense scores come from Chroma, lexical ones from BM25."""

    unavailable: str | None = None  # always searchable (see coach.search.server)

    def __init__(
        self, index_dir: Path | Located, embedder: Embedder, synonyms: Synonyms | None = None,
        recheck: Callable[[], Path | Located] | None = None,
    ) -> None:
        """`recheck` checks the index again (rebuilding it if broken) after a failed query."""
        self._embedder = embedder
        self._synonyms = synonyms or {}
        self._recheck = recheck
        self._connect(index_dir)
        stored = self._collection.get(include=["metadatas", "documents"])
        self.chunks: list[Chunk] = []
        for meta, doc in zip(stored["metadatas"] or [], stored["documents"] or [], strict=True):
            heading = f"{meta['title']}: {meta['section']}. "
            text = doc[len(heading) :] if doc.startswith(heading) else doc
            self.chunks.append(
                Chunk(str(meta["file"]), str(meta["title"]), str(meta["section"]), text)
            )
        self._position = {c.id: i for i, c in enumerate(self.chunks)}
        self._sentences = self._load_sentences()
        self._bm25 = BM25([tokens(f"{c.heading} {c.text}") for c in self.chunks])
        self._headings = [set(tokens(c.heading)) for c in self.chunks]

    def _connect(self, index_dir: Path | Located) -> None:
        where = index_dir if isinstance(index_dir, Located) else Located(_open_client(index_dir))
        self._client, self._sentence_name = where.client, where.sentences
        self._collection = self._client.get_collection(
            where.knowledge,
            embedding_function=CoachEmbeddingFunction(self._embedder),  # type: ignore[arg-type]
        )

    def _load_sentences(self) -> list[tuple[tuple[str, ...], np.ndarray]]:
        """Each chunk's sentences and their vectors, in chunk order."""
        stored = self._client.get_collection(self._sentence_name).get(
            include=["metadatas", "documents", "embeddings"]
        )
        grouped: dict[str, list[tuple[int, str, np.ndarray]]] = {}
        for meta, text, vector in zip(
            stored["metadatas"] or [],
            stored["documents"] or [],
            stored["embeddings"] if stored["embeddings"] is not None else [],
            strict=True,
        ):
            grouped.setdefault(str(meta["chunk"]), []).append(
                (int(str(meta["position"])), text, np.asarray(vector, dtype=np.float32))
            )
        result = []
        for chunk in self.chunks:
            ordered = sorted(grouped.get(chunk.id, []), key=lambda row: row[0])
            texts = tuple(text for _, text, _ in ordered)
            vectors = np.stack([v for _, _, v in ordered]) if ordered else np.zeros((0, 1))
            result.append((texts, vectors))
        return result

    @classmethod
    def open(cls, knowledge_dir: Path, chroma_root: Path, embedder: Embedder) -> KnowledgeIndex:
        """Open the index for the current content, building it first when needed."""
        def recheck() -> Path | Located:
            return ensure_index(knowledge_dir, chroma_root, embedder)

        return cls(recheck(), embedder, load_synonyms(knowledge_dir), recheck)

    def _expand(self, query: str) -> list[str]:
        words = tokens(query)
        extra = [
            t
            for w in query.lower().split()
            for s in self._synonyms.get(w.strip("?.,!'\""), [])
            for t in tokens(s)
        ]
        return words + extra

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    def search(self, query: str, k: int = 4) -> list[Passage]:
        """The k best sections for a query, best first."""
        if not self.chunks:
            return []
        vector = self._embedder.embed([normalise_levels(query)])
        try:
            found = self._dense(vector)
        except Exception as exc:  # the index broke under us: check it, rebuild, ask again
            if self._recheck is None:
                raise
            log.warning("a search of the index failed (%s); checking it",
                        exc.__class__.__name__)
            self._connect(self._recheck())
            found = self._dense(vector)
        dense = [0.0] * len(self.chunks)
        for chunk_id, distance in zip(
            found["ids"][0], (found["distances"] or [[]])[0], strict=True
        ):
            dense[self._position[chunk_id]] = 1.0 - float(distance)
        asked = self._expand(query)
        lexical = self._bm25.scores(asked)
        top = max(lexical) or 1.0
        asked_set = set(asked)
        passages = []
        for chunk, heading, d, lex in zip(self.chunks, self._headings, dense, lexical, strict=True):
            in_heading = len(asked_set & heading) / max(len(heading), 1)
            score = DENSE_WEIGHT * d + LEXICAL_WEIGHT * lex / top + HEADING_WEIGHT * in_heading
            passages.append(Passage(chunk, score, d, lex / top))
        passages.sort(key=lambda p: p.score, reverse=True)
        return [self._with_sentences(p, vector[0]) for p in passages[:k]]

    def _dense(self, vector: np.ndarray) -> Any:
        return self._collection.query(
            query_embeddings=list(vector), n_results=len(self.chunks), include=["distances"]
        )

    def _with_sentences(self, passage: Passage, query: np.ndarray) -> Passage:
        texts, vectors = self._sentences[self._position[passage.chunk.id]]
        similarity = tuple(float(s) for s in vectors @ query) if texts else ()
        return replace(passage, sentences=texts, similarity=similarity)

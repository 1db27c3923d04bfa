"""The knowledge index on a Chroma server (`COACH_CHROMA_URL`), shared by every worker.

- Its collections are named by the content hash (`knowledge-<hash>`, `sentences-<hash>`). A
  worker that finds them sound uses them; otherwise one worker builds them under a lock that
  every worker shares (PostgreSQL's advisory lock when the database is PostgreSQL), into
  collections with temporary names, then renames them: the others wait, then use them. A
  restart with the same content rebuilds nothing. Collections of older content are removed.
- When the server does not answer, the coach still runs: searches find nothing and say why
  (`unavailable`), and the next search after a pause tries the server again, so the coach
  recovers by itself when it returns.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from coach.content.sections import content_hash, load_chunks
from coach.search.embeddings import Embedder
from coach.search.index import (
    INDEX_FORMAT,
    KnowledgeIndex,
    Located,
    Passage,
    fill,
    index_problem,
    load_synonyms,
)

log = logging.getLogger("coach.search")
RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Prepared:
    """What preparing the index did: its collections, and whether this worker built them."""

    where: Located
    built: bool
    seconds: float

    def said(self, url: str) -> str:
        if self.built:
            return (f"built the knowledge index {self.where.knowledge} on the Chroma server "
                    f"{url} in {self.seconds:.1f} s")
        return (f"used the existing knowledge index {self.where.knowledge} on the Chroma "
                f"server {url}")


def http_client(url: str) -> ClientAPI:
    parts = urlsplit(url)
    return chromadb.HttpClient(
        host=parts.hostname or "localhost", port=parts.port or (443 if parts.scheme == "https"
                                                               else 8000),
        ssl=parts.scheme == "https", settings=ChromaSettings(anonymized_telemetry=False))


def ensure_server_index(client: ClientAPI, knowledge_dir: Path, embedder: Embedder,
                        lock: Callable[[], AbstractContextManager[object]]) -> Prepared:
    """Sound collections of the current content on the server, built under `lock` if needed."""
    started = time.monotonic()
    chunks = load_chunks(knowledge_dir)
    key = content_hash(chunks, f"{embedder.identity}/format-{INDEX_FORMAT}")
    final = Located(client, f"knowledge-{key}", f"sentences-{key}")
    if index_problem(final, key, len(chunks)) is None:
        return Prepared(final, False, time.monotonic() - started)
    with lock():
        problem = index_problem(final, key, len(chunks))
        if problem is None:  # another worker built it while this one waited
            return Prepared(final, False, time.monotonic() - started)
        staging = uuid.uuid4().hex[:12]
        building = Located(client, f"building-{staging}-knowledge",
                           f"building-{staging}-sentences")
        try:
            fill(building, chunks, embedder, key)
            for old in (final.knowledge, final.sentences):  # a damaged or partial one
                _drop(client, old)
            client.get_collection(building.knowledge).modify(name=final.knowledge)
            client.get_collection(building.sentences).modify(name=final.sentences)
        finally:
            _drop(client, building.knowledge)
            _drop(client, building.sentences)
        for collection in client.list_collections():  # older content's collections
            if (collection.name.startswith(("knowledge-", "sentences-"))
                    and not collection.name.endswith(key)):
                _drop(client, collection.name)
    return Prepared(final, True, time.monotonic() - started)


def _drop(client: ClientAPI, name: str) -> None:
    try:
        client.delete_collection(name)
    except Exception:  # not there: nothing to drop
        pass


class ServerKnowledge:
    """Search on the Chroma server, or nothing (and why) while it does not answer."""

    def __init__(self, url: str, knowledge_dir: Path, embedder: Embedder,
                 lock: Callable[[], AbstractContextManager[object]]) -> None:
        self.url, self._knowledge_dir, self._embedder, self._lock = (
            url, knowledge_dir, embedder, lock)
        self._index: KnowledgeIndex | None = None
        self._next_try = 0.0
        self._guard = threading.Lock()
        self.unavailable: str | None = None

    def prepare(self) -> Prepared:
        """Build or find the index now (`coach serve` does, before it starts)."""
        return ensure_server_index(http_client(self.url), self._knowledge_dir, self._embedder,
                                   self._lock)

    def search(self, query: str, k: int = 4) -> list[Passage]:
        index = self._connected()
        if index is None:
            return []
        try:
            return index.search(query, k)
        except Exception as exc:  # the server went away mid-query: retry after a pause
            self._lost(exc)
            return []

    def _connected(self) -> KnowledgeIndex | None:
        with self._guard:
            if self._index is not None or time.monotonic() < self._next_try:
                return self._index
            try:
                where = self.prepare().where
                self._index = KnowledgeIndex(where, self._embedder,
                                             load_synonyms(self._knowledge_dir), self._recheck)
            except Exception as exc:
                self._lost(exc)
                return None
            if self.unavailable is not None:
                log.warning("the Chroma server %s answers again: search is back", self.url)
            self.unavailable = None
            return self._index

    def _recheck(self) -> Located:
        return self.prepare().where

    def _lost(self, exc: Exception) -> None:
        if self.unavailable is None:
            log.warning("the Chroma server %s does not answer (%s): search is unavailable "
                        "until it does", self.url, exc.__class__.__name__)
        self._index = None
        self._next_try = time.monotonic() + RETRY_SECONDS
        self.unavailable = ("search is unavailable right now: the knowledge index's server "
                            "does not answer; questions about the levels are answered from "
                            "the framework")

"""Text embeddings: local ones from a model inside its wheel, or an OpenAI-compatible server."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from pydantic import SecretStr

from coach.domain import CoachError
from coach.settings import Settings

if TYPE_CHECKING:
    from coach.search.minilm import MiniLMEmbedder


class Embedder(Protocol):
    """Turns texts into unit-length vectors; `identity` names the model for index keys."""

    identity: str

    def embed(self, texts: list[str]) -> np.ndarray: ...


class WordLlamaEmbedder:
    """WordLlama static embeddings: numpy only, weights inside the wheel, no download."""

    def __init__(self, dim: int = 256) -> None:
        import wordllama

        # The wheel ships its tokenizer under tokenizers/, so point the cache there and forbid
        # downloads: load() would otherwise fetch the tokenizer from the network.
        self._model = wordllama.WordLlama.load(
            dim=dim, cache_dir=Path(wordllama.__file__).parent, disable_download=True
        )
        self.identity = f"wordllama-l2_supercat-{dim}"

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self._model.embed(texts, norm=True), dtype=np.float32)
        return vectors


@cache
def word_embedder() -> WordLlamaEmbedder:
    """The process-wide static embedder the severity classifier compares examples with."""
    return WordLlamaEmbedder()


@cache
def local_embedder(cache_dir: Path) -> MiniLMEmbedder:
    """The process-wide local embedder for search: MiniLM, which answers questions best."""
    from coach.search.minilm import MiniLMEmbedder

    return MiniLMEmbedder(cache_dir)


class EmbeddingsUnavailable(CoachError):
    """The configured embeddings server could not embed the text."""


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible server (OpenAI, Ollama, vLLM...)."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai import OpenAIEmbeddings

        # check_embedding_ctx_length=False: otherwise tiktoken downloads its vocabulary.
        self._client = OpenAIEmbeddings(
            model=settings.embeddings_model,
            openai_api_base=settings.llm_base_url,
            openai_api_key=SecretStr(settings.llm_key()),
            check_embedding_ctx_length=False,
            request_timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
        )
        self.identity = f"openai-{settings.embeddings_model}@{settings.llm_base_url or 'openai'}"

    def embed(self, texts: list[str]) -> np.ndarray:
        import openai

        try:
            raw = self._client.embed_documents(texts)
        except openai.OpenAIError as exc:
            # A named, key-free error: the turn is reported and the session left as it was.
            raise EmbeddingsUnavailable(
                f"the embeddings server did not answer ({exc.__class__.__name__}); "
                "set COACH_EMBEDDINGS=local to search offline"
            ) from None
        vectors = np.asarray(raw, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


def make_embedder(settings: Settings) -> Embedder:
    """The embedder for search the settings ask for: local by default."""
    if settings.embeddings == "openai":
        return OpenAIEmbedder(settings)
    return local_embedder(settings.models_dir)

"""Calls to an OpenAI-compatible chat model with one budget per turn, retries and accounting.

Every failure the network or the model can produce becomes one `LLMUnavailable` with a short
reason fit to show a user; the API key never appears in it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import openai
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, SecretStr, ValidationError

from coach.brains.turn import current_turn
from coach.content.templates import PromptLibrary
from coach.domain import CoachError
from coach.domain.session import Usage
from coach.settings import Settings

T = TypeVar("T", bound=BaseModel)
TokenSink = Callable[[str], None]


class LLMUnavailable(CoachError):
    """The model could not give a usable answer this turn; the offline brain takes over."""


def chat_model(settings: Settings) -> BaseChatModel:
    """The LangChain chat model for the settings. Retries are ours, so the client makes none."""
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=SecretStr(settings.llm_key()),
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout,
        max_retries=0,
        stream_usage=True,
    )


def _reason(error: Exception) -> str:
    """A short, key-free description of a failure."""
    if isinstance(error, openai.APITimeoutError):
        return "the LLM timed out"
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return f"the LLM refused the credentials (HTTP {error.status_code})"
    if isinstance(error, openai.RateLimitError):
        return "the LLM is rate-limiting requests (HTTP 429)"
    if isinstance(error, openai.APIStatusError):
        return f"the LLM server failed (HTTP {error.status_code})"
    if isinstance(error, openai.APIConnectionError):
        return "the LLM server could not be reached"
    return "the LLM sent a reply that could not be read"


def _retry_after(error: Exception) -> float | None:
    """Seconds to wait before retrying, or None when a retry cannot help."""
    if isinstance(error, openai.RateLimitError):
        header = error.response.headers.get("retry-after", "1")
        try:
            return max(0.0, float(header))
        except ValueError:
            return 1.0
    if isinstance(error, openai.InternalServerError):
        return 0.5
    return None


class LLMClient:
    """One model, one budget per call sequence, validation feedback, usage counting."""

    def __init__(
        self,
        settings: Settings,
        prompts: PromptLibrary,
        model: BaseChatModel | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._settings = settings
        self._prompts = prompts
        self._model = model or chat_model(settings)
        self._sleep = sleep

    def _record(self, message: BaseMessage) -> None:
        usage = Usage()
        meta = getattr(message, "usage_metadata", None)
        if meta:
            usage.prompt_tokens = int(meta.get("input_tokens", 0))
            usage.completion_tokens = int(meta.get("output_tokens", 0))
        current_turn().usage.add(usage)

    def _call(self, run: Callable[[float], Any], deadline: float) -> Any:
        """Run one request with the remaining budget; retry 429 and 5xx while it lasts."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LLMUnavailable("the LLM did not answer within the time budget")
            # Every request sent counts, retries and failures included.
            started = time.monotonic()
            try:
                return run(remaining)
            except openai.OpenAIError as error:
                wait = _retry_after(error)
                if wait is None or time.monotonic() + wait >= deadline:
                    raise LLMUnavailable(_reason(error)) from None
                self._sleep(wait)
            except (json.JSONDecodeError, ValueError, KeyError, TypeError):
                raise LLMUnavailable(_reason(ValueError())) from None
            finally:
                waited = (time.monotonic() - started) * 1000
                current_turn().usage.add(Usage(calls=1, wait_ms=waited))

    def text(self, messages: list[BaseMessage], on_token: TokenSink | None = None) -> str:
        """A free-text reply, streamed token by token to `on_token`."""
        deadline = current_turn().deadline_after(self._settings.llm_timeout)

        def run(remaining: float) -> str:
            parts: list[str] = []
            last: Any = None
            for chunk in self._model.stream(messages, timeout=remaining):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    parts.append(piece)
                    if on_token:
                        on_token(piece)
                last = chunk if last is None else last + chunk
            if last is not None:
                self._record(last)
            return "".join(parts)

        return str(self._call(run, deadline))

    def structured(
        self,
        messages: list[BaseMessage],
        schema: type[T],
        context: Mapping[str, Any] | None = None,
    ) -> T:
        """A reply parsed into `schema` and validated with `context`.

        Validation errors are fed back to the model for at most max_retries retries.
        """
        deadline = current_turn().deadline_after(self._settings.llm_timeout)
        runnable = self._model.with_structured_output(
            schema, method=self._settings.llm_structured_method, include_raw=True
        )
        history = list(messages)
        for _attempt in range(self._settings.llm_max_retries + 1):
            sent = list(history)

            def run(remaining: float, sent: list[BaseMessage] = sent) -> Any:
                try:
                    return runnable.invoke(sent, timeout=remaining)
                except (ValidationError, OutputParserException) as error:
                    # Some methods raise instead of reporting: treat it as output to correct.
                    return {"raw": None, "parsed": None, "parsing_error": error}

            result = self._call(run, deadline)
            raw = result.get("raw")
            if isinstance(raw, BaseMessage):
                self._record(raw)
            parsed, problems = self._validated(result, schema, context)
            if parsed is not None:
                return parsed
            history += [
                raw if isinstance(raw, AIMessage) else AIMessage(content=str(raw)),
                HumanMessage(
                    content=self._prompts.render("validation_retry", errors="; ".join(problems))
                ),
            ]
        raise LLMUnavailable("the LLM's output did not pass validation")

    @staticmethod
    def _validated(
        result: dict[str, Any], schema: type[T], context: Mapping[str, Any] | None
    ) -> tuple[T | None, list[str]]:
        """The parsed reply checked with the context, or the problems to send back."""
        error = result.get("parsing_error")
        parsed = result.get("parsed")
        if error is None and isinstance(parsed, schema):
            try:
                return schema.model_validate(parsed.model_dump(), context=context), []
            except ValidationError as invalid:
                error = invalid
        if isinstance(error, ValidationError):
            return None, _error_lines(error)
        reason = str(error) if isinstance(error, OutputParserException) else "no valid JSON"
        return None, [reason[:300]]


def _error_lines(error: ValidationError) -> list[str]:
    """One line per problem, named by its field when it has one."""
    lines = []
    for item in error.errors(include_url=False):
        where = ".".join(map(str, item["loc"]))
        lines += [f"{where}: {part}" if where else part for part in item["msg"].splitlines()]
    return lines

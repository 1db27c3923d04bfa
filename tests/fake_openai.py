"""A real HTTP server on 127.0.0.1 that speaks enough of the OpenAI API to drive ChatOpenAI.

Tests script its replies (text, tool calls, JSON, streaming, failures) and read back every
request it received, so the real client, the real wire format and the real engine are tested.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Scripted:
    """One scripted reply. `content` is text (or JSON for structured output)."""

    content: str | None = None
    tool_args: dict[str, Any] | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: str | None = None
    delay: float = 0.0


Responder = Callable[[dict[str, Any]], Scripted]


class FakeOpenAI:
    """Start with `with FakeOpenAI() as server:`; `server.base_url` goes to COACH_LLM_BASE_URL."""

    def __init__(self) -> None:
        self.queue: deque[Scripted] = deque()
        self.requests: list[dict[str, Any]] = []
        self.auth_headers: list[str] = []
        self.responder: Responder | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def enqueue(self, *replies: Scripted) -> None:
        self.queue.extend(replies)

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if "messages" in r]

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_reply(self, request: dict[str, Any]) -> Scripted:
        if self.queue:
            return self.queue.popleft()
        if self.responder is not None:
            return self.responder(request)
        return Scripted(status=500, content="no scripted reply left")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(request)
                fake.auth_headers.append(self.headers.get("Authorization", ""))
                if self.path.endswith("/embeddings"):
                    self._send_json(200, _embeddings(request))
                    return
                reply = fake.next_reply(request)
                time.sleep(reply.delay)
                if reply.status != 200:
                    error = {"error": {"message": reply.content or "error", "type": "test"}}
                    self._send_json(reply.status, error, reply.headers)
                elif reply.raw_body is not None:
                    self._send_raw(reply.raw_body)
                elif request.get("stream"):
                    self._send_stream(request, reply)
                else:
                    self._send_json(200, _completion(request, reply))

            def _send_json(
                self, status: int, body: Any, headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _send_raw(self, text: str) -> None:
                data = text.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _send_stream(self, request: dict[str, Any], reply: Scripted) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = (reply.content or "").split(" ")
                for i, word in enumerate(words):
                    piece = word if i == 0 else " " + word
                    self._event(_chunk(request, {"content": piece}, None))
                self._event(_chunk(request, {}, "stop"))
                if (request.get("stream_options") or {}).get("include_usage"):
                    usage_chunk = _chunk(request, {}, None)
                    usage_chunk["choices"] = []
                    usage_chunk["usage"] = _usage(request, reply.content or "")
                    self._event(usage_chunk)
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, body: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(body)}\n\n".encode())
                self.wfile.flush()

        return Handler


def _usage(request: dict[str, Any], content: str) -> dict[str, int]:
    prompt = len(json.dumps(request.get("messages", []))) // 4
    completion = max(1, len(content) // 4)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _chunk(request: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(request: dict[str, Any], reply: Scripted) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.tool_args is not None:
        tools = request.get("tools") or [{"function": {"name": "tool"}}]
        name = tools[0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(reply.tool_args)},
                }
            ],
        }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": request.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if reply.tool_args else "stop",
            }
        ],
        "usage": _usage(request, json.dumps(message)),
    }


def _embeddings(request: dict[str, Any]) -> dict[str, Any]:
    texts = request["input"] if isinstance(request["input"], list) else [request["input"]]
    data = []
    for i, text in enumerate(texts):
        vector = [0.0] * 64
        for word in str(text).lower().split():
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        data.append({"object": "embedding", "index": i, "embedding": vector})
    return {
        "object": "list",
        "data": data,
        "model": request.get("model"),
        "usage": {"prompt_tokens": 1, "total_tokens": 1},
    }

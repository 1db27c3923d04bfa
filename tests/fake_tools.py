"""A real HTTP server on 127.0.0.1 standing in for Zendesk's and Jira's ticket APIs.

It answers as the documented APIs do (201 with the new ticket, 200 or 204 on update), unless a
test scripts other replies (a status, headers, a raw body, a delay); it keeps every request
(method, path, Authorization header, JSON body) for the test to check.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout test) is not the server's error


@dataclass
class Reply:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    auth: str
    body: Any


class FakeTools:
    """`with FakeTools() as tools:`; `tools.url` is COACH_ZENDESK_URL or COACH_JIRA_URL."""

    def __init__(self) -> None:
        self.scripted: deque[Reply] = deque()
        self.seen: list[Seen] = []
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._next = 100

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def script(self, *replies: Reply) -> None:
        self.scripted.extend(replies)

    def __enter__(self) -> FakeTools:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _documented(self, method: str, path: str) -> Reply:
        if method == "POST" and path == "/api/v2/tickets.json":
            self._next += 1
            return Reply(201, json.dumps({"ticket": {"id": self._next, "status": "new"}}))
        if method == "PUT" and path.startswith("/api/v2/tickets/"):
            return Reply(200, json.dumps({"ticket": {"id": int(path.split("/")[-1][:-5])}}))
        if method == "POST" and path == "/rest/api/3/issue":
            self._next += 1
            return Reply(201, json.dumps({"id": str(10_000 + self._next),
                                          "key": f"ESC-{self._next}", "self": "x"}))
        if method == "PUT" and path.startswith("/rest/api/3/issue/"):
            return Reply(204)
        return Reply(404, json.dumps({"error": "not found"}))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        tools = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def _answer(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size) if size else b""
                tools.seen.append(Seen(self.command, self.path,
                                       self.headers.get("Authorization", ""),
                                       json.loads(raw) if raw else None))
                reply = (tools.scripted.popleft() if tools.scripted
                         else tools._documented(self.command, self.path))
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.body.encode()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if data:
                    self.wfile.write(data)

            do_POST = do_PUT = do_GET = _answer  # noqa: N815

        return Handler

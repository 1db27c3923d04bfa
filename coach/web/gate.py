"""The web edge, in front of Chainlit: origins, body sizes, sign-in first, throttled sign-in,
security headers. Plain ASGI: it decides from the request's headers, before any body is read.

- A request from another origin (its `Origin` header) is refused, HTTP and socket alike.
- A request with a body must be signed in, except `POST /login` (a small form).
- Uploads are refused while they are disabled; any body over the limit is refused from its
  `Content-Length`, or by counting when it is chunked.
- `POST /login` is refused with 429 and `Retry-After` while its user name or client address is
  locked out (`SignInThrottle`); its outcome is counted from the response status.
- Every HTTP response carries the Content-Security-Policy and the framing and referrer headers.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from coach.web.throttle import SignInThrottle

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOGIN_PATH = "/login"
LOGIN_MAX_BYTES = 4096  # Chainlit's sign-in form: a user name and a password
UPLOAD_PATHS = ("/project/file",)

_SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.S | re.I)

log = logging.getLogger("coach.gate")


@dataclass(frozen=True)
class EdgePolicy:
    """What the gate allows, fixed when the server starts."""

    max_body: int
    origins: frozenset[str]  # scheme://host[:port], as browsers send them
    uploads: bool
    headers: tuple[tuple[bytes, bytes], ...]  # added to every HTTP response
    trusted_proxies: frozenset[str] = frozenset()


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources (`sha256-...`) for each inline script of a page."""
    return sorted({"sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
                   for attrs, body in _SCRIPT.findall(html) if "src=" not in attrs})


def security_headers(script_hashes: list[str], origins: frozenset[str]) -> tuple[
        tuple[bytes, bytes], ...]:
    """Content-Security-Policy and friends. `script_hashes` are `sha256-...` sources of the
    page's inline scripts; the socket's ws(s):// origins are listed beside 'self'."""
    sockets = sorted(o.replace("http", "ws", 1) for o in origins)
    policy = "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(f"'{h}'" for h in script_hashes),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' " + " ".join(sockets),
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])
    return (
        (b"content-security-policy", policy.encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"x-content-type-options", b"nosniff"),
    )


class Gate:
    """ASGI middleware: see the module's docstring. `signed_in` checks a request's token;
    throttle bookkeeping (database calls) runs on `executor`, never on the event loop."""

    def __init__(self, app: ASGIApp, policy: EdgePolicy, signed_in: Callable[[Scope], bool],
                 throttle: SignInThrottle, executor: Executor) -> None:
        self.app, self.policy, self.signed_in = app, policy, signed_in
        self.throttle, self.executor = throttle, executor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        origin = headers.get("origin")
        if origin is not None and origin not in self.policy.origins:
            log.warning("refused a request from origin %s to %s", origin, scope.get("path"))
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await _answer(send, 403, "This origin may not use the coach.")
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(send)
        length = _length(headers)
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if length == 0 and not chunked:
            await self.app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "")
        if path == LOGIN_PATH and method == "POST":
            await self._sign_in(scope, receive, send, length)
            return
        if not self.signed_in(scope):
            await _answer(send, 401, "Sign in first.")
        elif path in UPLOAD_PATHS and not self.policy.uploads:
            await _answer(send, 403, "File uploads are turned off: paste the text instead.")
        elif length is not None and length > self.policy.max_body:
            await _answer(send, 413, f"The request is over {self.policy.max_body:,} bytes.")
        elif length is None:  # chunked: read up to the limit, then hand the body on
            body = await _read(receive, self.policy.max_body)
            if body is None:
                await _answer(send, 413, f"The request is over {self.policy.max_body:,} bytes.")
            else:
                await self.app(scope, _replay(body, receive), send)
        else:
            await self.app(scope, receive, send)

    async def _sign_in(self, scope: Scope, receive: Receive, send: Send,
                       length: int | None) -> None:
        if length is not None and length > LOGIN_MAX_BYTES:
            await _answer(send, 413, "The sign-in form is too large.")
            return
        body = await _read(receive, LOGIN_MAX_BYTES)
        if body is None:
            await _answer(send, 413, "The sign-in form is too large.")
            return
        user = parse_qs(body.decode("utf-8", "replace")).get("username", [""])[0]
        address = self._address(scope)
        loop = asyncio.get_running_loop()
        wait = await loop.run_in_executor(self.executor, self.throttle.retry_after, user, address)
        if wait is not None:
            await _answer(send, 429, "Too many failed sign-ins: try again later.",
                          [(b"retry-after", str(wait).encode())])
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, _replay(body, receive), watch)
        if status and status[0] == 401:
            await loop.run_in_executor(self.executor, self.throttle.failed, user, address)
        elif status and status[0] == 200:
            await loop.run_in_executor(self.executor, self.throttle.succeeded, user)

    def _address(self, scope: Scope) -> str:
        """The client's address: the peer, or the last untrusted hop of X-Forwarded-For when
        the peer is a trusted proxy."""
        peer = (scope.get("client") or ("unknown", 0))[0]
        if peer not in self.policy.trusted_proxies:
            return str(peer)
        hops = [h.strip() for h in _headers(scope).get("x-forwarded-for", "").split(",")]
        for hop in reversed([h for h in hops if h]):
            if hop not in self.policy.trusted_proxies:
                return hop
        return str(peer)

    def _with_headers(self, send: Send) -> Send:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.policy.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)
        return with_headers


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _length(headers: dict[str, str]) -> int | None:
    """The declared body length (0 when there is none); None when chunked or unreadable."""
    if "content-length" not in headers:
        return None if "chunked" in headers.get("transfer-encoding", "").lower() else 0
    try:
        return max(int(headers["content-length"]), 0)
    except ValueError:
        return None


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives `body` once, then defers to the real one (disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replay


async def _answer(send: Send, status: int, detail: str,
                  extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """A short JSON error; the connection closes, so an unread body is never read."""
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})

"""The web edge, in front of Chainlit: origins, body sizes, sign-in first, throttled sign-in,
security headers. Plain ASGI: it decides from the request's headers, before any body is read.

- A request from another origin (its `Origin` header) is refused, HTTP and socket alike.
- A request with a body must be signed in, except `POST /login` (a small form).
- Uploads are refused while they are disabled; any body over the limit is refused from its
  `Content-Length`, or by counting when it is chunked.
- `POST /login` is refused with 429 and `Retry-After` while its user name or client address is
  locked out (`SignInThrottle`); its outcome is counted from the response status.
- A token whose session has ended (its user signed out since it was issued) is refused on
  every request, HTTP and socket alike; `POST /logout` ends the user's sessions.
- `POST /project/action` must be a well-formed action for a live chat session, else 400.
- `PUT /feedback` on a thread of another user is refused with 403.
- Every HTTP response carries the Content-Security-Policy and the framing and referrer headers.
- A Socket.IO poll whose client left before its request arrived ends quietly.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Executor
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach.web.throttle import SignInThrottle

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
ACTION_PATH = "/project/action"
FEEDBACK_PATH = "/feedback"
LOGIN_MAX_BYTES = 4096  # Chainlit's sign-in form: a user name and a password
UPLOAD_PATHS = ("/project/file",)
SOCKET_PATH = "/ws/socket.io"  # Chainlit's Socket.IO endpoint

_SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.S | re.I)

log = logging.getLogger("coach.gate")
caller: ContextVar[str | None] = ContextVar("coach_caller", default=None)
"""The signed-in user of the request being handled, for checks further in (the data layer)."""


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


@dataclass(frozen=True)
class Bearer:
    """Who a request's valid token names, and the session version it was issued in."""

    user: str
    session: int


class ActionBody(BaseModel):
    """What Chainlit's `POST /project/action` needs: anything else would be a 500 inside it."""

    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=100)
    payload: dict[str, Any]


class ActionRequest(BaseModel):
    sessionId: str = Field(min_length=1, max_length=100)  # noqa: N815 - Chainlit's field
    action: ActionBody


@dataclass(frozen=True)
class Sessions:
    """Sign-in sessions: read a request's token (no I/O), and the user's current session
    version and ending them (database calls, run on the gate's executor)."""

    bearer: Callable[[Scope], Bearer | None]
    current: Callable[[str], int | None]
    end: Callable[[str], None]
    chat_exists: Callable[[str], bool]
    thread_owner: Callable[[str], str | None] = lambda thread_id: None
    """Who owns a chat thread (None: nobody yet), for refusing feedback on others' threads."""


class Gate:
    """ASGI middleware: see the module's docstring. Database calls run off the event loop:
    sign-in bookkeeping on `executor`, session checks on the default threads."""

    def __init__(self, app: ASGIApp, policy: EdgePolicy, sessions: Sessions,
                 throttle: SignInThrottle, executor: Executor) -> None:
        self.app, self.policy, self.sessions = app, policy, sessions
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
        bearer = self.sessions.bearer(scope)
        if bearer is not None and not await self._current(bearer):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await _answer(self._with_headers(send), 401,
                              "Your session has ended: sign in again.")
            return
        caller.set(bearer.user if bearer is not None else None)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(send)
        path, method = scope.get("path", ""), scope.get("method", "")
        if path == LOGOUT_PATH and method == "POST" and bearer is not None:
            await asyncio.get_running_loop().run_in_executor(self.executor, self.sessions.end,
                                                             bearer.user)
        length = _length(headers)
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        checked = path == ACTION_PATH or (path == FEEDBACK_PATH and method == "PUT")
        if length == 0 and not chunked and not checked:
            await self._forward(scope, receive, send)
            return
        if path == LOGIN_PATH and method == "POST":
            await self._sign_in(scope, receive, send, length)
            return
        if bearer is None:
            await _answer(send, 401, "Sign in first.")
        elif path in UPLOAD_PATHS and not self.policy.uploads:
            await _answer(send, 403, "File uploads are turned off: paste the text instead.")
        elif length is not None and length > self.policy.max_body:
            await _answer(send, 413, f"The request is over {self.policy.max_body:,} bytes.")
        elif length is None or checked:  # read up to the limit, then hand it on
            body = await _read(receive, self.policy.max_body)
            if body is None:
                await _answer(send, 413, f"The request is over {self.policy.max_body:,} bytes.")
            elif path == ACTION_PATH and (problem := self._bad_action(body)) is not None:
                await _answer(send, 400, problem)
            elif path == FEEDBACK_PATH and not await self._feedback_allowed(body, bearer.user):
                await _answer(send, 403, "This conversation belongs to someone else.")
            else:
                await self._forward(scope, _replay(body, receive), send)
        else:
            await self._forward(scope, receive, send)

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hand an HTTP request on. A Socket.IO poll whose client left before its request
        arrived ends here: Engine.IO would fail on it with a traceback (python-engineio's ASGI
        driver finds no request to handle)."""
        if scope.get("path", "").startswith(SOCKET_PATH):
            first = await receive()
            if first["type"] == "http.disconnect":
                return
            receive = _replay(first, receive)
        await self.app(scope, receive, send)

    async def _current(self, bearer: Bearer) -> bool:
        """Whether the token's session is still the user's (they have not signed out)."""
        # On the default threads, as turns are: a flood of sign-ins on `executor` cannot
        # slow every request down.
        version = await asyncio.to_thread(self.sessions.current, bearer.user)
        return version == bearer.session

    async def _feedback_allowed(self, body: bytes, user: str) -> bool:
        """Feedback goes only on the user's own threads (or one not saved yet)."""
        try:
            thread = json.loads(body)["feedback"]["threadId"]
        except (ValueError, KeyError, TypeError):
            return True  # malformed: Chainlit's own validation answers it
        try:
            thread = str(uuid.UUID(str(thread)))
        except ValueError:
            return True  # not a thread id: Chainlit finds no such thread
        owner = await asyncio.to_thread(self.sessions.thread_owner, thread)
        return owner is None or owner == user

    def _bad_action(self, body: bytes) -> str | None:
        """Why an action request cannot run, in one sentence; None when it can."""
        try:
            request = ActionRequest.model_validate_json(body)
        except ValidationError:
            return "This is not a well-formed action: expected a session id and an action " \
                   "with a name and a payload object."
        if not self.sessions.chat_exists(request.sessionId):
            return "This chat session is not open: reload the page."
        return None

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


def _replay(first: bytes | Message, receive: Receive) -> Receive:
    """A receive that gives `first` once (a whole body, or a message already taken), then
    defers to the real one (more body, disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if isinstance(first, bytes):
                return {"type": "http.request", "body": first, "more_body": False}
            return first
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

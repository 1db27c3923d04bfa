"""Chainlit adapter: signs users in, forwards text and button presses, renders the coach's Replies.

The only module that imports chainlit. Conversation logic lives in coach.engine, saving and
"My tickets" in coach.web.workspace, rendering in coach.web.views. Run it with `coach serve`.
"""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import chainlit as cl
from chainlit import server as chainlit_server
from chainlit.auth import get_token_from_cookies
from chainlit.auth.jwt import decode_jwt
from chainlit.config import config as chainlit_config
from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.types import ThreadDict
from starlette.requests import HTTPConnection

from coach.domain import CoachError, Reply
from coach.engine import press
from coach.settings import get_settings
from coach.web import views
from coach.web.chat_history import async_url
from coach.web.gate import EdgePolicy, Gate, inline_script_hashes, security_headers
from coach.web.store import Store
from coach.web.throttle import SignInThrottle
from coach.web.workspace import Conversation, TurnNotSaved, Workspace, build_workspace

STATE = "conversation"  # the one user_session key: a typed Conversation
PRESS = "press"  # the one action name; the payload carries the engine's button id
SOCKET_HARD_LIMIT = 8  # socket messages past 8x the body limit drop the socket, unread


@cache
def workspace() -> Workspace:
    """Engine and store, built on first use (never at import)."""
    return build_workspace(get_settings())


class ChatHistory(SQLAlchemyDataLayer):
    """Chainlit's SQL history. Files are not kept: downloads are rebuilt from saved work."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._users_lock = asyncio.Lock()

    async def create_user(self, user: cl.User) -> Any:
        # Chainlit checks, then inserts: two first sign-ins of one user at once would collide.
        async with self._users_lock:
            return await super().create_user(user)

    async def create_element(self, element: Any) -> None:
        return None


@cl.data_layer
def chat_history() -> ChatHistory:
    """Chat history in the coach's database, through an async driver."""
    settings = get_settings()
    sqlite = settings.store_url.startswith("sqlite")
    connect_args = {"timeout": settings.sqlite_busy_timeout} if sqlite else {}
    return ChatHistory(async_url(settings.store_url), connect_args=connect_args)


# Chainlit's page links Google Fonts and a KaTeX stylesheet on a CDN; the coach runs offline.
_chainlit_page = chainlit_server.get_html_template
chainlit_server.get_html_template = lambda root: views.offline_page(_chainlit_page(root))

# bcrypt and the sign-in counters get their own threads: a flood of sign-ins cannot slow turns.
SIGN_IN = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sign-in")


def _signed_in(scope: MutableMapping[str, Any]) -> bool:
    """Whether a request carries a valid sign-in token (cookie or bearer header)."""
    request = HTTPConnection(scope)
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    token = get_token_from_cookies(request.cookies) or bearer
    try:
        decode_jwt(token)
    except Exception:  # any unreadable, forged or expired token is simply not signed in
        return False
    return True


def _guard_the_edge() -> None:
    """The gate in front of everything Chainlit serves (coach.web.gate)."""
    settings = get_settings()
    origins = settings.origins()
    page = chainlit_server.get_html_template(chainlit_config.run.root_path)
    policy = EdgePolicy(
        max_body=settings.max_body_bytes, origins=origins,
        uploads=bool(chainlit_config.features.spontaneous_file_upload
                     and chainlit_config.features.spontaneous_file_upload.enabled),
        headers=security_headers(inline_script_hashes(page), origins),
        trusted_proxies=settings.proxies())
    throttle = SignInThrottle(Store.open(settings.store_url, settings.sqlite_busy_timeout))
    chainlit_server.app.add_middleware(Gate, policy=policy, signed_in=_signed_in,
                                       throttle=throttle, executor=SIGN_IN)
    # Socket messages up to a few times the limit reach on_message, which answers politely.
    chainlit_server.sio.eio.max_http_buffer_size = SOCKET_HARD_LIMIT * settings.max_body_bytes


_guard_the_edge()


@cl.password_auth_callback
async def sign_in(username: str, password: str) -> cl.User | None:
    """Users added with `coach users add`; passwords are checked against bcrypt hashes."""
    check = workspace().store.check_password
    ok = await asyncio.get_running_loop().run_in_executor(SIGN_IN, check, username, password)
    return cl.User(identifier=username, metadata={"provider": "credentials"}) if ok else None


@cl.set_starters
async def starters(user: cl.User | None = None, language: str | None = None) -> list[cl.Starter]:
    """The welcome screen's buttons."""
    return [cl.Starter(label=label, message=message) for label, message in views.STARTERS]


@cl.on_chat_start
async def start() -> None:
    """A new thread: say nothing, so the starters stay on screen."""
    await _open(cl.context.session.thread_id)


@cl.on_chat_resume
async def resume(thread: ThreadDict) -> None:
    """A thread from the history: restore its CoachSession. Chainlit replays the messages
    after this returns, replacing anything sent here, so the coach stays silent."""
    await _open(thread["id"])


@cl.on_message
async def on_message(message: cl.Message) -> None:
    """Typed text is a turn; text over the size limit is refused politely, and not kept."""
    size, limit = len(message.content.encode("utf-8", "replace")), get_settings().max_body_bytes
    if size > limit:
        await cl.Message(content=views.too_large_text(size, limit)).send()
        return
    await _turn(message.content)


@cl.action_callback(PRESS)
async def on_press(action: cl.Action) -> None:
    """A button press is the same turn as typing its id."""
    await _turn(press(str(action.payload.get("id", ""))))


async def _open(thread_id: str) -> Conversation:
    user = cl.user_session.get("user")
    if user is None:
        raise CoachError("sign in first")
    conv, notices = await asyncio.to_thread(workspace().open, user.identifier, thread_id)
    # on_chat_start runs as a task: a first message may have opened the thread meanwhile.
    current = cl.user_session.get(STATE)
    if isinstance(current, Conversation) and current.thread_id == thread_id:
        return current
    cl.user_session.set(STATE, conv)
    await _show(conv, notices)
    return conv


async def _turn(text: str) -> None:
    conv = cl.user_session.get(STATE)
    if not isinstance(conv, Conversation) or conv.thread_id != cl.context.session.thread_id:
        conv = await _open(cl.context.session.thread_id)
    streamed = cl.Message(content="")

    def on_token(token: str) -> None:
        cl.run_sync(streamed.stream_token(token))

    failure: CoachError | None = None
    try:
        replies = await asyncio.to_thread(workspace().respond, conv, text, on_token)
    except TurnNotSaved as exc:
        replies, failure = exc.replies, exc
    except CoachError as exc:
        replies, failure = [], exc
    if streamed.content:  # the live preview gives way to the finished, rendered replies
        await streamed.remove()
    await _show(conv, replies)
    if failure is not None:
        await cl.ErrorMessage(content=views.failure_text(failure)).send()


async def _show(conv: Conversation, replies: list[Reply]) -> None:
    knowledge_dir = get_settings().knowledge_dir
    for reply in replies:
        view = views.reply_view(reply, conv.session.framework, knowledge_dir)
        actions = [cl.Action(name=PRESS, payload={"id": b.id}, label=b.label)
                   for b in view.buttons]
        elements: list[Any] = [
            cl.File(name=d.name, content=d.content, mime=d.mime, display="inline")
            for d in views.first_offers(view, conv.offered_files)
        ]
        if view.markdown or actions or elements:
            message = cl.Message(content=view.markdown, actions=actions, elements=elements)
            await message.send()
            await _show_sources(message, view.sources)


async def _show_sources(message: cl.Message, sources: list[views.Source]) -> None:
    """Each cited section as a closed step under the message: its text shows when clicked."""
    for number, source in enumerate(sources, start=1):
        step = cl.Step(name=f"[{number}] {source.name}", type="tool", parent_id=message.id,
                       show_input=False)
        step.output = source.text
        await step.send()

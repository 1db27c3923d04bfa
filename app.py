"""Chainlit adapter: signs users in, forwards text and button presses, renders the coach's Replies.

The only module that imports chainlit. Conversation logic lives in coach.engine, saving and
"My tickets" in coach.web.workspace, rendering in coach.web.views. Run it with `coach serve`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import chainlit as cl
from chainlit import server as chainlit_server
from chainlit import socket as chainlit_socket
from chainlit.auth import get_token_from_cookies
from chainlit.auth.jwt import decode_jwt
from chainlit.config import config as chainlit_config
from chainlit.context import init_ws_context
from chainlit.data import get_data_layer
from chainlit.session import WebsocketSession
from chainlit.types import ThreadDict
from starlette.requests import HTTPConnection

from coach.domain import CoachError, Reply
from coach.engine import press
from coach.engine.inputs import clean_text
from coach.settings import get_settings
from coach.web import views
from coach.web.chat_history import async_url
from coach.web.data_layer import ChatHistory
from coach.web.gate import (
    Bearer,
    EdgePolicy,
    Gate,
    Sessions,
    inline_script_hashes,
    security_headers,
)
from coach.web.store import Store
from coach.web.throttle import SignInThrottle
from coach.web.workspace import Conversation, TurnNotSaved, Workspace, build_workspace

STATE = "conversation"  # the user_session key of the typed Conversation
OWNED = "owner_saved"  # the user_session key set once the thread's owner is saved
PRESS = "press"  # the one action name; the payload carries the engine's button id
SOCKET_HARD_LIMIT = 8  # socket messages past 8x the body limit drop the socket, unread

log = logging.getLogger("coach.app")


@cache
def store() -> Store:
    """The one database pool of this server (sign-in, throttle, conversations)."""
    settings = get_settings()
    return Store.open(settings.store_url, settings.sqlite_busy_timeout)


@cache
def workspace() -> Workspace:
    """Engine and store, built on first use (never at import)."""
    return build_workspace(get_settings(), store())


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


def _bearer(scope: MutableMapping[str, Any]) -> Bearer | None:
    """Who a request's valid sign-in token (cookie or bearer header) names; None when it has
    none, or one that is unreadable, forged or expired."""
    request = HTTPConnection(scope)
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    token = get_token_from_cookies(request.cookies) or bearer
    if not token:
        return None
    try:
        user = decode_jwt(token)
    except Exception:  # any unreadable, forged or expired token is simply not signed in
        return None
    session = user.metadata.get("session")
    return Bearer(user.identifier, session if isinstance(session, int) else -1)


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
    sessions = Sessions(bearer=_bearer, current=store().session_version,
                        end=store().end_sessions,
                        chat_exists=lambda sid: WebsocketSession.get_by_id(sid) is not None,
                        thread_owner=store().thread_owner)
    chainlit_server.app.add_middleware(Gate, policy=policy, sessions=sessions,
                                       throttle=SignInThrottle(store()), executor=SIGN_IN)
    # Socket messages up to a few times the limit reach on_message, which answers politely.
    chainlit_server.sio.eio.max_http_buffer_size = SOCKET_HARD_LIMIT * settings.max_body_bytes
    chainlit_config.project.user_session_timeout = int(settings.session_hours * 3600)


_guard_the_edge()


@chainlit_server.sio.on("client_message")  # type: ignore[untyped-decorator]
async def client_message(sid: str, payload: Any) -> None:
    """Chainlit's handler, after the checks it lacks: a well-formed message whose id is not a
    step of another thread, its text cleaned."""
    problem = await _message_problem(payload)
    if problem is None:
        payload["message"]["output"] = clean_text(payload["message"]["output"])
        await chainlit_socket.message(sid, payload)
        return
    log.warning("refused a socket message: %s", problem)
    if (session := WebsocketSession.get(sid)) is not None:
        init_ws_context(session)
        await cl.ErrorMessage(content=problem).send()


@chainlit_server.sio.on("edit_message")  # type: ignore[untyped-decorator]
async def edit_message(sid: str, payload: Any) -> None:
    """Editing a sent message rewrites the history after it: refused while it is turned off."""
    if chainlit_config.features.edit_message:
        await chainlit_socket.edit_message(sid, payload)
        return
    log.warning("refused an edit_message event: editing is turned off")
    if (session := WebsocketSession.get(sid)) is not None:
        init_ws_context(session)
        await cl.ErrorMessage(content="Editing sent messages is turned off.").send()


async def _message_problem(payload: Any) -> str | None:
    """Why a socket message cannot be taken, in one sentence; None when it can."""
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("output"), str):
        return "That message was not well formed, so it was not read."
    try:
        fresh = uuid.UUID(str(message.get("id"))).version == 4
    except ValueError:
        fresh = False
    if not fresh:
        return "That message was not well formed, so it was not read."
    layer = chat_history()
    if isinstance(layer, ChatHistory) and await layer.step_thread(message["id"]) is not None:
        return "That message id is already taken, so the message was not read."
    return None


@cl.password_auth_callback
async def sign_in(username: str, password: str) -> cl.User | None:
    """Users added with `coach users add` (the name in any case); passwords are checked
    against bcrypt hashes. The token carries the user's session version: signing out raises
    it, which ends every token issued before."""
    loop = asyncio.get_running_loop()
    name = await loop.run_in_executor(SIGN_IN, store().check_password, clean_text(username),
                                      password)
    if name is None:
        return None
    session = await loop.run_in_executor(SIGN_IN, store().session_version, name)
    return cl.User(identifier=name, metadata={"provider": "credentials", "session": session})


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
    await _plainly(_turn(clean_text(message.content)))


@cl.action_callback(PRESS)
async def on_press(action: cl.Action) -> None:
    """A button press is the same turn as typing its id."""
    button = action.payload.get("id", "") if isinstance(action.payload, dict) else ""
    await _plainly(_turn(press(clean_text(str(button))[:80])))


async def _plainly(turn: Awaitable[None]) -> None:
    """Whatever fails inside a turn, the user gets one plain sentence; the detail is logged."""
    try:
        await turn
    except Exception:
        log.exception("a turn failed")
        await cl.ErrorMessage(content=views.UNEXPECTED).send()


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
    await _save_owner()
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
        log.warning("turn not answered or saved: %s %s", failure, getattr(failure, "detail", ""))
        await cl.ErrorMessage(content=views.failure_text(failure)).send()


async def _save_owner() -> None:
    """Chainlit saves a thread's owner in a task that races the first reply; a worker dying
    in between would leave a thread that no worker lets its user reopen. So the owner is
    saved before this session's first reply, once: a history that cannot be written is
    logged once and left to Chainlit's own writes."""
    session = cl.context.session
    if cl.user_session.get(OWNED) or (layer := get_data_layer()) is None:
        return
    if user_id := getattr(session.user, "id", None):
        cl.user_session.set(OWNED, True)
        try:
            await layer.update_thread(session.thread_id, user_id=user_id)
        except Exception:  # as Chainlit does: the history never stops a turn being answered
            log.warning("the thread's owner was not saved", exc_info=True)


async def _show(conv: Conversation, replies: list[Reply]) -> None:
    knowledge_dir = get_settings().knowledge_dir
    for reply in replies:
        view = views.reply_view(reply, conv.session.framework, knowledge_dir)
        actions = [cl.Action(name=PRESS, payload={"id": b.id}, label=b.label)
                   for b in view.buttons]
        elements: list[Any] = [
            cl.File(name=d.name, content=d.content, mime=d.mime, display="inline")
            for d in views.first_offers(view, conv.offered_files)
        ] + [_chart(name, figure) for name, figure in view.charts]
        if view.markdown or actions or elements:
            message = cl.Message(content=view.markdown, actions=actions, elements=elements)
            await message.send()
            await _show_sources(message, view.sources)


def _chart(name: str, figure: dict[str, Any]) -> Any:
    """A Plotly element shown inline; plotly.js comes from Chainlit's own bundle."""
    from plotly import graph_objects as go  # imported on the first chart, not at start

    return cl.Plotly(name=name, figure=go.Figure(figure), display="inline", size="large")


async def _show_sources(message: cl.Message, sources: list[views.Source]) -> None:
    """Each cited section as a closed step under the message: its text shows when clicked."""
    for number, source in enumerate(sources, start=1):
        step = cl.Step(name=f"[{number}] {source.name}", type="tool", parent_id=message.id,
                       show_input=False)
        step.output = source.text
        await step.send()

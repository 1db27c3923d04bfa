"""Chainlit adapter: signs users in, forwards text and button presses, renders the coach's Replies.

The only module that imports chainlit. Conversation logic lives in coach.engine, saving and
"My tickets" in coach.web.workspace, rendering in coach.web.views. Run it with `coach serve`.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

import chainlit as cl
from chainlit import server as chainlit_server
from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.types import ThreadDict

from coach.domain import CoachError, Reply
from coach.engine import press
from coach.settings import get_settings
from coach.web import views
from coach.web.chat_history import async_url
from coach.web.workspace import Conversation, TurnNotSaved, Workspace, build_workspace

STATE = "conversation"  # the one user_session key: a typed Conversation
PRESS = "press"  # the one action name; the payload carries the engine's button id


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


@cl.password_auth_callback
async def sign_in(username: str, password: str) -> cl.User | None:
    """Users added with `coach users add`; passwords are checked against bcrypt hashes."""
    ok = await asyncio.to_thread(workspace().store.check_password, username, password)
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
    """Typed text is a turn."""
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
        if view.sources:  # public/elements/Sources.jsx: each opens when clicked, not before
            sources = [{"name": s.name, "text": s.text} for s in view.sources]
            elements.append(cl.CustomElement(name="Sources", props={"sources": sources},
                                             display="inline"))
        if view.markdown or actions or elements:
            await cl.Message(content=view.markdown, actions=actions, elements=elements).send()

"""Chainlit's SQL history (its SQLAlchemy data layer), with the checks Chainlit leaves out.

Imported by app.py only: it brings chainlit in, which the command line never needs.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import chainlit as cl
from chainlit.context import context
from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.types import Feedback
from fastapi import HTTPException

from coach.web.gate import caller

NOT_YOURS = "This conversation belongs to someone else."
BACKLOG_LIMIT = 10_000  # history writes kept for a retry while the database refuses them

log = logging.getLogger("coach.history")


class ChatHistory(SQLAlchemyDataLayer):
    """Chainlit's SQL history, with the checks Chainlit leaves out:

    - steps, feedback and elements are written only in threads the caller owns, and a step
      id that lives in another thread is refused, never moved;
    - a write the database refuses (a full disk) is kept and retried, in order, before the
      next one, so the history catches up instead of losing turns.

    Files are not kept: downloads are rebuilt from saved work."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._users_lock = asyncio.Lock()
        self._writes = asyncio.Lock()
        self._backlog: list[tuple[str, dict[str, Any]]] = []

    async def create_user(self, user: cl.User) -> Any:
        # Chainlit checks, then inserts: two first sign-ins of one user at once would collide.
        async with self._users_lock:
            return await super().create_user(user)

    async def create_element(self, element: Any) -> None:
        return None

    async def execute_sql(self, query: str, parameters: dict[str, Any]) -> Any:
        if query.lstrip().split(" ", 1)[0].upper() not in ("INSERT", "UPDATE", "DELETE"):
            return await super().execute_sql(query, parameters)
        if not self._backlog:  # the usual case: conversations write at once, unserialised
            result = await super().execute_sql(query, parameters)
            if result is None:
                async with self._writes:
                    self._keep((query, parameters))
            return result
        async with self._writes:  # a backlog: written in order, before anything new
            while self._backlog:
                if await super().execute_sql(*self._backlog[0]) is None:
                    break
                self._backlog.pop(0)
            result = None if self._backlog else await super().execute_sql(query, parameters)
            if result is None:
                self._keep((query, parameters))
            return result

    def _keep(self, write: tuple[str, dict[str, Any]]) -> None:
        if len(self._backlog) >= BACKLOG_LIMIT:
            log.error("history backlog full: a write to the history was dropped")
            self._backlog.pop(0)
        self._backlog.append(write)
        log.warning("history write kept for a retry (%d waiting)", len(self._backlog))

    async def update_thread(self, thread_id: str, *args: Any, **kwargs: Any) -> None:
        if await self._owns(thread_id):
            await super().update_thread(thread_id, *args, **kwargs)

    async def create_step(self, step_dict: Any) -> None:
        if await self._may_write_step(str(step_dict.get("id")), str(step_dict.get("threadId"))):
            await super().create_step(step_dict)

    async def delete_step(self, step_id: str) -> None:
        thread = await self._thread_of("steps", step_id)
        if thread is not None and await self._owns(thread):
            await super().delete_step(step_id)

    async def upsert_feedback(self, feedback: Feedback) -> str:
        step_thread = await self._thread_of("steps", feedback.forId)
        earlier = await self._thread_of("feedbacks", feedback.id) if feedback.id else None
        if (step_thread != feedback.threadId or earlier not in (None, feedback.threadId)
                or not await self._owns(feedback.threadId, new_ok=False)):
            raise HTTPException(status_code=403, detail=NOT_YOURS)
        return await super().upsert_feedback(feedback)

    async def delete_feedback(self, feedback_id: str) -> bool:
        thread = await self._thread_of("feedbacks", feedback_id)
        if thread is None or not await self._owns(thread, new_ok=False):
            raise HTTPException(status_code=403, detail=NOT_YOURS)
        return await super().delete_feedback(feedback_id)

    async def delete_element(self, element_id: str, thread_id: str | None = None) -> None:
        thread = await self._thread_of("elements", element_id)
        if thread is not None and await self._owns(thread, new_ok=False):
            await super().delete_element(element_id, thread_id)

    async def step_thread(self, step_id: str) -> str | None:
        """The thread a step id is saved in; None when it is new."""
        return await self._thread_of("steps", step_id)

    async def _may_write_step(self, step_id: str, thread_id: str) -> bool:
        if not await self._owns(thread_id):
            log.warning("refused a step for thread %s: not the caller's", thread_id)
            return False
        if await self._thread_of("steps", step_id) not in (None, thread_id):
            log.warning("refused step %s: it belongs to another thread", step_id)
            return False
        return True

    async def _thread_of(self, table: str, row_id: str | None) -> str | None:
        if not _is_uuid(row_id):
            return None
        rows = await super().execute_sql(f'SELECT "threadId" FROM {table} WHERE "id" = :id',
                                         {"id": row_id})
        return str(rows[0]["threadId"]) if isinstance(rows, list) and rows else None

    async def _owns(self, thread_id: str | None, new_ok: bool = True) -> bool:
        """Whether the caller owns the thread; a thread not saved yet (or not yet given its
        user, as Chainlit does on the first message) is the caller's when `new_ok`."""
        if not _is_uuid(thread_id):
            return False
        user = _caller()
        rows = await super().execute_sql(
            'SELECT "userIdentifier" FROM threads WHERE "id" = :id', {"id": thread_id})
        if not isinstance(rows, list) or not rows:
            return new_ok and user is not None
        owner = rows[0]["userIdentifier"]
        return user is not None and (owner == user or (owner is None and new_ok))


def _caller() -> str | None:
    """Who is asking: the chat session's user, else the signed-in user of the request."""
    try:
        user = context.session.user
    except Exception:  # no chat context: an HTTP request (feedback), known from its token
        return caller.get()
    return user.identifier if user is not None else caller.get()


def _is_uuid(value: str | None) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True

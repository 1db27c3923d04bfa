"""app.py's handlers inside a real ChainlitContext around a mocked websocket session."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, Mock

import pytest
from chainlit.context import ChainlitContext, context_var
from chainlit.data import get_data_layer
from chainlit.session import WebsocketSession
from chainlit.user import PersistedUser

import app
from coach.domain import EscalationTicket
from coach.engine import Engine, press
from coach.web.store import SaveError, Store
from coach.web.workspace import Conversation, Workspace
from tests.test_engine_support import GLOBEX_PASTE, offline_engine

THREAD = "0b7e4c1e-58a4-4a43-9a77-0c9f6d3c2f10"


class FakeSocket:
    """A mocked WebsocketSession that records what the app emits."""

    def __init__(self, user: str, thread_id: str = THREAD) -> None:
        session = Mock(spec=WebsocketSession)
        session.id, session.thread_id = f"session-{uuid.uuid4()}", thread_id
        session.user = PersistedUser(id=f"id-{user}", identifier=user, createdAt="2026-11-26")
        session.user_env, session.chat_settings, session.chat_profile = {}, {}, None
        session.http_referer, session.client_type, session.languages = None, "webapp", ["en"]
        session.has_first_interaction = False  # history writes wait, as before a first message
        session.thread_queues = {}
        session.files = {}
        session.emit = AsyncMock()
        session.persist_file = AsyncMock(side_effect=lambda **kw: {"id": f"file-{kw['name']}"})
        self.session = session

    def run(self, handler: Callable[..., Awaitable[Any]], *args: Any) -> None:
        """Await a handler inside a Chainlit context for this session."""

        async def inside() -> None:
            token = context_var.set(ChainlitContext(self.session))
            try:
                await handler(*args)
            finally:  # history writes finish, and their connections close, in this loop
                others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                await asyncio.gather(*others, return_exceptions=True)
                if (layer := get_data_layer()) is not None:
                    await layer.engine.dispose()
                context_var.reset(token)

        asyncio.run(inside())

    def emitted(self, event: str) -> list[dict[str, Any]]:
        return [c.args[1] for c in self.session.emit.call_args_list if c.args[0] == event]

    def said(self) -> str:
        return "\n".join(str(step.get("output", "")) for step in self.emitted("new_message"))

    def conversation(self) -> Conversation:
        from chainlit.user_session import user_sessions

        conv = user_sessions[self.session.id][app.STATE]
        assert isinstance(conv, Conversation)
        return conv


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    store = Store.open(f"sqlite:///{tmp_path / 'coach.db'}")
    store.migrate()
    for name in ("alice", "bob"):
        store.add_user(name, f"{name}-password")
    engine: Engine = offline_engine()
    built = Workspace(engine, store)
    monkeypatch.setattr(app, "workspace", lambda: built)
    monkeypatch.setattr(app, "store", lambda: store)
    yield built
    store.engine.dispose()


def test_sign_in_checks_the_bcrypt_password(workspace: Workspace) -> None:
    user = asyncio.run(app.sign_in("alice", "alice-password"))
    assert user is not None and user.identifier == "alice"
    assert user.metadata["session"] == 0  # the session version the token will carry
    again = asyncio.run(app.sign_in(" ALICE", "alice-password"))  # names in any case
    assert again is not None and again.identifier == "alice"
    assert asyncio.run(app.sign_in("alice", "bob-password")) is None
    assert asyncio.run(app.sign_in("mallory", "alice-password")) is None


def test_starters_offer_the_four_modes_and_saved_work() -> None:
    labels = [s.label for s in asyncio.run(app.starters(None))]
    assert labels[:4] == ["Learn the framework", "Practice", "Tailor my severity levels",
                          "Draft an escalation ticket"]
    assert {"My tickets", "My frameworks"} <= set(labels)


def test_chat_start_is_silent_and_holds_one_typed_conversation(workspace: Workspace) -> None:
    socket = FakeSocket("alice")
    socket.run(app.start)
    assert socket.emitted("new_message") == []  # the starters stay on screen
    conv = socket.conversation()
    assert (conv.user, conv.thread_id, conv.session.mode) == ("alice", THREAD, "home")


def test_a_pasted_ticket_is_confirmed_by_button_rendered_and_saved_once(
    workspace: Workspace,
) -> None:
    socket = FakeSocket("alice")
    socket.run(app.start)
    socket.run(app.on_message, Mock(content=GLOBEX_PASTE))
    assert "Here is what I captured" in socket.said()
    labels = [a["label"] for a in socket.emitted("action")]
    assert "Confirm ticket" in labels
    socket.run(app.on_press, Mock(payload={"id": "confirm"}))
    socket.run(app.on_message, Mock(content="export"))
    assert "Escalation ticket: Globex Corporation" in socket.said()
    files = [e["name"] for e in socket.emitted("element") if e["type"] == "file"]
    assert "ticket-globex-corporation.json" in files and "ticket-globex-corporation.md" in files
    saved = workspace.store.list_work("alice", "ticket")
    assert len(saved) == 1
    ticket = EscalationTicket.model_validate(saved[0].data)
    assert ticket.account == "Globex Corporation"


def test_resume_restores_the_half_drafted_ticket(workspace: Workspace) -> None:
    first = FakeSocket("alice")
    first.run(app.start)
    first.run(app.on_message, Mock(content="I need to escalate Umbrella Corp"))
    later = FakeSocket("alice")  # a new websocket session after a restart
    later.run(app.resume, {"id": THREAD})
    assert later.conversation().session.ticket.account == "Umbrella Corp"
    later.run(app.on_message, Mock(content="status"))
    assert "Umbrella Corp" in later.said()


def test_saved_work_is_listed_and_reopened_but_only_by_its_owner(workspace: Workspace) -> None:
    alice = FakeSocket("alice")
    alice.run(app.start)
    alice.run(app.on_message, Mock(content=GLOBEX_PASTE))
    alice.run(app.on_press, Mock(payload={"id": "confirm"}))
    alice.run(app.on_message, Mock(content="my tickets"))
    work_id = workspace.store.list_work("alice", "ticket")[0].id
    assert "Open Globex Corporation" in " ".join(a["label"] for a in alice.emitted("action"))
    bob = FakeSocket("bob", thread_id="5f0c5a55-9f5e-4f1a-8b4c-2d6f1b1d2e33")
    bob.run(app.start)
    bob.run(app.on_press, Mock(payload={"id": f"open-ticket-{work_id}"}))
    assert "no saved ticket" in bob.said() and "Globex" not in bob.said()
    fresh = FakeSocket("alice", thread_id="9d3b2f0e-6c1a-4e8b-9f7d-3a2b1c0d4e5f")
    fresh.run(app.start)
    fresh.run(app.on_message, Mock(content=press(f"open-ticket-{work_id}")))
    assert "Escalation ticket: Globex Corporation" in fresh.said()


def test_a_failed_save_is_reported_to_the_user(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_save(*args: Any, **kwargs: Any) -> None:
        raise SaveError("could not save", "disk I/O error")

    monkeypatch.setattr(workspace.store, "save", failing_save)
    socket = FakeSocket("alice")
    socket.run(app.start)
    socket.run(app.on_message, Mock(content="I need to escalate Umbrella Corp"))
    said = socket.said()
    assert "What is wrong" in said  # the turn's replies are still shown
    assert "Not saved" in said and "could not save" in said
    assert "disk I/O error" not in said  # the database's words go to the log only


def test_an_unexpected_failure_is_one_plain_sentence(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("1 validation error for Reply: internal detail")

    monkeypatch.setattr(workspace, "respond", broken)
    socket = FakeSocket("alice")
    socket.run(app.start)
    with caplog.at_level(logging.ERROR, logger="coach.app"):
        socket.run(app.on_message, Mock(content="hello"))
        socket.run(app.on_press, Mock(payload=["not", "a", "dict"]))
    said = socket.said()
    assert said.count("Something went wrong on our side") == 2
    assert "validation error" not in said
    assert "internal detail" in caplog.text  # the detail is in the log


def test_chainlit_history_writes_fit_our_schema(
    workspace: Workspace, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import chainlit.data

    socket = FakeSocket("alice")
    socket.session.has_first_interaction = True

    async def write_and_read() -> None:
        layer = app.ChatHistory(f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}")
        monkeypatch.setattr(chainlit.data, "_data_layer", layer)
        monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
        user = await layer.create_user(socket.session.user)
        assert user is not None
        await layer.update_thread(THREAD, name="ticket", user_id=user.id)
        socket.session.user = user
        await app.start()
        await app.on_message(Mock(content="I need to escalate Umbrella Corp"))
        await asyncio.sleep(0.5)  # Chainlit writes steps from background tasks
        thread = await layer.get_thread(THREAD)
        assert thread is not None and thread["userIdentifier"] == "alice"
        assert any("What is wrong" in (s.get("output") or "") for s in thread["steps"])
        await layer.close()

    with caplog.at_level(logging.WARNING, logger="chainlit"):
        socket.run(write_and_read)
    problems = [r.getMessage() for r in caplog.records if "storage client" not in r.getMessage()]
    assert problems == []


def test_streamed_tokens_are_shown_live_then_replaced_by_the_reply(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.domain import Reply

    def streaming(conv: Conversation, text: str, on_token: Callable[[str], None]) -> list[Reply]:
        for token in ("Sev", "erity ", "1"):
            on_token(token)  # from the worker thread, as LLM mode does
        return [Reply(text="Severity 1")]

    monkeypatch.setattr(workspace, "respond", streaming)
    socket = FakeSocket("alice")
    socket.run(app.start)
    socket.run(app.on_message, Mock(content="how severe is this?"))
    tokens = [c.args[1] for c in socket.session.emit.call_args_list if c.args[0] == "stream_token"]
    assert "".join(t["token"] for t in tokens).endswith("erity 1")  # the first opens the message
    assert socket.emitted("delete_message")  # the preview gives way to the rendered reply
    assert socket.said().endswith("Severity 1")


def test_each_version_of_a_framework_is_offered_once_as_a_file(workspace: Workspace) -> None:
    socket = FakeSocket("alice")
    socket.run(app.start)
    for line in ["tailor", "Series B, mid-market, a head of CS and 6 CSMs, 9-6 ET weekdays",
                 "[button:accept]", "show the framework", "make sev 3 respond within 8 hours",
                 "export"]:
        socket.run(app.on_message, Mock(content=line))
    files = [e["name"] for e in socket.emitted("element") if e["type"] == "file"]
    framework_files = [f for f in files if f.startswith("framework-") and f.endswith(".json")]
    # the proposal, the edited version, and the export asked for; accepting adds none
    assert len(framework_files) == 3, files
    assert "8 hours" in socket.said()


def test_history_refused_by_a_full_disk_is_kept_and_catches_up(tmp_path: Path) -> None:
    """A full disk, simulated with SQLite's max_page_count: the writes it refuses are kept
    and written, in order, once there is room again; no turn is lost."""
    from sqlalchemy import event

    from coach.web.chat_history import async_url

    url = f"sqlite:///{tmp_path / 'history.db'}"
    Store.open(url).migrate()
    room = [True]
    thread = str(uuid.uuid4())

    def step(n: int) -> dict[str, Any]:
        return {"id": str(uuid.uuid4()), "threadId": thread, "name": "alice", "streaming": False,
                "type": "user_message", "output": f"turn {n} " + "x" * 20_000}

    socket = FakeSocket("alice", thread)
    socket.session.has_first_interaction = True  # history is written as it comes

    async def run() -> None:
        history = app.ChatHistory(async_url(url))

        @event.listens_for(history.engine.sync_engine, "checkout")
        def _limit(connection: Any, record: Any, proxy: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA max_page_count = " + ("1000000" if room[0] else "1"))
            cursor.close()

        sent = []
        for n in range(3):
            sent.append(step(n))
            await history.create_step(sent[-1])
        room[0] = False  # the disk is full: these are refused...
        for n in range(3, 6):
            sent.append(step(n))
            await history.create_step(sent[-1])
        assert len(history._backlog) >= 3
        room[0] = True  # ...and written before the next one, in order
        sent.append(step(6))
        await history.create_step(sent[-1])
        assert history._backlog == []
        saved = await history.execute_sql(
            'SELECT "id" FROM steps WHERE "threadId" = :t ORDER BY rowid', {"t": thread})
        await history.engine.dispose()
        assert [row["id"] for row in saved] == [s["id"] for s in sent]

    socket.run(run)

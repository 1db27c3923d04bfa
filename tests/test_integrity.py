"""Data integrity, attacked the way the attack pass did it, on a real `coach serve`: socket
clients as two users, a second tab, malformed packets and actions, a lone surrogate, a
token used after signing out."""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from coach.settings import SQLITE_FILE
from tests.live_server import LiveServer, add_user
from tests.test_concurrency import SocketClient

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("integrity") / "data"
    for name in ("alice", "bob", "carol", "dave"):
        add_user(data_dir, name, f"{name}-password")
    live = LiveServer(data_dir, env={"COACH_SESSION_HOURS": "2"}).start()
    yield live
    live.stop()


def rows(server: LiveServer, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(server.data_dir / SQLITE_FILE) as db:
        return db.execute(query, args).fetchall()


def rows_soon(server: LiveServer, query: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows once there are some: Chainlit saves a step in a task of its own, a moment after
    it is shown."""
    deadline = time.monotonic() + 10
    while not (found := rows(server, query, *args)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def signed_in(server: LiveServer, user: str, password: str | None = None) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    client.post("/login", data={"username": user, "password": password or f"{user}-password"}
                ).raise_for_status()
    return client


def test_a_step_id_of_another_users_thread_is_refused_never_moved(server: LiveServer) -> None:
    async def attack() -> tuple[SocketClient, SocketClient]:
        alice, bob = SocketClient(server.url, "alice", "A"), SocketClient(server.url, "bob", "B")
        await alice.connect()
        await alice.say("what does severity 2 mean?", "Severity 2")
        await bob.connect()
        await bob.say("hello", "")  # bob's own thread exists
        await bob.say("overwritten by bob", "already taken", message_id=alice.sent[0])
        for client in (alice, bob):
            await client.sio.disconnect()
        return alice, bob

    alice, bob = asyncio.run(attack())
    [(thread, output)] = rows(server, 'SELECT "threadId", output FROM steps WHERE id = ?',
                              alice.sent[0])
    assert (thread, output) == (alice.thread_id, "what does severity 2 mean?")
    owners = dict(rows(server, 'SELECT id, "userIdentifier" FROM threads'))
    assert owners[alice.thread_id] == "alice" and owners[bob.thread_id] == "bob"


def test_feedback_goes_only_into_the_callers_own_threads(server: LiveServer) -> None:
    async def talk() -> SocketClient:
        alice = SocketClient(server.url, "alice", "A")
        await alice.connect()
        await alice.say("what does severity 3 mean?", "Severity 3")
        await alice.sio.disconnect()
        return alice

    alice = asyncio.run(talk())
    [(reply,)] = rows_soon(server, 'SELECT id FROM steps WHERE "threadId" = ? AND type = '
                      "'assistant_message' LIMIT 1", alice.thread_id)
    feedback = {"forId": reply, "threadId": alice.thread_id, "value": 1, "comment": "mine"}
    own = signed_in(server, "alice").put("/feedback", json={"feedback": feedback,
                                                             "sessionId": alice.session_id})
    assert own.status_code == 200, own.text
    feedback_id = own.json()["feedbackId"]
    bob = signed_in(server, "bob")
    forged = {**feedback, "comment": "written by bob"}
    refused = bob.put("/feedback", json={"feedback": forged, "sessionId": "x"})
    assert refused.status_code == 403 and "someone else" in refused.text
    assert bob.request("DELETE", "/feedback", json={"feedbackId": feedback_id}
                       ).status_code == 403
    assert rows(server, 'SELECT comment FROM feedbacks WHERE "threadId" = ?',
                alice.thread_id) == [("mine",)]


def test_editing_a_sent_message_is_refused_while_it_is_turned_off(server: LiveServer) -> None:
    async def edit() -> SocketClient:
        alice = SocketClient(server.url, "alice", "A")
        await alice.connect()
        await alice.say("what does severity 4 mean?", "Severity 4")
        await alice.say("rewritten history", "Editing sent messages is turned off",
                        message_id=alice.sent[0], event="edit_message")
        await alice.sio.disconnect()
        return alice

    alice = asyncio.run(edit())
    steps = rows(server, 'SELECT output FROM steps WHERE "threadId" = ? AND type = '
                 "'user_message'", alice.thread_id)
    assert steps == [("what does severity 4 mean?",)]


def test_malformed_packets_get_a_plain_sentence_and_no_internal_text(server: LiveServer) -> None:
    async def send_bad() -> list[str]:
        carol = SocketClient(server.url, "carol", "C")
        await carol.connect()
        await carol.say("hi", "not well formed", message_id="not-a-uuid")
        seen = len(carol.outputs)
        await carol.sio.emit("client_message", {"message": "just a string"})
        await carol.expect("not well formed", seen)
        await carol.say("what does severity 1 mean?", "Severity 1")  # the socket lives on
        await carol.sio.disconnect()
        return carol.outputs

    outputs = "\n".join(asyncio.run(send_bad()))
    assert "hexadecimal" not in outputs and "Traceback" not in outputs


def test_malformed_action_requests_get_a_400(server: LiveServer) -> None:
    client = signed_in(server, "carol")
    for body in ({"sessionId": "x"}, {"sessionId": "x", "action": "press"},
                 {"sessionId": "x", "action": {"name": "press", "payload": "not a dict"}},
                 {"sessionId": str(uuid.uuid4()), "action": {"name": "press",
                                                             "payload": {"id": "ticket"}}}):
        answer = client.post("/project/action", json=body)
        assert answer.status_code == 400, (body, answer.text)
        assert "detail" in answer.json()
    assert client.post("/project/action", content=b"{not json").status_code == 400


def test_a_lone_surrogate_is_replaced_before_anything_sees_it(server: LiveServer) -> None:
    async def talk() -> SocketClient:
        dave = SocketClient(server.url, "dave", "D")
        await dave.connect()
        await dave.say("what does severity 2 mean? \ud800", "Severity 2")
        await dave.say("ticket", "account")
        await dave.say("Acme \udfff Corp", "")
        await asyncio.sleep(1)
        await dave.sio.disconnect()
        return dave

    dave = asyncio.run(talk())
    assert "validation error" not in "\n".join(dave.outputs)
    assert rows(server, 'SELECT "userIdentifier" FROM threads WHERE id = ?',
                dave.thread_id) == [("dave",)]
    outputs = rows(server, 'SELECT output FROM steps WHERE "threadId" = ? AND type = '
                   "'user_message'", dave.thread_id)
    assert outputs[0] == ("what does severity 2 mean? \ufffd",)

    async def reconnect() -> list[str]:  # the thread is still in dave's history
        again = SocketClient(server.url, "dave", "D", thread_id=dave.thread_id)
        await again.connect()
        await again.sio.disconnect()
        return again.outputs

    asyncio.run(reconnect())


def test_signing_out_ends_the_token_and_tokens_last_the_configured_hours(
        server: LiveServer) -> None:
    client = signed_in(server, "bob")
    token = client.cookies.get("access_token") or ""
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["exp"] - claims["iat"] == 2 * 3600
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server.url}/user", headers=bearer).status_code == 200
    assert client.post("/logout").status_code == 200
    refused = httpx.get(f"{server.url}/user", headers=bearer)
    assert refused.status_code == 401 and "sign in again" in refused.text
    fresh = signed_in(server, " BOB", "bob-password")  # a new sign-in works, names in any case
    assert fresh.get("/user").json()["identifier"] == "bob"


def test_two_tabs_on_one_conversation_keep_every_turn(server: LiveServer) -> None:
    async def tabs() -> tuple[SocketClient, SocketClient]:
        first = SocketClient(server.url, "carol", "T")
        await first.connect()
        await first.say("what does severity 2 mean?", "Severity 2")  # the thread is saved
        second = SocketClient(server.url, "carol", "T", thread_id=first.thread_id)
        resumed = asyncio.Event()
        second.sio.on("resume_thread", lambda thread: resumed.set())
        await second.connect()
        await asyncio.wait_for(resumed.wait(), 30)  # the second tab has read the state
        await first.say("ticket", "account")
        await second.say("Two Tabs Ltd", "moved on in another tab")
        await first.say("what does severity 3 mean?", "moved on in another tab")
        for tab in (first, second):
            await tab.sio.disconnect()
        return first, second

    first, _ = asyncio.run(tabs())
    [(data, version)] = rows(server, "SELECT data, version FROM coach_sessions WHERE "
                             "thread_id = ?", first.thread_id)
    assert version == 4  # four acknowledged turns, four saves
    assert json.loads(data)["ticket"]["account"] == "Two Tabs Ltd"  # the second tab's turn


def test_users_differing_only_in_case_are_one_name(tmp_path: Path) -> None:
    env = {"COACH_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}

    def coach(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=60)

    assert coach("users", "add", "alice", "--password", "alice-password").returncode == 0
    taken = coach("users", "add", " Alice ", "--password", "other-password")
    assert taken.returncode == 2 and taken.stderr.strip().count("\n") == 0
    assert "already exists" in taken.stderr
    with sqlite3.connect(tmp_path / "data" / SQLITE_FILE) as db:  # made before the rule
        db.execute("INSERT INTO coach_users (name, password_hash, created_at, "
                   "session_version) VALUES ('ALICE', 'x', '2026-01-01', 0)")
    listed = coach("users", "list")
    assert listed.stdout.split() == ["ALICE", "csm", "alice", "csm"]
    assert "'ALICE' and 'alice' differ only in case" in listed.stderr

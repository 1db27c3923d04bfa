"""Many people at once: 20 socket.io sessions and 3 browsers each draft a ticket, no cross-talk."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from coach.web.store import Store
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, add_user, is_local, require_chromium, running

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SOCKETS, BROWSERS, USERS = 20, 3, 5
TIMEOUT = 120.0


def paste(account: str) -> str:
    """A whole ticket in one message, unique to its session by the account name."""
    return (f"ACCOUNT: {account}\nSEVERITY: 2\nCSM: Dana Lee\nISSUE SUMMARY:\n"
            f"Scheduled exports for {account} fail since the 4.12 release.\nBUSINESS IMPACT:\n"
            "About 60 analysts lose 2 hours a day.\nACTIONS TAKEN:\n- Support re-ran the "
            "jobs\nRESOLUTION REQUESTED:\nFix the exports\nTIMELINE REQUIRED:\nwithin 2 days\n"
            "ESCALATION OWNER:\nCS Director\n")


class SocketClient:
    """A Chainlit client speaking socket.io, as the web page does."""

    def __init__(self, base: str, user: str, account: str, thread_id: str | None = None,
                 password: str | None = None) -> None:
        self.base, self.user, self.account = base, user, account
        self.password = password or f"{user}-password"
        self.thread_id, self.session_id = thread_id or str(uuid.uuid4()), str(uuid.uuid4())
        self.outputs: list[str] = []
        self.sent: list[str] = []  # the ids of the messages sent
        self.cookie = ""
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("new_message", self._record)

    async def _record(self, step: dict[str, Any]) -> None:
        self.outputs.append(str(step.get("output", "")))

    async def connect(self) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=TIMEOUT) as http:
            login = await http.post("/login", data={"username": self.user,
                                                    "password": self.password})
            login.raise_for_status()
            self.cookie = cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        auth = {"sessionId": self.session_id, "threadId": self.thread_id, "clientType": "webapp",
                "userEnv": "{}", "chatProfile": None}
        await self.sio.connect(self.base, socketio_path="/ws/socket.io", auth=auth,
                               headers={"Cookie": cookie}, transports=["websocket"],
                               wait_timeout=TIMEOUT)
        await self.sio.emit("connection_successful")

    async def say(self, text: str, expect: str, message_id: str | None = None,
                  event: str = "client_message") -> None:
        """Send a message (or another event with a message) and wait for `expect`."""
        seen = len(self.outputs)
        message = {"id": message_id or str(uuid.uuid4()), "threadId": self.thread_id,
                   "name": self.user, "type": "user_message", "output": text,
                   "createdAt": datetime.now(UTC).isoformat()}
        self.sent.append(message["id"])
        await self.sio.emit(event, {"message": message, "fileReferences": None})
        await self.expect(expect, seen)

    async def expect(self, expect: str, seen: int) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(expect in out for out in self.outputs[seen:]):
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.account}: no {expect!r} in {self.outputs[-2:]}")
            await asyncio.sleep(0.05)

    async def draft(self) -> list[str]:
        await self.connect()
        await self.say(paste(self.account), "Here is the ticket")
        await self.say("confirm", "Ticket confirmed")
        await self.sio.disconnect()
        return self.outputs


async def browser_draft(browser: Any, base: str, user: str, account: str,
                        outside: list[str]) -> list[str]:
    """The same flow in a real page, confirming with the button."""
    context = await browser.new_context()
    context.on("request", lambda r: outside.append(r.url) if not is_local(r.url) else None)
    page = await context.new_page()
    await page.goto(base + "/")
    await page.fill("#email", user)
    await page.fill("#password", f"{user}-password")
    await page.click("button[type=submit]")
    await page.fill("#chat-input", paste(account))
    await page.locator("#chat-submit").click()
    await page.get_by_role("button", name="Confirm ticket").last.click(timeout=TIMEOUT * 1000)
    await page.get_by_text("Ticket confirmed").first.wait_for(timeout=TIMEOUT * 1000)
    texts = await page.locator('.step[data-step-type="assistant_message"]').all_inner_texts()
    await context.close()
    return [str(t) for t in texts]


async def everyone(base: str, outside: list[str]) -> dict[str, list[str]]:
    from playwright.async_api import async_playwright

    accounts = {f"Account{n:02d} Ltd": f"user{n % USERS}" for n in range(SOCKETS + BROWSERS)}
    names = list(accounts)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), chromium_sandbox=False, args=CHROMIUM_ARGS)
        flows = [SocketClient(base, accounts[a], a).draft() for a in names[:SOCKETS]]
        flows += [browser_draft(browser, base, accounts[a], a, outside) for a in names[SOCKETS:]]
        results = await asyncio.gather(*flows)
        await browser.close()
    return dict(zip(names, results, strict=True))


def test_twenty_sockets_and_three_browsers_draft_tickets_at_once(tmp_path: Path) -> None:
    require_chromium()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for n in range(USERS):
        add_user(data_dir, f"user{n}", f"user{n}-password")
    outside: list[str] = []
    with running(data_dir) as server:
        started = time.monotonic()
        seen = asyncio.run(everyone(server.url, outside))
        elapsed = time.monotonic() - started
    for account, outputs in seen.items():
        text = "\n".join(outputs)
        assert "Ticket confirmed" in text and account in text
        others = [a for a in seen if a != account and a in text]
        assert others == [], f"{account} saw other sessions' tickets: {others}"
    store = Store.open(f"sqlite:///{data_dir / 'coach.db'}")
    saved = [w for n in range(USERS) for w in store.list_work(f"user{n}", "ticket")]
    counts = Counter(w.data["account"] for w in saved)
    assert counts == Counter(set(seen)), "every ticket saved exactly once"
    assert outside == []
    assert server.problems() == [], "errors in the server log"
    print(f"\n{SOCKETS} sockets + {BROWSERS} browsers: {elapsed:.1f}s, {len(saved)} tickets")

"""The plug-in contract: a new mode joins the registry without touching the others; streaming."""

from __future__ import annotations

import asyncio

from coach.domain import Button, Reply
from coach.engine import Engine, press
from coach.engine.modes.base import Context
from coach.engine.registry import default_modes
from tests.test_engine_support import offline_engine


class EchoMode:
    """A toy mode: counts its turns in its private state and streams what it says."""

    name = "echo"
    label = "Echo"
    topic = "the echo"

    def starts(self, text: str) -> bool:
        return text.startswith("echo ")

    def enter(self, ctx: Context, text: str) -> list[Reply]:
        ctx.go(self.name, "echoing")
        return [self.prompt(ctx)]

    def handle(self, ctx: Context, text: str) -> list[Reply] | None:
        data = ctx.session.data(self.name)
        data["count"] = int(data.get("count", 0)) + 1
        if ctx.on_token is not None:
            for word in text.split():
                ctx.on_token(word + " ")
        return [Reply(text=text, buttons=[Button(id="again", label="Again")])]

    def prompt(self, ctx: Context) -> Reply:
        return Reply(text="Say something.")


def engine_with_echo() -> Engine:
    base = offline_engine()
    return Engine(base.brain, base.library, base.framework, base.clock,
                  modes=[*default_modes(), EchoMode()])


def test_a_new_mode_plugs_in_and_shows_in_the_menu() -> None:
    engine = engine_with_echo()
    session = engine.new_session()
    menu = engine.start(session)
    assert [b.id for b in menu[0].buttons] == [
        "ticket", "plan", "learn", "practice", "tailor", "echo", "help"]
    engine.handle(session, "echo hello")
    engine.handle(session, "hello again")
    assert session.mode == "echo" and session.mode_data["echo"] == {"count": 1}
    engine.handle(session, press("again"))  # its own button works, typed or pressed
    assert session.mode_data["echo"] == {"count": 2}
    engine.handle(session, "ticket")  # other modes are untouched
    assert session.mode == "ticket" and session.step == "ask:account"


def test_a_session_from_a_mode_this_engine_lacks_goes_home() -> None:
    session = engine_with_echo().new_session()
    engine_with_echo().handle(session, "echo")
    plain = offline_engine()
    replies = plain.handle(session, "banana")
    assert session.mode == "home" and replies[0].text.startswith("I didn't understand that.")


def test_tokens_stream_through_the_hook_and_offline_modes_stream_nothing() -> None:
    engine = engine_with_echo()
    session = engine.new_session()
    engine.handle(session, "echo")
    tokens: list[str] = []
    engine.handle(session, "one two", on_token=tokens.append)
    assert tokens == ["one ", "two "]
    offline: list[str] = []
    plain = offline_engine()
    plain.handle(plain.new_session(), "I need to escalate Globex", on_token=offline.append)
    assert offline == []


def test_handle_async_runs_the_turn_off_the_event_loop() -> None:
    engine = offline_engine()
    session = engine.new_session()
    replies = asyncio.run(engine.handle_async(session, "ticket"))
    assert session.step == "ask:account" and "Which account" in replies[0].text

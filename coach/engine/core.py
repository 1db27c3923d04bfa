"""The engine: one entry point, `handle(session, text)`, that routes a turn and returns Replies."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from coach.brains.base import Brain
from coach.brains.turn import turn as open_turn
from coach.content.library import Library
from coach.domain import Button, CoachError, Reply, SeverityFramework
from coach.domain.clock import Clock, coach_now
from coach.domain.session import HOME, CoachSession
from coach.engine import offers
from coach.engine.chat_commands import COMMANDS, Command, find_command
from coach.engine.inputs import (
    MAX_INPUT_CHARS,
    UserInput,
    command_word,
    escape,
    press,
    read_input,
    shorten,
)
from coach.engine.modes.base import SURE_ACT, Context, Mode, TokenSink
from coach.engine.registry import default_modes

# Acts that start a mode when the active one does not take them (see Engine._by_act).
ACT_MODES = ((("company",), "tailor"), (("paste",), "ticket"))
# What is offered (coach.engine.offers) when a turn tells what another part handles: a ticket
# for a situation, tailoring for a company described away from the menu. An "answer" no mode
# took, this long, is a situation too: nothing was asked for.
PROPOSE_TICKET, PROPOSE_TAILOR = "ticket", "tailor"
# Modes holding unfinished work: a company described there is offered tailoring rather than
# started (elsewhere it starts tailoring, the facts captured).
UNFINISHED = ("ticket", "plan")
SITUATION_ACTS = ("situation", "answer", "paste")
DESCRIPTION_WORDS = 8


class Engine:
    """Routes each turn: global commands, then the active mode, then other modes, else a re-prompt.

    `handle` is synchronous and cheap offline; UIs run it in a worker thread (`handle_async`).
    A turn that fails with a CoachError or ValidationError leaves the session as it was.
    """

    def __init__(
        self,
        brain: Brain,
        library: Library,
        framework: SeverityFramework,
        clock: Clock = coach_now,
        modes: Sequence[Mode] | None = None,
    ) -> None:
        self.brain = brain
        self.library = library
        self.framework = framework
        self.clock = clock
        self.modes = {m.name: m for m in (modes if modes is not None else default_modes())}

    @classmethod
    def build(
        cls, brain: Brain, knowledge_dir: Path, framework: SeverityFramework, clock: Clock
    ) -> Engine:
        """An engine over the content in `knowledge_dir`."""
        return cls(brain, Library.load(knowledge_dir), framework, clock,
                   default_modes(knowledge_dir))

    def new_session(self) -> CoachSession:
        """A fresh session on the engine's framework."""
        return CoachSession(framework=self.framework)

    def start(self, session: CoachSession) -> list[Reply]:
        """The greeting for a new or resumed conversation."""
        ctx = self._context(session, None)
        replies = [self._mode(session).prompt(ctx)]
        self._offer(session, replies)
        return replies

    def press(
        self, session: CoachSession, button_id: str, on_token: TokenSink | None = None
    ) -> list[Reply]:
        """Press a button; the same as `handle(session, "[button:ID]")`."""
        return self.handle(session, press(button_id), on_token)

    async def handle_async(
        self, session: CoachSession, text: str, on_token: TokenSink | None = None
    ) -> list[Reply]:
        """`handle` in a worker thread, so an event loop is never blocked."""
        return await asyncio.to_thread(self.handle, session, text, on_token)

    def handle(
        self, session: CoachSession, text: str, on_token: TokenSink | None = None
    ) -> list[Reply]:
        """Take one user turn (text, or `[button:ID]`), update the session, return the replies."""
        turn = read_input(text)
        before, history = session.snapshot(), list(session.history)
        ctx = self._context(session, on_token)
        with open_turn() as accounting:
            try:
                replies, undoable = self._route(ctx, turn)
            except (CoachError, ValidationError) as exc:
                session.restore(before)
                session.history = history
                replies, undoable = [self._failed(ctx, exc)], False
        if undoable and _changed(before, session):
            session.remember(before)
        session.turns += 1
        session.usage.add(accounting.usage)
        if accounting.notices and replies:
            notice = " ".join(accounting.notices)
            replies[0] = replies[0].model_copy(update={"notice": notice})
        self._offer(session, replies)
        return replies

    def _route(self, ctx: Context, turn: UserInput) -> tuple[list[Reply], bool]:
        notices = [_truncated(turn.truncated_from)] if turn.truncated_from else []
        if turn.empty:
            return [self._reprompt(ctx, "I didn't get any text.")], False
        if turn.button and not self._available(ctx.session, turn.button):
            said = f"That button ({escape(shorten(turn.button, 40))}) isn't available here."
            return [self._reprompt(ctx, said)], False
        word = command_word(turn.text)
        command = find_command(word) or find_command(turn.text)
        if command is not None:
            return self._command(ctx, command), command.id != "back"
        return notices + self._converse(ctx, turn.text, word), True

    def _converse(self, ctx: Context, text: str, word: str) -> list[Reply]:
        if word in self.modes:
            return self._enter(ctx, word, "")
        ctx.act = self.brain.read_act(text, f"{ctx.session.mode}: {ctx.session.step}")
        active = self._mode(ctx.session)
        taken = offers.answer(ctx.session, text)
        if isinstance(taken, tuple):  # "yes" to last turn's offer: start it from what was told
            return self._enter(ctx, *taken)
        if taken is False:
            return self._after_digression(ctx, active, [Reply(text="Fine, we'll leave it.")])
        replies = active.handle(ctx, text)
        if replies is not None:
            return replies
        meant = self._meant(ctx, text, active)
        if meant is not None:
            return self._enter(ctx, meant.name, text)
        for mode in self.modes.values():
            interject = getattr(mode, "interject", None)
            if replies is None and mode is not active and callable(interject):
                replies = interject(ctx, text)
        if replies is not None:
            return self._after_digression(ctx, active, replies)
        return self._unclaimed(ctx, text, active)

    def _unclaimed(self, ctx: Context, text: str, active: Mode) -> list[Reply]:
        """A turn that neither the active mode nor a digression took: the part it asks for,
        an offer of the part that handles what it tells, a likely wish on the menu, or a
        re-prompt saying it was not understood."""
        if ctx.is_act("company") and active.name in UNFINISHED and PROPOSE_TAILOR in self.modes:
            return self._after_digression(ctx, active, self._propose(ctx, PROPOSE_TAILOR, text))
        wanted = self._wanted(ctx, text, active)
        if wanted is not None:
            return self._enter(ctx, wanted.name, text)
        if self._told(ctx, text) and PROPOSE_TICKET in self.modes.keys() - {active.name}:
            return self._after_digression(ctx, active, self._propose(ctx, PROPOSE_TICKET, text))
        maybe = ctx.act.maybe if ctx.act is not None else None
        if active.name == HOME and maybe in self.modes and maybe != HOME:
            return self._enter(ctx, str(maybe), text)  # on the menu, a likely wish beats a
        return [self._reprompt(ctx, "I didn't understand that.")]  # dead end

    def _after_digression(self, ctx: Context, active: Mode, replies: list[Reply]
                          ) -> list[Reply]:
        """Replies that leave the active mode where it was, then where it left off."""
        return replies if active.name == HOME else [*replies, self._resume(ctx, active)]

    def _propose(self, ctx: Context, name: str, text: str) -> list[Reply]:
        """Offer the mode `name` from a turn that tells what it handles."""
        pitch = getattr(self.modes[name], "pitch", None)
        said = pitch(ctx, text) if callable(pitch) else f"Shall we go to {name} with that?"
        return [offers.make(ctx.session, name, text, said)]

    def _meant(self, ctx: Context, text: str, active: Mode) -> Mode | None:
        """The mode a turn asks for by its meaning ("throw some scenarios at me"), unless
        its words name others; a question that reads as a wish to learn is answered instead."""
        target = ctx.act.target if ctx.act is not None else None
        if target not in self.modes or (target == "learn" and ctx.is_act("question")):
            return None
        meant = self.modes[str(target)]
        named = self._named(text, active)
        return meant if not named or meant in named else None

    def _wanted(self, ctx: Context, text: str, active: Mode) -> Mode | None:
        """The mode to enter when the active one did not take the turn: the one an act asks
        for (a company described starts tailoring, even when it is long enough to look like a
        ticket's paste), else one whose words the text uses."""
        named = self._named(text, active)
        return self._by_act(ctx) or (named[0] if named else None)

    def _named(self, text: str, active: Mode) -> list[Mode]:
        """The other modes whose own words the text uses ("escalate", "action plan")."""
        return [m for m in self.modes.values() if m is not active and m.starts(text)]

    def _by_act(self, ctx: Context) -> Mode | None:
        """Tailoring for a company described; a ticket for a paste."""
        for acts, name in ACT_MODES:
            if ctx.is_act(*acts) and name in self.modes:
                return self.modes[name]
        return None

    def _told(self, ctx: Context, text: str) -> bool:
        """Whether a turn no mode took describes a situation, with nothing asked for."""
        act = ctx.act
        if act is None or act.label not in SITUATION_ACTS:
            return False
        chance = sum(act.chance(name) for name in SITUATION_ACTS)
        return chance >= SURE_ACT and (act.label == "situation" or len(
            text.split()) >= DESCRIPTION_WORDS)

    def _resume(self, ctx: Context, mode: Mode) -> Reply:
        """After a digression, where the conversation left off."""
        prompt = mode.prompt(ctx)
        return prompt.model_copy(update={"text": f"Back to {mode.topic}: {prompt.text}"})

    def _command(self, ctx: Context, command: Command) -> list[Reply]:
        return command.run(ctx, lambda: self._mode(ctx.session).prompt(ctx))

    def _enter(self, ctx: Context, name: str, text: str) -> list[Reply]:
        return self.modes[name].enter(ctx, text)

    def _mode(self, session: CoachSession) -> Mode:
        """The active mode; a session saved by a mode this engine lacks goes home."""
        if session.mode not in self.modes:
            session.mode, session.step = HOME, "menu"
        return self.modes[session.mode]

    def _reprompt(self, ctx: Context, said: str) -> Reply:
        prompt = self._mode(ctx.session).prompt(ctx)
        return prompt.model_copy(update={"text": f"{said} {prompt.text}"})

    def _failed(self, ctx: Context, exc: Exception) -> Reply:
        said = f"That didn't work, and nothing was changed ({escape(str(exc))})."
        return self._reprompt(ctx, said)

    def _available(self, session: CoachSession, button: str) -> bool:
        """Offered last turn, or always valid: a command or a mode's own id."""
        return button in session.offered or button in self.modes or find_command(button) is not None

    def _offer(self, session: CoachSession, replies: list[Reply]) -> None:
        ids = [b.id for r in replies for b in r.buttons]
        if ids:  # buttons stay pressable until new ones are shown
            session.offered = list(dict.fromkeys(ids))

    def _menu(self) -> list[Button]:
        return [Button(id=m.name, label=m.label) for m in self.modes.values() if m.name != HOME]

    def _context(self, session: CoachSession, on_token: TokenSink | None) -> Context:
        holder: list[Context] = []
        ctx = Context(
            session=session,
            brain=self.brain,
            library=self.library,
            now=self.clock(),
            on_token=on_token,
            switch=lambda name, text: self._enter(holder[0], name, text),
            menu=self._menu,
        )
        holder.append(ctx)
        return ctx


def _changed(before: CoachSession, after: CoachSession) -> bool:
    ignore = {"history", "offered", "turns", "usage"}
    return before.model_dump(exclude=ignore) != after.model_dump(exclude=ignore)


def _truncated(length: int) -> Reply:
    return Reply(
        text=f"Your message had {length:,} characters; I kept the first {MAX_INPUT_CHARS:,}.",
        notice="input truncated",
    )


__all__ = ["Engine", "COMMANDS"]

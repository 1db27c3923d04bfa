"""One user's conversations, UI-agnostic: run a turn, save it, list and reopen saved work.

The Chainlit app (and tests) drive this; it owns the rule that every turn is saved and that
confirmed work becomes a record of its own, saved once however often it is shown.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field

from coach.domain import (
    Artifact,
    Button,
    CompanyProfile,
    EscalationTicket,
    Reply,
    SeverityFramework,
    TicketDraft,
    framework_markdown,
)
from coach.domain.session import HOME
from coach.engine import CoachSession, Engine, make_engine
from coach.engine.inputs import command_word, escape, read_input
from coach.engine.modes.base import TokenSink
from coach.settings import Settings
from coach.web.desk import BOARD_BUTTON, Desk
from coach.web.escalations import Escalations, viewer_of
from coach.web.store import SavedWork, SaveError, StaleSession, Store, StoreError, Work
from coach.web.team import TeamFramework

LIBRARY_BUTTONS = [Button(id="my-tickets", label="My tickets"),
                   Button(id="my-frameworks", label="My frameworks"), BOARD_BUTTON]
_LIST_WORDS = {"my-tickets": "ticket", "saved-tickets": "ticket", "list-tickets": "ticket",
               "my-frameworks": "framework", "saved-frameworks": "framework",
               "list-frameworks": "framework"}
_OPEN = re.compile(r"^(?:open|reopen|load)-(ticket|framework)-(\d{1,9})$")
LIST_LIMIT = 10
MOVED_ON = ("This conversation moved on in another tab, so I answered your message where "
            "that tab left it. Reload this page to see the whole conversation.")


class TurnNotSaved(SaveError):
    """A turn was answered but could not be saved; carries the replies to show anyway."""

    def __init__(self, error: SaveError, replies: list[Reply]) -> None:
        super().__init__(str(error), error.detail)
        self.replies = replies


@dataclass
class Conversation:
    """One chat thread of one user: its state, and a lock so turns never interleave."""

    user: str
    thread_id: str
    session: CoachSession
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    offered_files: set[str] = field(default_factory=set, repr=False)
    """Digests of the files offered so far, so each version is offered once."""
    version: int = 0
    """The saved state's version this conversation last read or wrote (0: never saved)."""


class Workspace:
    """Runs turns through the engine and keeps each user's work in the store."""

    def __init__(self, engine: Engine, store: Store, settings: Settings | None = None) -> None:
        self.engine = engine
        self.store = store
        self.team = TeamFramework(store, engine.framework)
        self.desk = Desk(Escalations(store), settings=settings)

    def open(self, user: str, thread_id: str) -> tuple[Conversation, list[Reply]]:
        """The saved conversation of this thread (or a new one), and any notice about it."""
        notices: list[Reply] = []
        session, version = None, 0
        try:
            saved = self.store.load_session(user, thread_id)
        except StoreError as exc:
            saved = None
            notices.append(Reply(text=f"Your saved state could not be read ({exc}); starting "
                                      "afresh.", notice="state not restored"))
        if saved is not None:
            session, version = saved.session, saved.version
        if session is None:
            session = self.engine.new_session()
            try:  # a new conversation starts on the team's framework; a resumed one catches
                self.team.follow(session)  # up on its next turn, saying so
            except StoreError as exc:
                notices.append(Reply(text=f"The team's framework could not be read ({exc}); "
                                          "using the default.", notice="team framework not read"))
        return Conversation(user, thread_id, session, version=version), notices

    def respond(self, conv: Conversation, text: str, on_token: TokenSink | None = None
                ) -> list[Reply]:
        """Answer one turn and save the state; raises TurnNotSaved if the save fails.

        When another tab saved this conversation since it was read, the turn is answered
        again on that tab's state, and the user is told: no acknowledged turn is dropped."""
        with conv.lock:
            replies = self._answer(conv, text, on_token)
            try:
                conv.version = self._save(conv, replies)
            except StaleSession:
                self._reload(conv)
                replies = [Reply(text=MOVED_ON, notice="conversation moved on"),
                           *self._answer(conv, text, None)]
                try:
                    conv.version = self._save(conv, replies)
                except SaveError as exc:
                    raise TurnNotSaved(exc, replies) from exc
            except SaveError as exc:
                raise TurnNotSaved(exc, replies) from exc
        return replies

    def _answer(self, conv: Conversation, text: str, on_token: TokenSink | None
                ) -> list[Reply]:
        def inner() -> list[Reply]:
            own = self._own_command(conv, text)
            return own if own is not None else self.engine.handle(conv.session, text, on_token)

        def handle() -> list[Reply]:
            return self.desk.turn(conv.session, text, viewer_of(self.store, conv.user), inner)

        before = conv.session.model_copy(deep=True)
        try:
            replies = self.team.turn(conv.session, text, conv.user, handle)
        except SaveError as exc:  # the team's new version failed: the turn is undone
            conv.session.restore(before)
            raise TurnNotSaved(exc, [Reply(text="Nothing was changed; try again.")]) from exc
        return _with_library(replies) if conv.session.mode == HOME else replies

    def _save(self, conv: Conversation, replies: list[Reply]) -> int:
        return self.store.save(conv.user, conv.thread_id, conv.session,
                               self.confirmed_work(conv, replies), conv.version)

    def _reload(self, conv: Conversation) -> None:
        """Catch up with the conversation as another tab saved it."""
        saved = self.store.load_session(conv.user, conv.thread_id)
        if saved is not None:
            conv.session, conv.version = saved.session, saved.version

    def confirmed_work(self, conv: Conversation, replies: list[Reply]) -> list[Work]:
        """The confirmed artifacts in this state, each with a key that makes saving idempotent."""
        session, thread, work = conv.session, conv.thread_id, []
        ticket = session.confirmed_ticket
        if ticket is not None:
            title = f"{ticket.account} (severity {ticket.severity})"
            work.append(Work("ticket", f"{thread}:{ticket.created_at.isoformat()}", title,
                             ticket.model_dump(mode="json"), thread))
        if session.action_plan is not None and session.plan_accepted:
            anchor = ticket.created_at.isoformat() if ticket else "none"
            work.append(Work("action_plan", f"{thread}:{anchor}",
                             f"Action plan: {session.action_plan.account or 'escalation'}",
                             session.action_plan.model_dump(mode="json"), thread))
        if session.framework != self.team.default:
            data = session.framework.model_dump(mode="json")
            work.append(Work("framework", _digest(data), session.framework.name, data, thread))
        if session.profile != CompanyProfile():
            work.append(Work("profile", "profile", "Company profile",
                             session.profile.model_dump(mode="json"), thread))
        for artifact in (a for r in replies for a in r.artifacts if a.kind == "score"):
            work.append(Work("score", f"{thread}:{_digest(artifact.data)}", artifact.title,
                             artifact.data, thread))
        return work

    # --- "My tickets" and "My frameworks" ------------------------------------------------

    def _own_command(self, conv: Conversation, text: str) -> list[Reply] | None:
        word = command_word(read_input(text).text)
        if word in _LIST_WORDS:
            return [self._listing(conv.user, _LIST_WORDS[word])]
        match = _OPEN.match(word)
        if match is None:
            return None
        kind, work_id = match.group(1), int(match.group(2))
        found = self.store.get_work(conv.user, "ticket" if kind == "ticket" else "framework",
                                    work_id)
        if found is None:
            return [Reply(text=f"You have no saved {kind} {work_id}.", buttons=LIBRARY_BUTTONS)]
        return self._reopen_ticket(conv, found) if kind == "ticket" else self._reopen_framework(
            conv, found)

    def _listing(self, user: str, kind: str) -> Reply:
        items = self.store.list_work(user, "ticket" if kind == "ticket" else "framework")
        if not items:
            return Reply(text=f"You have no saved {kind}s yet.", buttons=LIBRARY_BUTTONS)
        rows = [f"| # | {kind.title()} | Saved |", "|---|---|---|"]
        rows += [f"| {w.id} | {_cell(w.title)} | {w.updated_at:%Y-%m-%d %H:%M} UTC |"
                 for w in items[:LIST_LIMIT]]
        buttons = [Button(id=f"open-{kind}-{w.id}", label=f"Open {w.title}"[:60])
                   for w in items[:LIST_LIMIT]]
        if len(items) > LIST_LIMIT:
            rows.append(f"\nShowing the newest {LIST_LIMIT} of {len(items)}.")
        text = f"Your saved {kind}s:\n\n" + "\n".join(rows)
        return Reply(text=f'{text}\n\nType "open {kind} N" or press a button.', buttons=buttons)

    def _reopen_ticket(self, conv: Conversation, found: SavedWork) -> list[Reply]:
        ticket = EscalationTicket.model_validate(found.data)
        session = conv.session
        session.remember(session.snapshot())
        session.new_ticket()
        session.ticket = TicketDraft.model_validate(
            ticket.model_dump(exclude={"created_at", "response_due"}))
        session.progress.started_at = ticket.created_at
        session.progress.severity_confirmed = session.progress.owner_given = True
        session.confirmed_ticket = ticket
        session.mode, session.step = "ticket", "done"
        replies = self.engine.start(session)
        return [Reply(text=f"Reopened ticket {found.id}."), *replies]

    def _reopen_framework(self, conv: Conversation, found: SavedWork) -> list[Reply]:
        framework = SeverityFramework.model_validate(found.data)
        conv.session.remember(conv.session.snapshot())
        conv.session.framework = framework
        artifact = Artifact(kind="framework", title=framework.name, data=found.data)
        text = f"Framework {found.id} is active again.\n\n{framework_markdown(framework)}"
        return [Reply(text=text, artifacts=[artifact], buttons=LIBRARY_BUTTONS)]

def build_workspace(settings: Settings, store: Store) -> Workspace:
    """The workspace the settings describe: their engine, on the given store."""
    return Workspace(make_engine(settings), store, settings)


def _with_library(replies: list[Reply]) -> list[Reply]:
    """At the menu, saved work is one button away."""
    if not replies:
        return [Reply(text="Your saved work:", buttons=LIBRARY_BUTTONS)]
    last = replies[-1]
    buttons = [*last.buttons, *(b for b in LIBRARY_BUTTONS if b not in last.buttons)]
    return [*replies[:-1], last.model_copy(update={"buttons": buttons})]


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:24]


def _cell(text: str) -> str:
    return escape(" ".join(text.split()))

"""The team's framework: once accepted, every conversation and command of the team uses it.

Which framework applies, highest first: `--framework FILE`; the team's accepted framework;
`COACH_FRAMEWORK_FILE`; the seed. The last two are the installation's *default*. Every change
of a conversation's active framework (accepting a proposal, an edit after acceptance, reopening
a saved one, "back") is a new version of the team's; versions are appended, never changed, and
"use version N" or "use the seed framework again" switch by appending one more.

Only leaders change the team's framework. A CSM's change is undone, with a word on who can
make it; their proposal stays in the conversation to export and share. (A name that is not a
registered user, as on the command line, is the installation's operator: a leader.)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from coach.domain import Button, Reply, SeverityFramework
from coach.domain.session import CoachSession
from coach.engine.inputs import command_word, escape, read_input
from coach.web.store import FrameworkVersion, Store, StoreError, version_framework

_LIST = re.compile(r"^(?:(?:show|list|see)-(?:me-)?)?(?:the-|our-)?(?:team-s-|team-)?"
                   r"framework-(?:versions|history)$|^versions-of-(?:the-|our-)?framework$")
_USE = re.compile(r"^(?:please-)?(?:use|switch-(?:back-)?to|go-back-to|back-to|revert-to|"
                  r"reset-to|restore|roll-back-to)-(?:the-)?(?:framework-)?version-(\d{1,9})"
                  r"(?:-again)?(?:-please)?$")
_DEFAULT = re.compile(r"^(?:please-)?(?:use|switch-(?:back-)?to|go-back-to|back-to|revert-to|"
                      r"reset-to|restore|roll-back-to)-(?:the-)?(?:seed|default|original|standard)"
                      r"(?:-severity)?(?:-framework|-levels|-one|-matrix)?(?:-again)?(?:-please)?$")
LIST_LIMIT = 10
NOT_A_LEADER = Reply(
    text="Only a team leader can change the team's framework, so it stays as it was. Export "
         "your proposal (type \"export\") and share it with a leader to accept.",
    notice="not a leader")


class TeamFramework:
    """The team's framework in the store, over the installation's default."""

    def __init__(self, store: Store, default: SeverityFramework) -> None:
        self.store = store
        self.default = default

    def current(self) -> tuple[SeverityFramework, FrameworkVersion | None]:
        """The framework the team uses now, and the version that made it so (None: never set)."""
        return self.store.team_framework(self.default)

    def turn(self, session: CoachSession, text: str, user: str,
             handle: Callable[[], list[Reply]]) -> list[Reply]:
        """One turn on the team's framework: catch up with it, answer the team's own words or
        run `handle`, and make a changed active framework the team's new version."""
        try:
            notices = self.follow(session, tell=True)
        except StoreError as exc:  # the turn goes on, on the framework it had
            notices = [Reply(text=f"The team's framework could not be read ({escape(str(exc))});"
                                  " this conversation keeps the one it had.",
                             notice="team framework not read")]
        own = self._command(session, text, user)
        if own is not None:
            return notices + own
        before, proposal = session.framework, session.proposal
        replies = handle()
        if session.framework != before:
            if not self._leads(user):
                session.framework, session.proposal = before, proposal or session.framework
                return notices + replies + [NOT_A_LEADER]
            self._adopt(session.framework, user)
        return notices + replies

    def follow(self, session: CoachSession, tell: bool = False) -> list[Reply]:
        """Put the team's current framework in a conversation (and its undo history, so "back"
        cannot bring an older one back); with `tell`, a notice when it changed."""
        framework, version = self.current()
        if session.framework == framework:
            return []
        session.framework = framework
        for earlier in session.history:
            earlier.framework = framework
        if not tell or version is None:
            return []
        return [Reply(text=f"Your team's framework changed since this conversation last used "
                           f"it: {_described(framework, version)}.",
                      notice="team framework changed")]

    # --- the team's own words --------------------------------------------------------------

    def _command(self, session: CoachSession, text: str, user: str) -> list[Reply] | None:
        word = command_word(read_input(text).text)
        if _LIST.match(word):
            return [self._listing()]
        if _DEFAULT.match(word):
            return [self._switch(session, None, user)]
        match = _USE.match(word)
        if match is None:
            return None
        found = self.store.framework_version(int(match.group(1)))
        if found is None:
            return [Reply(text=f"There is no framework version {match.group(1)}.",
                          buttons=[Button(id="framework-versions", label="Framework versions")])]
        return [self._switch(session, found, user)]

    def _leads(self, user: str) -> bool:
        member = self.store.member(user)
        return member is None or member[1] == "leader"

    def _switch(self, session: CoachSession, to: FrameworkVersion | None, user: str) -> Reply:
        if not self._leads(user):
            return NOT_A_LEADER
        framework = version_framework(to, self.default)
        session.remember(session.snapshot())
        session.framework = framework
        version = self._adopt(framework, user)
        return Reply(text=f"Done: {_described(framework, version)}. Severity suggestions, "
                          "tickets, action plans and practice use it from now on, in every "
                          "conversation of the team.",
                     buttons=[Button(id="framework-versions", label="Framework versions")])

    def _listing(self) -> Reply:
        versions = self.store.framework_versions(limit=LIST_LIMIT)
        if not versions:
            return Reply(text=f"Your team has not accepted a framework yet: it uses "
                              f"**{escape(self.default.name)}**. Tailor one, then accept it.",
                         buttons=[Button(id="tailor", label="Tailor the severity levels")])
        rows = ["| Version | Framework | Accepted by | When |", "|---|---|---|---|"]
        rows += [f"| {v.id}{' (active)' if i == 0 else ''} | {_cell(self._name(v))} | "
                 f"{_cell(v.accepted_by)} | {v.accepted_at:%Y-%m-%d %H:%M} UTC |"
                 for i, v in enumerate(versions)]
        buttons = [Button(id=f"use-version-{v.id}", label=f"Use version {v.id}")
                   for v in versions[1:]]
        return Reply(text="Your team's framework versions, newest first:\n\n" + "\n".join(rows)
                     + '\n\nSay "use version N" to switch, or "use the seed framework again".',
                     buttons=buttons)

    # --- plumbing ------------------------------------------------------------------------

    def _adopt(self, framework: SeverityFramework, user: str) -> FrameworkVersion:
        data = None if framework == self.default else framework.model_dump(mode="json")
        return self.store.adopt_framework(framework.name, data, user)

    def _name(self, version: FrameworkVersion) -> str:
        return version.name if version.data is not None else f"{self.default.name} (default)"


def _described(framework: SeverityFramework, version: FrameworkVersion) -> str:
    return (f"the team now uses **{escape(framework.name)}** (version {version.id}, "
            f"by {escape(version.accepted_by)}, {version.accepted_at:%Y-%m-%d %H:%M} UTC)")


def _cell(text: str) -> str:
    return escape(" ".join(text.split()))

"""Hand-offs in the conversation: "export Globex" offers the escalation as Zendesk, Jira and
Salesforce JSON, CSV and Markdown files ("export Globex to jira": that one only); "export all
escalations" offers the CSV of every escalation the user sees; "push Globex to Zendesk"
creates or updates its ticket there (coach.handoff.push), when the settings allow."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import cast

from coach.domain import Artifact, CoachError, Reply
from coach.engine.inputs import escape
from coach.handoff.formats import FORMATS, Format, csv_text, export, file_name
from coach.handoff.push import Target, account, push
from coach.settings import Settings
from coach.tracking.report import Tracked
from coach.web.escalations import Escalations, Viewer

_FORMAT = r"(?P<fmt>zendesk|jira|salesforce|csv|markdown|md)"
_EXPORT = re.compile(rf"^(?:please\s+)?export\s+(?P<target>.+?)(?:\s+(?:to|for|as|in)\s+"
                     rf"{_FORMAT})?[.!]*$", re.I)
_PUSH = re.compile(r"^(?:please\s+)?(?:push|send|sync)\s+(?P<target>.+?)\s+(?:to|into)\s+"
                   r"(?P<tool>zendesk|jira)[.!]*$", re.I)
_EVERY = re.compile(r"^(?:all|every|the\s+team'?s|our|my|all\s+(?:the|our|my))\s+"
                    r"escalations?$", re.I)

Named = Callable[[str, Viewer], list[Tracked]]


class Handoffs:
    """Exports and pushes said in words."""

    def __init__(self, escalations: Escalations, settings: Settings | None) -> None:
        self.escalations = escalations
        self.settings = settings

    def turn(self, said: str, viewer: Viewer, named: Named, now: datetime) -> Reply | None:
        """The reply to an export or push, or None when the words ask for neither (or name
        no tracked escalation: "export" alone exports the ticket being drafted)."""
        pushed = _PUSH.match(said)
        if pushed:
            found = named(pushed["target"], viewer)
            tool = cast(Target, pushed["tool"].lower())
            return self._push(found, tool, viewer) if found else None
        asked = _EXPORT.match(said)
        if asked is None:
            return None
        if _EVERY.match(asked["target"].strip()):
            every = self.escalations.list(viewer)
            return Reply(text=f"{len(every)} escalations as CSV, a row each (Jira's CSV importer "
                              "reads its Summary column):", export=True,
                         artifacts=[Artifact(kind="handoff", title="Escalations as CSV", data={
                             "files": {"escalations.csv": csv_text(every, now)}})])
        found = named(asked["target"], viewer)
        if not found:
            return None
        if len(found) > 1:
            return _which(found, "export")
        fmt = {"md": "markdown"}.get(low := (asked["fmt"] or "").lower(), low)
        formats = (cast(Format, fmt),) if fmt in FORMATS else FORMATS
        escalation = self.escalations.get(found[0].id, viewer)
        jira = (self.settings.jira_project, self.settings.jira_issue_type) if self.settings else (
            "ESC", "Task")
        try:
            files = {file_name(escalation, f): export(escalation, f, now, *jira) for f in formats}
        except CoachError as exc:
            return Reply(text=f"I cannot export it: {exc}.")
        return Reply(text=f"**{escape(escalation.account)}** (#{escalation.id}) for "
                          + ", ".join(formats) + ": the files are below, ready to import or "
                          "to send as each tool's API expects.", export=True,
                     artifacts=[Artifact(kind="handoff", title=f"Export of #{escalation.id}",
                                         data={"files": files})])

    def _push(self, found: list[Tracked], tool: Target, viewer: Viewer) -> Reply:
        if len(found) > 1:
            return _which(found, "push", f" to {tool}")
        name = tool.capitalize()
        if self.settings is None:
            return Reply(text=f"Pushing to {name} is not set up here.")
        try:
            target = account(self.settings, tool)
            escalation = self.escalations.get(found[0].id, viewer)
            done = push(escalation, target, self.settings)
            self.escalations.record_push(escalation.id, done.ref, done.link, viewer)
        except CoachError as exc:
            return Reply(text=f"Not pushed: {exc}.")
        verb = "Created" if done.created else "Updated"
        return Reply(text=f"{verb} {name} ticket {done.ref.split(':', 1)[1]} for "
                          f"**{escape(escalation.account)}**: {done.link}")


def _which(found: list[Tracked], verb: str, after: str = "") -> Reply:
    options = ", ".join(f"#{e.id} {escape(e.account)} ({e.status})" for e in found[:5])
    return Reply(text=f"Which one: {options}? Say it again with the number, e.g. "
                      f"\"{verb} #{found[0].id}{after}\".")

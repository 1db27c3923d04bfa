"""The post-escalation review as a conversation, one question at a time, blameless.

Started by "review Globex" (or "review #3", or the button offered on resolution) for a resolved
escalation. The timeline comes from its events and can be added to; the impact needs numbers;
"why?" is asked up to five times, the last answer being the root cause and the earlier ones
contributing factors; action items are proposed from what was said and need an owner and a
due date each. An answer that blames a person gets a systems wording offered instead; only the
agreed wording goes into the review. The finished review is recorded on the escalation and
offered as Markdown and JSON. The state lives in the conversation (`mode_data["review"]`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from pydantic import JsonValue, ValidationError

from coach.domain import Artifact, Button, Reply, describe_errors
from coach.domain.review import PostEscalationReview
from coach.domain.session import CoachSession
from coach.engine.inputs import command_word, escape
from coach.parsing.deadlines import deadline
from coach.tracking.clocks import calendar_of
from coach.understanding.blame import blame
from coach.web.escalations import EscalationInputError, Escalations, Viewer

KEY = "review"
MAX_WHYS = 5
_STOP = {"cancel", "cancel-review", "stop-review", "quit-review", "stop-the-review"}
_OK = {"ok", "okay", "yes", "looks-good", "fine", "good", "keep-it", "that-s-right", "correct",
       "y", "yep", "sure"}
_ENOUGH = {"done", "that-s-the-root-cause", "root-cause", "that-s-it", "no-more", "enough",
           "that-s-all", "nothing-more"}
_NONE = {"none", "nothing", "no", "n-a", "na", "-"}
_AT = re.compile(r"^(?:(?P<date>\d{4}-\d{2}-\d{2})\s+)?(?P<h>\d{1,2}):(?P<m>\d{2})\s+(?P<text>.+)$")
_ASSIGN = re.compile(r"^(?P<n>\d{1,2})\s*[:.)-]\s*(?P<owner>.+?)\s+by\s+(?P<when>.+)$", re.I)
_ADD = re.compile(r"^add\s*:?\s*(?P<action>.+?)\s*,\s*(?P<owner>.+?)\s+by\s+(?P<when>.+)$", re.I)
QUESTIONS = {
    "summary": "In a sentence or two: what happened?",
    "impact": "What was the impact, in numbers: how many users, how many hours, how much money?",
    "why": "Why did it happen?",
    "detection": "How did we find out about it: the customer, an alert, a check?",
    "well": "What went well? (A few words each, on one line separated by \";\", or \"none\".)",
    "badly": "What went badly? (Separated by \";\", or \"none\".)",
}
BLAMELESS = ("That names a person. A blameless review asks what in the system let the mistake "
             "through, so people keep telling us about the next one. How about:\n\n> {wording}"
             "\n\nSay \"yes\" to use it, or give your own wording.")


class ReviewTalk:
    """Runs a review conversation over the escalations store."""

    def __init__(self, escalations: Escalations) -> None:
        self.escalations = escalations

    def active(self, session: CoachSession) -> bool:
        return isinstance(session.mode_data.get(KEY), dict)

    def start(self, session: CoachSession, number: str, viewer: Viewer) -> Reply:
        escalation = self.escalations.get(number, viewer)
        if escalation.status not in ("resolved", "closed"):
            return Reply(text=f"**{escape(escalation.account)}** (#{number}) is not resolved "
                              "yet: the review comes once it is.")
        zone = ZoneInfo(calendar_of(escalation.framework).timezone)
        timeline = [{"at": e.at.astimezone(zone).isoformat(),
                     "event": e.kind.replace("-", " ") + (f": {e.text}" if e.text else "")}
                    for e in escalation.timeline() if e.kind != "review"]
        state: dict[str, Any] = {"id": number, "account": escalation.account,
                                 "zone": str(zone), "step": "timeline", "timeline": timeline,
                                 "whys": [], "proposed": [], "actions": []}
        session.mode_data[KEY] = cast(JsonValue, state)
        shown = "\n".join(f"- {_when(t['at'])} {escape(t['event'])}" for t in timeline)
        return Reply(text=f"Let's review **{escape(escalation.account)}** (#{number}), "
                          "blamelessly: what in the system let this happen, not who.\n\n"
                          f"The timeline, from the escalation's events:\n\n{shown}\n\n"
                          "Add anything missing as \"14:30 engineers found the bug\" (one per "
                          "message), or say \"ok\". \"cancel\" stops the review.")

    def turn(self, session: CoachSession, text: str, viewer: Viewer, now: datetime
             ) -> list[Reply]:
        state: dict[str, Any] = session.mode_data[KEY]  # type: ignore[assignment]
        said, word = text.strip(), command_word(text)
        if word in _STOP:
            del session.mode_data[KEY]
            return [Reply(text="Review stopped; nothing was recorded.")]
        if state.get("blame"):  # a blaming answer waits for its agreed wording
            pending = state.pop("blame")
            if word in _OK:
                said = pending["wording"]
            elif (again := blame(said)) is not None:
                state["blame"] = {"step": pending["step"], "wording": again.wording}
                return [Reply(text=BLAMELESS.format(wording=again.wording))]
            return self._answer(session, state, pending["step"], said, viewer, now)
        step = state["step"]
        if step not in ("timeline", "actions") and (found := blame(said)) is not None:
            state["blame"] = {"step": step, "wording": found.wording}
            return [Reply(text=BLAMELESS.format(wording=found.wording))]
        return self._answer(session, state, step, said, viewer, now)

    def _answer(self, session: CoachSession, state: dict[str, Any], step: str, said: str,
                viewer: Viewer, now: datetime) -> list[Reply]:
        word = command_word(said)
        if step == "timeline":
            if word in _OK:
                return self._ask(state, "summary")
            entry = _entry(said, state)
            if entry is None:
                return [Reply(text="Write it as \"14:30 engineers found the bug\" (or with a "
                                   "date: \"2026-12-01 14:30 ...\"), or say \"ok\".")]
            state["timeline"] = sorted([*state["timeline"], entry], key=lambda t: t["at"])
            return [Reply(text=f"Added: {_when(entry['at'])} {escape(entry['event'])}. More, "
                               "or \"ok\".")]
        if step in ("summary", "detection"):
            state[step] = said
            return self._ask(state, "impact" if step == "summary" else "well")
        if step == "impact":
            if not re.search(r"\d", said):
                return [Reply(text="Give me numbers: how many users, for how many hours, "
                                   "how much money (even rough ones).")]
            state["impact"] = said
            return self._ask(state, "why")
        if step == "why":
            if word in _ENOUGH and state["whys"]:
                return self._ask(state, "detection")
            state["whys"].append(said)
            if len(state["whys"]) >= MAX_WHYS:
                return self._ask(state, "detection")
            return [Reply(text="And why did that happen? (Say \"that's the root cause\" when "
                               "there is no deeper why.)")]
        if step in ("well", "badly"):
            state[step] = [] if word in _NONE else [p.strip() for p in said.split(";")
                                                    if p.strip()]
            if step == "well":
                return self._ask(state, "badly")
            return self._propose(state)
        return self._actions(session, state, said, viewer, now)

    def _ask(self, state: dict[str, Any], step: str) -> list[Reply]:
        state["step"] = step
        return [Reply(text=QUESTIONS[step])]

    def _propose(self, state: dict[str, Any]) -> list[Reply]:
        whys = state["whys"]
        proposed = [f"Fix the root cause: {whys[-1]}"]
        proposed += [f"Address: {why}" for why in reversed(whys[:-1])]
        proposed += [f"Improve: {bad}" for bad in state.get("badly", [])]
        state["proposed"], state["step"] = proposed[:6], "actions"
        listed = "\n".join(f"{n}. {escape(p)}" for n, p in enumerate(state["proposed"], 1))
        return [Reply(text=f"Action items I'd propose, from what you said:\n\n{listed}\n\n"
                           "Give each an owner and a date, e.g. \"1: Priya by Dec 18\"; add "
                           "your own as \"add: Add a canary, Sam by Friday\". Say \"done\" "
                           "when the ones to keep have both (the others are dropped).")]

    def _actions(self, session: CoachSession, state: dict[str, Any], said: str,
                 viewer: Viewer, now: datetime) -> list[Reply]:
        if command_word(said) in _ENOUGH:
            return self._finish(session, state, viewer)
        zone = state["zone"]
        assign, add = _ASSIGN.match(said), _ADD.match(said)
        if assign and 1 <= int(assign["n"]) <= len(state["proposed"]):
            action, owner, when = state["proposed"][int(assign["n"]) - 1], assign["owner"], \
                assign["when"]
        elif add:
            action, owner, when = add["action"], add["owner"], add["when"]
        else:
            return [Reply(text="Say \"1: Priya by Dec 18\", \"add: <action>, <owner> by "
                               "<date>\", or \"done\".")]
        due = deadline(f"by {when}", now, zone) or deadline(when, now, zone)
        if due is None:
            return [Reply(text=f"I could not read {escape(when)!r} as a date: try \"by Dec 18\" "
                               "or \"by Friday\".")]
        state["actions"] = [a for a in state["actions"] if a["action"] != action] + [
            {"action": action, "owner": owner.strip(), "due": due.isoformat()}]
        return [Reply(text=f"{escape(action)}: {escape(owner.strip())}, due "
                           f"{_when(due.isoformat())}. Next, or \"done\".")]

    def _finish(self, session: CoachSession, state: dict[str, Any], viewer: Viewer
                ) -> list[Reply]:
        whys = state["whys"]
        try:
            review = PostEscalationReview(
                summary=state.get("summary", ""), impact=state.get("impact", ""),
                timeline=state["timeline"], root_cause=whys[-1] if whys else "",
                contributing_factors=whys[:-1], detection=state.get("detection", ""),
                what_went_well=state.get("well", []), what_went_badly=state.get("badly", []),
                action_items=state["actions"], status="reviewed")
            self.escalations.record_review(state["id"], review, viewer)
        except (ValidationError, EscalationInputError) as exc:
            problems = (describe_errors(exc) if isinstance(exc, ValidationError)
                        else [str(exc)])
            return [Reply(text="The review is not complete yet: " + "; ".join(problems))]
        del session.mode_data[KEY]
        data = {"account": state["account"], "review": review.model_dump(mode="json")}
        return [Reply(text=f"Review of **{escape(state['account'])}** recorded, with "
                           f"{len(review.action_items)} action items. The files are below.",
                      artifacts=[Artifact(kind="review", title=f"Review: {state['account']}",
                                          data=data)],
                      buttons=[Button(id="my-escalations", label="My escalations")])]


def _entry(said: str, state: dict[str, Any]) -> dict[str, str] | None:
    match = _AT.match(said)
    if match is None:
        return None
    zone = ZoneInfo(state["zone"])
    last = datetime.fromisoformat(state["timeline"][-1]["at"]) if state["timeline"] else None
    try:
        day = (datetime.fromisoformat(match["date"]).date() if match["date"] else
               (last or datetime.now(zone)).astimezone(zone).date())
        at = datetime.combine(day, datetime.min.time(), zone) + timedelta(
            hours=int(match["h"]), minutes=int(match["m"]))
    except ValueError:
        return None
    return {"at": at.isoformat(), "event": match["text"].strip()}


def _when(iso: str) -> str:
    return f"{datetime.fromisoformat(iso):%a %d %b %H:%M}"

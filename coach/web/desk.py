"""Tracked escalations in the conversation, for the chat and the browser alike.

- A ticket confirmed in a conversation becomes an escalation, once.
- "my escalations" (and, for leaders, "team escalations") shows the board: one line per
  escalation with its clocks, breached and at-risk first.
- Updates said in words change an escalation through the same functions as the command line:
  "sent Globex an update", "Initech is waiting on their IT", "Globex resolved: hotfix
  deployed", "make Globex a sev 1, they just threatened to cancel", "note on Initech: ...".
  A sentence whose words name no tracked escalation is left to the coach.
- At the start of a turn, at most one short line about clocks that became at risk or
  breached since the last warning; never the same one twice.
- "show me the dashboard", "how are we doing this quarter?" shows the figures
  (coach.web.dashboard).
- "export Globex", "push Globex to Zendesk" hand it to other tools (coach.web.handoffs).
- "review Globex" (or the button offered on resolution) starts the guided post-escalation
  review (coach.web.review_talk), which then takes every answer until it is recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from coach.domain import Button, Reply
from coach.domain.calendar import WorkCalendar, known_zone
from coach.domain.clock import Clock, coach_now
from coach.domain.escalation import DONE, Category, Escalation
from coach.domain.review import NextStep
from coach.domain.session import HOME, CoachSession
from coach.engine.inputs import command_word, escape, read_input
from coach.parsing.deadlines import deadline
from coach.settings import Settings
from coach.tracking.clocks import calendar_of, clocks
from coach.tracking.report import Tracked, badges, list_order, running
from coach.tracking.review import review_state
from coach.understanding.updates import UpdateWords, read_update
from coach.web.dashboard import BUTTON as DASHBOARD
from coach.web.dashboard import Dashboard, asks_for_dashboard
from coach.web.escalations import EscalationInputError, Escalations, Viewer
from coach.web.handoffs import Handoffs
from coach.web.next_steps import NextSteps
from coach.web.review_talk import ReviewTalk

BOARD_BUTTON = Button(id="my-escalations", label="My escalations")
STEPS_BUTTON = Button(id="next-steps", label="Next steps")
_STEPS = {"next-steps", "my-next-steps", "team-next-steps", "open-next-steps", "show-next-steps"}
_DONE = re.compile(r"^(?:done|did|finished|completed)\s*[:\-–—]\s*(?P<text>.+)$", re.I)
_DROP = re.compile(r"^drop\s+(?:step\s+)?#?(?P<n>\d{1,9})\b\s*[,:;\-–—]?\s*(?P<reason>.*)$",
                   re.I)
_OWNS = re.compile(r"^(?P<owner>[A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*)?)\s+owns\s+(?:the\s+)?"
                   r"(?P<thing>.+?)(?:\s+now)?[.!]*$")
_ADD_STEP = re.compile(r"^(?:add\s+a\s+)?next\s+step\s*:\s*(?P<action>.+?)\s+by\s+(?P<when>.+)$",
                       re.I)
DESK = "desk"  # the desk's own state in a conversation: the escalation resolved last
_CATEGORY = re.compile(r"^(?:(?P<target>.+?)\s+)?(?:root[- ]cause\s+)?category\s*(?:is\s*)?[:=]?"
                       r"\s*(?P<category>[a-z /-]+?)[.!]*$", re.I)
_CATEGORY_NAMES: dict[Category, set[str]] = {
    "product-defect": {"product defect", "defect", "bug", "product bug"},
    "outage": {"outage", "downtime", "down"},
    "security": {"security", "breach", "data exposure"},
    "billing": {"billing", "invoice", "invoicing"},
    "onboarding-training": {"onboarding", "training", "onboarding training"},
    "support-process": {"support process", "process", "support"},
    "communication": {"communication", "comms"},
    "expectations": {"expectations", "expectation"},
    "other": {"other"},
}
_STOPWORDS = {"the", "a", "an", "to", "of", "for", "on", "in", "and", "with", "it", "our", "their",
              "step", "now", "first"}
_BOARD = {"my-escalations", "escalations", "escalation-board", "board", "show-my-escalations"}
_TEAM_BOARD = {"team-escalations", "show-team-escalations", "all-escalations"}
_NUMBER = re.compile(r"^#?(\d{1,9})$")
_REVIEW_BUTTON = re.compile(r"^review-(\d{1,9})$")
_REVIEW = re.compile(r"^(?:let'?s\s+|start\s+)?(?:the\s+|a\s+)?(?:post-escalation\s+)?review\s+"
                     r"(?:of\s+|for\s+)?(?P<target>[^?.!]+)[?.!]*$", re.I)
MAX_WARNED = 500
BOARD_LIMIT = 30


class Desk:
    """The conversation's side of escalation tracking."""

    def __init__(self, escalations: Escalations, clock: Clock = coach_now,
                 settings: Settings | None = None) -> None:
        self.escalations = escalations
        self.clock = clock
        self.reviews = ReviewTalk(escalations)
        self.steps = NextSteps(escalations.store, clock)
        self.dashboard = Dashboard(escalations.store)
        self.handoffs = Handoffs(escalations, settings)

    def turn(self, session: CoachSession, text: str, viewer: Viewer,
             handle: Callable[[], list[Reply]]) -> list[Reply]:
        """Warn, answer the desk's own words or run `handle`, then track a confirmed ticket."""
        now = self.clock()
        warning = self._warning(session, viewer, now)
        if self.reviews.active(session):  # a review in progress takes every answer
            return warning + self.reviews.turn(session, read_input(text).text, viewer, now)
        own = self._own(session, text, viewer, now)
        replies = own if own is not None else handle()
        return warning + replies + self._track(session, viewer, now)

    # --- the board and updates in words ---------------------------------------------------

    def _own(self, session: CoachSession, text: str, viewer: Viewer, now: datetime
             ) -> list[Reply] | None:
        said = read_input(text).text
        word = command_word(said)
        busy = session.mode != HOME and session.step not in ("done", "menu")
        if word == DASHBOARD.id or (not busy and asks_for_dashboard(said, now.date())):
            return [self.dashboard.reply(said, viewer, session.framework, now)]
        if word in _BOARD:
            return [self._board(viewer, now, team=False)]
        if word in _TEAM_BOARD:
            return [self._board(viewer, now, team=True)]
        pressed = _REVIEW_BUTTON.match(word)
        if pressed:
            return [self.reviews.start(session, pressed[1], viewer)]
        asked = None if busy else _REVIEW.match(said)
        if asked:
            named = [e for e in self._named(asked["target"], viewer) if e.status in DONE]
            if len(named) == 1:
                return [self.reviews.start(session, named[0].id, viewer)]
        if word in _STEPS:
            return [self._steps_listing(viewer, now)]
        categorised = None if busy else self._category_words(session, said, viewer)
        if categorised is not None:
            return [categorised]
        stepped = None if busy else self._step_words(said, viewer, now)
        if stepped is not None:
            return [stepped]
        handed = None if busy else self.handoffs.turn(
            said, viewer, partial(self._named, only_the_name=True), now)
        if handed is not None:
            return [handed]
        update = None if busy else read_update(said)
        if update is None:
            return None
        found = self._named(update.target, viewer)
        if not found:
            return None  # words that name no tracked escalation are the coach's to answer
        if len(found) > 1:
            options = ", ".join(f"#{e.id} {escape(e.account)}" for e in found[:5])
            return [Reply(text=f"Which one: {options}? Say it again with the number, e.g. "
                               f"\"note on #{found[0].id}: ...\".")]
        return [self._apply(session, update, found[0], viewer, now)]

    def _named(self, words: str, viewer: Viewer, only_the_name: bool = False
               ) -> list[Tracked]:
        """The tracked escalations the words name: "#3", or an account's name (words around it
        allowed, unless `only_the_name`: "export jobs fail for Globex" names no escalation)."""
        escalations = self.escalations.summaries(viewer)
        number = _NUMBER.match(words.strip())
        if number:
            return [e for e in escalations if e.id == number[1]]
        wanted = set(_tokens(words))
        if not wanted:
            return []
        named = [e for e in escalations if wanted <= set(_tokens(e.account)) or (
            not only_the_name and set(_tokens(e.account)) <= wanted)]
        return sorted(named, key=lambda e: e.status in DONE)  # open ones first

    def _apply(self, session: CoachSession, update: UpdateWords, escalation: Tracked,
               viewer: Viewer, now: datetime) -> Reply:
        name, number = escape(escalation.account), escalation.id
        try:
            if update.kind in ("customer-update", "note"):
                changed = self.escalations.log(number, update.text, update.kind, viewer)
                done = ("Logged a customer update on" if update.kind == "customer-update"
                        else "Noted on")
            elif update.kind == "severity" and update.severity is not None:
                changed = self.escalations.set_severity(
                    number, update.severity, viewer, update.text or "said in the chat")
                done = f"Severity {update.severity} now for"
            else:
                status = update.status or "in-progress"
                changed = self.escalations.set_status(number, status, viewer, update.text)
                done = f"{status.replace('-', ' ').capitalize()}:"
        except EscalationInputError as exc:
            return Reply(text=f"{escape(str(exc)).capitalize()}.", buttons=[BOARD_BUTTON])
        text = f"{done} **{name}** (#{number}). {_next_due(changed, now)}".strip()
        buttons = [BOARD_BUTTON]
        if changed.status == "resolved":
            session.mode_data[DESK] = {"resolved": number}
            text += ("\n\nWhat was the root-cause category? Say \"category: outage\" (product "
                     "defect, outage, security, billing, onboarding/training, support process, "
                     "communication, expectations, other); the monthly trend review counts it. "
                     "And while it is fresh, hold the post-escalation review: I'll walk you "
                     "through it, blamelessly.")
            buttons = [Button(id=f"review-{number}", label="Start the review"), BOARD_BUTTON]
        return Reply(text=text, buttons=buttons)

    def _category_words(self, session: CoachSession, said: str, viewer: Viewer
                        ) -> Reply | None:
        """ "category: outage" (for the escalation just resolved here), or "Globex category:
        billing"; None when the message is not one."""
        match = _CATEGORY.match(said)
        category = _category(match["category"]) if match else None
        if match is None or category is None:
            return None
        if match["target"]:
            named = self._named(match["target"], viewer)
            if len(named) != 1:
                return None
            number = named[0].id
        else:
            last = session.mode_data.get(DESK)
            number = str(last.get("resolved")) if isinstance(last, dict) else ""
            if not number:
                return Reply(text="Which escalation? Say \"Globex category: outage\".")
        try:
            changed = self.escalations.set_category(number, category, viewer)
        except EscalationInputError as exc:
            return Reply(text=f"{escape(str(exc)).capitalize()}.")
        return Reply(text=f"Root cause of **{escape(changed.account)}** (#{changed.id}): "
                          f"{category}.", buttons=[BOARD_BUTTON])

    # --- next steps ------------------------------------------------------------------------

    def _step_words(self, said: str, viewer: Viewer, now: datetime) -> Reply | None:
        """ "done: sent the first update", "drop step 4, ...", "Priya owns the RCA now",
        "next step: share the framework with the team by Friday"; None when it is none."""
        if (added := _ADD_STEP.match(said)) is not None:
            due = deadline(f"by {added['when']}", now, None) or deadline(added["when"], now)
            if due is None:
                return None
            [step] = self.steps.add([(added["action"].strip(), viewer.user, due)], viewer,
                                    "tailoring")
            return Reply(text=f"Tracking next step #{step.id}: {escape(step.action)}, due "
                              f"{_local(step.due, now)}.", buttons=[STEPS_BUTTON])
        if (dropped := _DROP.match(said)) is not None:
            step = self.steps.drop(dropped["n"], viewer, dropped["reason"] or "dropped")
            return Reply(text=f"Dropped step #{step.id}: {escape(step.action)}.",
                         buttons=[STEPS_BUTTON])
        done, owns = _DONE.match(said), _OWNS.match(said)
        if done is None and owns is None:
            return None
        words = done["text"] if done is not None else owns["thing"]  # type: ignore[index]
        found = _matching(self.steps.open(viewer), words)
        if not found:
            return None if owns is not None else Reply(
                text="Which step? Say \"next steps\" to see them, then \"done: step N\".",
                buttons=[STEPS_BUTTON])
        if len(found) > 1:
            options = "; ".join(f"#{s.id} {escape(s.action)}" for s in found[:4])
            return Reply(text=f"Which one: {options}? Say it with the number, e.g. \"done: step "
                              f"{found[0].id}\".")
        if done is not None:
            step = self.steps.done(found[0].id, viewer, done["text"])
            return Reply(text=f"Done: step #{step.id}, {escape(step.action)}.",
                         buttons=[STEPS_BUTTON])
        assert owns is not None
        step = self.steps.reassign(found[0].id, viewer, owns["owner"])
        return Reply(text=f"Step #{step.id} ({escape(step.action)}) is {escape(step.owner)}'s "
                          "now.", buttons=[STEPS_BUTTON])

    def _steps_listing(self, viewer: Viewer, now: datetime) -> Reply:
        steps = self.steps.open(viewer)
        if not steps:
            return Reply(text="No open next steps.", buttons=[BOARD_BUTTON])
        rows = ["| # | Step | Owner | Due | For |", "|---|---|---|---|---|"]
        rows += [f"| {s.id} | {escape(s.action)} | {escape(s.owner)} | "
                 f"{_local(s.due, now)}{' (overdue)' if s.due < now else ''} | "
                 f"{escape(s.account or '')} |" for s in steps[:BOARD_LIMIT]]
        return Reply(text="Your open next steps, the nearest due first:\n\n" + "\n".join(rows)
                     + "\n\nMark them in words: \"done: step 3\", \"drop step 4, the customer "
                       "fixed it\", \"Priya owns step 5 now\".", buttons=[BOARD_BUTTON])

    def _board(self, viewer: Viewer, now: datetime, team: bool) -> Reply:
        if team and not viewer.sees_team:
            return Reply(text="Only leaders see the team's escalations. Here are yours:\n\n"
                              + self._board(viewer, now, team=False).text,
                         buttons=[BOARD_BUTTON])
        seen = viewer if team else Viewer(viewer.user, viewer.team, sees_team=False)
        found = list_order(self.escalations.summaries(seen), now)
        urgent = [e for e in found if _urgency(e, now) < 2]
        ordered = urgent + [e for e in found if e not in urgent]
        if not ordered:
            return Reply(text="No tracked escalations yet: confirm a ticket and I track it "
                              "here.", buttons=[Button(id="ticket", label="Draft a ticket")])
        rows = ["| # | Account | Sev | Status | Clocks |", "|---|---|---|---|---|"]
        rows += [f"| {e.id} | {escape(e.account)} | {e.severity} | {e.status} | "
                 f"{' · '.join(badges(e.clocks(now)) + _review_badge(e, now))} |"
                 for e in ordered[:BOARD_LIMIT]]
        more = (f"\n\nShowing {BOARD_LIMIT} of {len(ordered)}." if len(ordered) > BOARD_LIMIT
                else "")
        title = "Your team's escalations" if team else "Your escalations"
        overdue = [s for s in self.steps.open(seen) if s.due < now]
        if overdue:
            more += "\n\nOverdue next steps: " + "; ".join(
                f"#{s.id} {escape(s.action)} ({escape(s.owner)}, due {_local(s.due, now)})"
                for s in overdue[:5])
        return Reply(text=f"{title}, breached and at risk first:\n\n" + "\n".join(rows) + more,
                     buttons=[BOARD_BUTTON, STEPS_BUTTON])

    # --- tracking and warnings ------------------------------------------------------------

    def _track(self, session: CoachSession, viewer: Viewer, now: datetime) -> list[Reply]:
        ticket = session.confirmed_ticket
        if ticket is None:
            return []
        key = ticket.created_at.isoformat()
        plan, planned = session.action_plan, f"plan:{key}"
        if key in session.tracked and plan is not None and session.plan_accepted and (
                planned not in session.tracked):  # an accepted plan's steps are tracked
            session.tracked[planned] = session.tracked[key]
            steps = self.steps.add([(s.action, s.owner, s.due) for s in plan.steps], viewer,
                                   "plan", session.tracked[key])
            return [Reply(text=f"Tracking the plan's {len(steps)} steps as next steps: say "
                               "\"done: ...\" as they happen.", buttons=[STEPS_BUTTON])]
        if key in session.tracked:
            return []
        framework = session.framework
        if framework.calendar is None and known_zone(session.zone()):  # where they work
            framework = framework.model_copy(
                update={"calendar": WorkCalendar(timezone=session.zone() or "UTC")})
        try:
            made = self.escalations.create(ticket, framework, Viewer(viewer.user, viewer.team))
        except EscalationInputError:
            return []
        session.tracked[ticket.created_at.isoformat()] = made.id
        return [Reply(text=f"Tracking it as escalation #{made.id}. {_next_due(made, now)} "
                           "Tell me as things happen (\"sent "
                           f"{escape(made.account)} an update\").",
                      buttons=[BOARD_BUTTON])]

    def _warning(self, session: CoachSession, viewer: Viewer, now: datetime) -> list[Reply]:
        mine = Viewer(viewer.user, viewer.team, sees_team=False)
        fresh = []
        for escalation in self.escalations.summaries(mine):
            if escalation.status in DONE:
                continue
            found = escalation.clocks(now)
            for clock, state in (("first response", found.first_response),
                                 ("update", found.next_update),
                                 ("resolution", found.resolution)):
                if state is None or state.remaining_minutes is None:
                    continue
                kind = "breached" if state.state == "breached" else (
                    "at-risk" if state.at_risk else None)
                key = f"{escalation.id}:{clock}:{kind}"
                if kind is not None and key not in session.warned:
                    fresh.append((key, escalation, clock, kind))
        if not fresh:
            return []
        session.warned = [*session.warned, *(key for key, *_ in fresh)][-MAX_WARNED:]
        _, escalation, clock, kind = fresh[0]
        what = "is overdue" if kind == "breached" else "is at risk"
        more = f" (and {len(fresh) - 1} more)" if len(fresh) > 1 else ""
        return [Reply(text=f"Heads up: the {clock} for **{escape(escalation.account)}** "
                           f"(#{escalation.id}) {what}{more}.", notice="clock warning",
                      buttons=[BOARD_BUTTON])]


def _category(words: str) -> Category | None:
    key = " ".join(_tokens(words))
    for category, names in _CATEGORY_NAMES.items():
        if key == category.replace("-", " ") or key in names:
            return category
    return None


def _matching(steps: list[NextStep], words: str) -> list[NextStep]:
    """The open steps the words name: "step 4", "#4", or most of the action's words."""
    number = re.search(r"(?:step\s*|#)(\d{1,9})\b", words, re.I)
    if number:
        return [s for s in steps if s.id == number[1]]
    wanted = {t for t in _tokens(words) if t not in _STOPWORDS}
    if not wanted:
        return []
    scored = [(len(wanted & set(_tokens(s.action))) / len(wanted), s) for s in steps]
    best = max((score for score, _ in scored), default=0.0)
    return [s for score, s in scored if score == best and score >= 0.5]


def _local(moment: datetime, now: datetime) -> str:
    return f"{moment.astimezone(now.tzinfo):%a %d %b %H:%M}"


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


def _review_badge(escalation: Tracked, now: datetime) -> list[str]:
    """The post-escalation review, once it is due: "review due" or "review overdue"."""
    review = review_state(escalation.runs, escalation.framework, now)
    if review is None or review.status not in ("due", "overdue"):
        return []
    return [f"review {review.status}"]


def _urgency(escalation: Tracked, now: datetime) -> int:
    """0 breached, 1 at risk, 2 otherwise."""
    counting = running(escalation.clocks(now))
    if any(s.state == "breached" for s in counting):
        return 0
    return 1 if any(s.at_risk for s in counting) else 2


def _next_due(escalation: Escalation, now: datetime) -> str:
    """The nearest running clock, in words, in the team's time zone."""
    found = clocks(escalation, now)
    zone = ZoneInfo(calendar_of(escalation.framework).timezone)
    named = [("First response", found.first_response), ("Next update", found.next_update),
             ("Resolution", found.resolution)]
    counting = [(name, s) for name, s in named if s is not None and s.due is not None
                and s.remaining_minutes is not None]
    if not counting:
        return ""
    name, state = min(counting, key=lambda item: item[1].due or now)
    assert state.due is not None
    return f"{name} due {state.due.astimezone(zone):%a %d %b %H:%M %Z}."

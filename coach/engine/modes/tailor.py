"""Tailor mode: ask about the company, propose fitting severity levels, edit them in words."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import cast

from coach.domain import Button, CompanyProfile, Reply, SeverityFramework
from coach.engine.inputs import command_word, escape
from coach.engine.modes.base import Context
from coach.engine.views import tailoring as view
from coach.tailoring.edits import EditError, FrameworkEdit, edit_summary, parse_framework_edit
from coach.tailoring.guide import QuestionKey
from coach.tailoring.workshop import TailorState, Workshop

SHOW_WORDS = {"show", "table", "show-framework", "show-the-framework", "show-table",
              "show-the-table", "full-table", "show-the-full-table", "show-me-the-framework"}
ACCEPT_WORDS = {"accept", "yes", "y", "ok", "looks-good", "use-it", "accept-this-framework"}
SKIP_WORDS = {"skip", "pass", "next", "i-don-t-know", "dont-know", "not-sure", "n-a", "later"}
_START = re.compile(r"^(?:let'?s\s+|i\s+want\s+to\s+|help\s+me\s+)?(?:tailor|customi[sz]e|adapt)\b"
                    r"|\btailor(?:ed|ing)?\b.*\b(?:severity|framework|levels)\b", re.IGNORECASE)

# "...just a head of CS and 4 CSMs, adjust it?": one fact about the company is enough with these
_FIT = re.compile(r"\b(?:adjust|adapt|tweak|modify|fit|customi[sz]e|tailor|rework)\b",
                  re.IGNORECASE)


class TailorMode:
    """Builds a `CompanyProfile` from answers, proposes a valid framework, accepts, exports."""

    name = "tailor"
    label = "Tailor the severity levels"
    topic = "tailoring"

    def __init__(self, knowledge_dir: Path | None = None) -> None:
        self._knowledge_dir = knowledge_dir

    @cached_property
    def workshop(self) -> Workshop:
        from coach.settings import get_settings  # read on first use, never at import

        return Workshop.load(self._knowledge_dir or get_settings().knowledge_dir)

    def starts(self, text: str) -> bool:
        if len(text) >= 400:
            return False
        return bool(_START.search(text)) or self.workshop.describes_company(
            text, 1 if _FIT.search(text) else 2)

    def pitch(self, ctx: Context, text: str) -> str:
        """What a company described outside tailoring tells, offering to tailor from it."""
        heard = self.workshop.answered_by(text)
        told = f" I heard its {_heard_words(heard)}." if heard else ""
        return (f"That describes your company.{told} Shall I tailor the severity levels to it? "
                "Nothing changes until you accept a proposal.")

    def enter(self, ctx: Context, text: str) -> list[Reply]:
        state = self._state(ctx)
        heard: list[QuestionKey] = []
        if text and command_word(text) != self.name:
            session = ctx.session
            reading = ctx.brain.read_tailoring(text, session.proposal or session.framework, None)
            session.profile, heard = self.workshop.absorb(session.profile, state, reading.heard)
        lead = _heard_text(heard) or "Let's fit the severity levels to your company. "
        return self._advance(ctx, state, lead, reproposal=bool(heard))

    def handle(self, ctx: Context, text: str) -> list[Reply] | None:
        state, word, session = self._state(ctx), command_word(text), ctx.session
        if word in ACCEPT_WORDS and session.proposal is not None:
            return self._accept(ctx, state)
        if word in SHOW_WORDS:  # an edit shows what changed; the table comes when asked for
            return [Reply(text=view.table(session.proposal or session.framework),
                          buttons=self._buttons(ctx))]
        asked = _asked(session.step)
        if asked is not None and word in SKIP_WORDS:
            session.profile = self.workshop.skip(session.profile, state, asked)
            return self._advance(ctx, state, "Skipped. ", reproposal=asked == "roles")
        question = self.workshop.question(asked, state) if asked else None
        if question is not None and asked is not None and word in {c.id for c in question.choices}:
            session.profile = self.workshop.choose(session.profile, state, asked, word)
            return self._advance(ctx, state, "Noted. ", reproposal=True)
        # One reading per turn: in LLM mode it is the turn's only model call.
        try:
            reading = ctx.brain.read_tailoring(text, session.proposal or session.framework, asked)
        except EditError as exc:
            return [Reply(text=escape(str(exc)), buttons=self._buttons(ctx))]
        if reading.edit is not None:
            return self._apply_edit(ctx, state, reading.edit)
        absent = len(state.absent_roles)
        session.profile, heard = self.workshop.absorb(session.profile, state, reading.heard)
        if not heard and len(state.absent_roles) == absent:
            return None
        lead = _heard_text(heard) or f"Noted: no {escape(', '.join(state.absent_roles))}. "
        return self._advance(ctx, state, lead, reproposal=True)

    def interject(self, ctx: Context, text: str) -> list[Reply] | None:
        """A framework edit typed in any other mode still edits the framework (read offline:
        other modes' turns must not spend a model call on a check)."""
        session = ctx.session
        try:
            edit = parse_framework_edit(text, session.proposal or session.framework)
        except EditError as exc:
            return [Reply(text=escape(str(exc)), buttons=self._buttons(ctx))]
        return None if edit is None else self._apply_edit(ctx, self._state(ctx), edit, switch=True)

    def prompt(self, ctx: Context) -> Reply:
        session, state = ctx.session, self._state(ctx)
        asked = _asked(session.step)
        question = self.workshop.question(asked, state) if asked else None
        if question is not None:
            return view.question_reply(question)
        if session.proposal is not None:
            said = f"Accept the proposal, or change it in words, e.g. {view.EDIT_EXAMPLES}."
            return Reply(text=said, buttons=[view.ACCEPT, view.EXPORT])
        said = "Your tailored framework is active." if state.accepted else "This is your framework."
        return Reply(text=f"{said} Edit it in words, e.g. {view.EDIT_EXAMPLES}; or export it.",
                     buttons=[view.EXPORT])

    def _advance(
        self, ctx: Context, state: TailorState, lead: str, reproposal: bool
    ) -> list[Reply]:
        """Propose once stage, roles and coverage are known; then ask what is still open."""
        session, replies = ctx.session, []
        fresh = session.proposal is None and not state.accepted
        if self.workshop.ready(state) and (fresh or reproposal):
            earlier = list(state.changes)
            proposal = self.workshop.propose(session.profile, state)
            framework, worded = ctx.brain.refine_proposal(
                proposal.framework, session.profile, self.workshop.extra(session.profile))
            session.proposal = framework
            said = "Here is a framework tailored to you." if fresh else "I updated the proposal."
            shown = proposal.changes if fresh else [c for c in proposal.changes if c not in earlier]
            redone = {(c.rule, c.level, c.field) for c in shown}  # changed again, not undone
            undone = [] if fresh else [c for c in earlier if c not in proposal.changes
                                       and (c.rule, c.level, c.field) not in redone]
            replies.append(view.proposal_reply(framework, shown + worded, proposal.dropped,
                                               f"{lead}{said}", fresh, undone))
            lead = ""
        question = self.workshop.next_question(state, session.profile)
        if question is not None:
            ctx.go(self.name, f"ask:{question.key}")
            refine = "To refine it: " if session.proposal is not None else ""
            reply = view.question_reply(question, lead + refine)
            if session.proposal is not None:
                reply.buttons = [view.ACCEPT, *reply.buttons]
            replies.append(reply)
        else:
            ctx.go(self.name, "review" if session.proposal is not None else "active")
            if not replies:
                prompt = self.prompt(ctx)
                replies.append(prompt.model_copy(update={"text": lead + prompt.text}))
        self._save(ctx, state)
        return replies

    def _apply_edit(self, ctx: Context, state: TailorState, edit: FrameworkEdit,
                    switch: bool = False) -> list[Reply]:
        session = ctx.session
        try:
            if session.proposal is None and not state.accepted:
                # A proposal to accept: from what the profile says, or, when this conversation
                # has said nothing about the company, from the active (perhaps team's) framework.
                told = session.profile != CompanyProfile()
                session.proposal = (self.workshop.propose(session.profile, state).framework
                                    if told else session.framework)
            target = session.proposal or session.framework
            changed = self.workshop.edit(target, edit, session.profile)
        except EditError as exc:
            return [Reply(text=escape(str(exc)), buttons=self._buttons(ctx))]
        return [self._edited(ctx, state, target, changed, edit, switch)]

    def _edited(self, ctx: Context, state: TailorState, before: SeverityFramework,
                after: SeverityFramework, edit: FrameworkEdit, switch: bool) -> Reply:
        session = ctx.session
        state.edits.append(edit)
        said = escape(edit_summary(before, after, edit.level))
        if session.proposal is None and state.accepted:
            session.framework = after  # edits keep working after acceptance, on the active one
            text = f"Updated your active framework. {said}."
        else:
            session.proposal = after
            text = f"Updated the proposal. {said}. Accept it when it looks right."
        if switch or not session.step.startswith("ask:"):
            ctx.go(self.name, "review" if session.proposal is not None else "active")
        self._save(ctx, state)
        shown = session.proposal or session.framework
        text += f" {view.SHOW_HINT}"
        return Reply(text=text, buttons=self._buttons(ctx),
                     artifacts=[view.artifact(shown, "Severity framework")])

    def _accept(self, ctx: Context, state: TailorState) -> list[Reply]:
        session = ctx.session
        assert session.proposal is not None  # callers check
        session.framework, session.proposal = session.proposal, None
        state.accepted = True
        ctx.go(self.name, "active")
        self._save(ctx, state)
        text = (f"Accepted: **{escape(session.framework.name)}** is now your active framework. "
                "Severity suggestions, tickets, action plans and practice use it from now on; "
                f"you can still edit it in words.\n\n{view.table(session.framework)}")
        buttons = [view.EXPORT, Button(id="ticket", label="Draft a ticket"),
                   Button(id="practice", label="Practice with it")]
        return [Reply(text=text, buttons=buttons,
                      artifacts=[view.artifact(session.framework, "Active severity framework")])]

    def _buttons(self, ctx: Context) -> list[Button]:
        return [view.ACCEPT, view.EXPORT] if ctx.session.proposal is not None else [view.EXPORT]

    def _state(self, ctx: Context) -> TailorState:
        return TailorState.model_validate(ctx.session.data(self.name))

    def _save(self, ctx: Context, state: TailorState) -> None:
        ctx.session.mode_data[self.name] = state.model_dump(mode="json")


def _asked(step: str) -> QuestionKey | None:
    return cast(QuestionKey, step.removeprefix("ask:")) if step.startswith("ask:") else None


_HEARD = {"stage": "stage", "segments": "customers", "roles": "team and roles",
          "coverage": "coverage", "timezone": "time zone", "slas": "contract SLAs",
          "concerns": "what matters most", "volume": "escalation volume"}


def _heard_words(keys: list[QuestionKey]) -> str:
    return ", ".join(_HEARD[k] for k in keys)


def _heard_text(keys: list[QuestionKey]) -> str:
    return f"Got it: {_heard_words(keys)}. " if keys else ""

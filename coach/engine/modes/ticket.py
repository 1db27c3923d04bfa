"""Ticket mode: draft an escalation ticket by talking, one missing field at a time."""

from __future__ import annotations

import re

from pydantic import ValidationError

from coach.domain import (
    Artifact,
    Button,
    EscalationTicket,
    Reply,
    SeverityFramework,
    SeverityLevel,
    describe_errors,
    hours_text,
)
from coach.domain.session import CoachSession
from coach.engine import drafting as d
from coach.engine import triage
from coach.engine.corrections import (
    AddAction,
    BadSeverity,
    Edit,
    FieldEdit,
    RemoveAction,
    SetSeverity,
    parse_edit,
    parse_level,
    removed_index,
)
from coach.engine.forms import asks_elsewhere
from coach.engine.inputs import command_word, escape
from coach.engine.modes.base import Context
from coach.engine.views import cards
from coach.engine.views.severity import facts, severity_question
from coach.parsing.deadlines import in_zone, is_only_a_deadline
from coach.parsing.text import mentioned_levels
from coach.understanding.labels import read_labels

PASTE_CHARS = 120
# A message this long at a one-line question is a description, not the answer itself.
DESCRIPTION_WORDS = 8
SHORT_FIELDS = {"account", "csm", "escalation_owner", "timeline_required"}
NAMES = {"account", "csm"}
ONLY_A_LEVEL_WORDS = 4
_QUESTION_WORDS = re.compile(r"^\s*(?:wait|hang on|quick q|sorry|btw|oh)?[\s,:-]*(?:what|whats"
                             r"|what's|how|who|whos|who's|when|why|which|where|is|are|do|does|can"
                             r"|should)\b", re.IGNORECASE)
# What a text must state for its reading to count; severity and owner are derived from them.
FACTS = ("account", "csm", "issue_summary", "business_impact", "actions_taken",
         "resolution_requested", "timeline_required")
# Button ids typed at a free-text question are commands, not answers.
CONTROL_WORDS = {"confirm", "confirm-ticket", "accept", "accept-plan", "edit", "use-it"}
REQUIRED = ("account", "severity", "csm", "issue_summary", "business_impact",
            "resolution_requested", "escalation_owner")
CONFIRM_WORDS = {"confirm", "yes", "y", "ok", "looks-good", "correct", "confirm-ticket"}
ACCEPT_WORDS = {"accept", "yes", "y", "ok", "agree", "sounds-good", "use-it", "fine"}
SKIP_WORDS = {"skip", "pass", "next", "i-don-t-know", "dont-know", "unknown", "n-a", "later"}
_START = re.compile(r"\bescalat(?:e|ing)\b|\bticket\b|\bnew escalation\b"
                    r"|\b(?:file|raise|log|open|submit)\s+(?:an?\s+|new\s+)*(?:sev|p)\s*-?\d\b",
                    re.IGNORECASE)
_ACCOUNT = re.compile(
    r"(?:\bescalat(?:e|ing)\s+(?:(?:something|an?\s+(?:issue|problem|ticket|escalation)|this"
    r"|one)\s+)?(?:for\s+|on\s+|with\s+|at\s+)?|\b(?:ticket|escalation)\s+(?:for|on|about)"
    r"\s+|\b(?:account|acct)\s+(?:is\s+|[:=-]\s*))"
    r"(?P<account>[^\s,.!?;:]+(?:[ \t]+(?-i:[A-Z])[^\s,.!?;:]*)*)", re.IGNORECASE
)
_NOT_ACCOUNTS = {"a", "an", "the", "this", "that", "it", "something", "ticket", "issue", "now",
                 "to", "my", "our", "their", "customer", "account", "please"}
_VAGUE = {"one", "some", "a", "an", "our", "my", "their", "the", "this", "that", "it", "something",
          "any", "another"}
SKIP = Button(id="skip", label="Skip this question")
DONE = Button(id="done", label="That's all")
# At the severity question: asking for help to choose starts the triage questions
_HELP_CHOOSE = re.compile(r"\b(?:help|not sure|unsure|idk|don'?t know|no idea|walk me through|"
                          r"ask me|triage|suggest|which (?:one|level|severity)|choose|pick)\b",
                          re.IGNORECASE)
CARD_BUTTONS = [
    Button(id="confirm", label="Confirm ticket"), Button(id="edit", label="Edit a field")
]
EDIT_HELP = ('Tell me what to change, e.g. "actually the account is Globex Inc", '
             '"severity should be 2", "add: called their CTO".')


class TicketMode:
    """Collects the ticket's fields, suggests a severity, confirms a valid `EscalationTicket`."""

    name = "ticket"
    label = "Draft an escalation ticket"
    topic = "the ticket"

    def starts(self, text: str) -> bool:
        return bool(_START.search(text)) or _is_paste(text)

    def enter(self, ctx: Context, text: str) -> list[Reply]:
        session = ctx.session
        fresh_words = text and command_word(text) != self.name
        if session.confirmed_ticket is not None and not fresh_words:
            ctx.go(self.name, "done")
            return [self._confirmed_reply(ctx, "This is the confirmed ticket.")]
        if session.confirmed_ticket is not None or session.progress.started_at is None:
            session.new_ticket()
            session.progress.started_at = ctx.now
        ctx.go(self.name, "ask")
        replies = self._absorb(ctx, text) if fresh_words else []
        return replies + [self._next(ctx)]

    def handle(self, ctx: Context, text: str) -> list[Reply] | None:
        step, word = ctx.session.step, command_word(text)
        if step != "done" and len(read_labels(text)) >= 2:  # a labelled paste, at any question
            captured = self._absorb(ctx, text)
            if captured:
                return captured + [self._next(ctx)]
        edit = parse_edit(text, ctx.session.framework, ctx.session.ticket)
        if edit is not None:
            return self.amend(ctx, edit)
        if step == "severity" and _HELP_CHOOSE.search(text) and parse_level(
                text, ctx.session.framework) is None:
            started = self._start_triage(ctx)  # "which would you suggest? walk me through it"
            if started is not None:
                return started
        if ctx.is_act("question") or _asks_likely(ctx, text):
            return None  # answered by the engine; the ticket waits where it was
        if step == "done":
            return [Reply(text="This ticket is confirmed.", buttons=_after_buttons())] if (
                word in CONFIRM_WORDS) else None
        if step == "confirm":
            return self._on_card(ctx, text, word)
        if word in SKIP_WORDS:
            d.skip(ctx.session, _asked(step))
            return [self._next(ctx, "Skipped.")]
        if step == "severity":
            return self._on_severity(ctx, text, word)
        if step == "triage":
            return self._on_triage(ctx, text, word)
        return self._on_answer(ctx, text)

    def pitch(self, ctx: Context, text: str) -> str:
        """What a situation told outside the ticket reads as, offering a ticket from it."""
        framework = ctx.session.framework
        level = framework.level(ctx.brain.classify(text, framework).severity)
        return (f"That sounds like an escalation. From what you describe, I'd grade it Severity "
                f"{level.level} ({escape(level.name)}): first response within "
                f"{hours_text(level.response_hours)}, owned by the {escape(level.owner)}. "
                "Shall I draft a ticket from what you told me?")

    def interject(self, ctx: Context, text: str) -> list[Reply] | None:
        """A ticket edit typed while another mode is active still edits the ticket."""
        has_draft = ctx.session.progress.started_at is not None
        edit = parse_edit(text, ctx.session.framework, ctx.session.ticket) if has_draft else None
        if edit is None:
            return None
        ctx.go(self.name, "confirm" if ctx.session.confirmed_ticket else "ask")
        return self.amend(ctx, edit)

    def prompt(self, ctx: Context) -> Reply:
        step = ctx.session.step
        if step == "done":
            return self._confirmed_reply(ctx, "The ticket is confirmed.")
        if step == "confirm":
            return _card(ctx, "Confirm the ticket, or tell me what to change.")
        if step == "severity":
            return severity_question(ctx, classify=False)
        if step == "triage" and ctx.session.progress.triage_plan:
            return self._triage_question(ctx)
        return self._next(ctx)

    def amend(self, ctx: Context, edit: Edit) -> list[Reply]:
        """Change only the field the edit names; a confirmed ticket goes back to the card."""
        session = ctx.session
        if isinstance(edit, BadSeverity):
            levels = ", ".join(f"{lvl.level} ({lvl.name})" for lvl in session.framework.levels)
            return [Reply(text=f"There is no severity {escape(edit.given)}; choose {levels}.")]
        if isinstance(edit, RemoveAction) and removed_index(
                session.ticket.actions_taken, edit) is None:
            listed = "; ".join(f"{n}. {escape(a)}" for n, a in
                               enumerate(session.ticket.actions_taken, start=1)) or "none yet"
            return [Reply(text=f"Which action? Say its number, e.g. \"remove action 2\". "
                               f"Actions taken: {listed}.")]
        field = _apply(ctx, edit)
        said = "Updated:\n\n" + cards.captured(session, [field])
        if session.confirmed_ticket is not None or session.step in ("confirm", "done"):
            session.confirmed_ticket = None
            ctx.go(self.name, "confirm")
            return [_card(ctx, f"{said}\n\nPlease confirm the updated ticket.")]
        return [self._next(ctx, said)]

    def _absorb(self, ctx: Context, text: str) -> list[Reply]:
        session = ctx.session
        filled = _account_from_words(ctx, text)
        paste = _is_paste(text)
        asking = ctx.is_act("command") and not paste  # "I'd like to draft a ticket"
        if not asking and (paste or len(text.split()) >= DESCRIPTION_WORDS):
            local = in_zone(ctx.now, session.profile.timezone)  # deadlines on their clock
            found = ctx.brain.extract_ticket(text, session.framework, local)
            told = {name for name in FACTS if getattr(found, name)}
            if told - NAMES:  # a situation told: its severity is judged from it
                filled += [f for f in d.merge(session, found, text) if f not in filled]
                d.derive_owner(session)
            elif told:  # only names: a severity judged from them would be a guess
                names = found if d.states_level(text) else found.model_copy(
                    update={"severity": None, "escalation_owner": None})
                filled += [f for f in d.merge(session, names, text) if f not in filled]
                d.derive_owner(session)
        if not filled:
            return []
        summary = cards.captured(session, filled)
        return [Reply(text=f"Here is what I captured:\n\n{summary}", artifacts=[_draft(ctx)])]

    def _on_answer(self, ctx: Context, text: str) -> list[Reply] | None:
        field = _asked(ctx.session.step)
        if command_word(text) in CONTROL_WORDS or text.strip().startswith("[button:"):
            return None  # the engine re-prompts with the question
        if asks_elsewhere(ctx.act):
            return None  # "let's do practice instead": the engine goes there; the draft waits
        long_answer = field in SHORT_FIELDS and len(text.split()) >= DESCRIPTION_WORDS
        if _is_paste(text) or long_answer:
            captured = self._absorb(ctx, text)
            if captured:
                return captured + [self._next(ctx)]
        if field != "timeline_required" and is_only_a_deadline(text):
            field = "timeline_required"  # "by Friday" typed at another question
        level = _only_a_level(text, ctx.session.framework)
        if level is not None:  # "severity 4" typed at another question
            d.set_severity(ctx.session, level)
            return [self._next(ctx, f"Severity {level.level} ({escape(level.name)}).")]
        slot = d.TICKET_FORM[field]
        problem = slot.problem(text, ctx.act)
        if problem is not None and ctx.is_act("company"):
            return None  # the engine offers tailoring; the ticket waits where it was
        if problem is not None:  # the slot is asked again; nothing is stored
            return [self._next(ctx, f"{slot.refusal(problem)} Say `skip` to leave it out.")]
        if field == d.LISTED:  # one action per message, until "done"
            added = d.list_actions(ctx.session, text, command_word(text))
            said = "Noted:\n\n" + cards.captured(ctx.session, [field]) if added else ""
            return [self._next(ctx, said)]
        d.set_field(ctx.session, field, text, ctx.now)
        return [self._next(ctx, "Noted:\n\n" + cards.captured(ctx.session, [field]))]

    def _on_severity(self, ctx: Context, text: str, word: str) -> list[Reply] | None:
        suggestion = ctx.session.progress.suggestion
        suggested = ctx.session.ticket.severity or (suggestion.severity if suggestion else None)
        if word in ACCEPT_WORDS or word.startswith("accept"):
            level = ctx.session.framework.find(suggested) if suggested else None
        else:
            level = parse_level(text, ctx.session.framework)
        if level is None:
            level = _only_a_level(text, ctx.session.framework)  # "lets say sev 2"
        if level is None and triage.read_answer(text) == "no":  # "nope": not that level
            levels = ", ".join(f"{lvl.level} ({lvl.name})" for lvl in ctx.session.framework.levels)
            buttons = severity_question(ctx, classify=False).buttons
            return [Reply(text=f"Which level, then? Choose {escape(levels)}, or ask me to help "
                               "you choose.", buttons=buttons)]
        if level is None:
            # A description typed here still adds to the ticket; it is not lost.
            captured = self._absorb(ctx, text) if len(text.split()) >= 5 else []
            return captured + [self._next(ctx)] if captured else None
        d.set_severity(ctx.session, level)
        return [self._next(ctx, f"Severity {level.level} ({escape(level.name)}).")]

    def _on_triage(self, ctx: Context, text: str, word: str) -> list[Reply]:
        """An answer moves on; a level, "accept" or anything else ends triage."""
        session = ctx.session
        level = parse_level(text, session.framework)
        answer = triage.read_answer(text) if level is None else None
        asked = ctx.library.triage.question(session.progress.triage_plan[0])
        if answer is None or asked is None or word.startswith("accept"):
            return self._end_triage(ctx, text, level)
        triage.record(session, asked, answer)
        if session.progress.triage_plan:
            return [self._triage_question(ctx)]
        return [self._graded_after_triage(ctx)]

    def _end_triage(self, ctx: Context, text: str, level: SeverityLevel | None) -> list[Reply]:
        """Take the level the user named, else the current proposal, and move on."""
        session = ctx.session
        chosen = level or session.framework.find(triage.proposal(session))
        assert chosen is not None  # the proposal is a level of the framework
        _keep_answers(session)
        d.set_severity(session, chosen)
        said = f"Severity {chosen.level} ({escape(chosen.name)})."
        described = [] if level or len(text.split()) < 5 else self._absorb(ctx, text)
        return described + [self._next(ctx, said)]

    def _start_triage(self, ctx: Context) -> list[Reply] | None:
        """The triage questions for the level on the table, asked for by the user."""
        triage.plan(ctx.session, ctx.library.triage)
        if not ctx.session.progress.triage_plan:
            return None
        ctx.go(self.name, "triage")
        return [self._triage_question(ctx)]

    def _triage_question(self, ctx: Context) -> Reply:
        session = ctx.session
        question = ctx.library.triage.question(session.progress.triage_plan[0])
        assert question is not None  # plans only hold keys of the loaded questions
        asked = len(session.progress.triage) + 1
        total = asked + len(session.progress.triage_plan) - 1
        proposal = session.framework.find(triage.proposal(session))
        lead = ""
        if not session.progress.triage and proposal is not None:
            lead = (f"I'm not sure of the level yet: for now I'd say Severity {proposal.level} "
                    f"({escape(proposal.name)}){_hesitation(session, proposal.level)}. "
                    "A few quick questions will settle it.\n\n")
        use = Button(id="accept", label=f"Use Severity {proposal.level}" if proposal else "Accept")
        return Reply(
            text=f"{lead}**{asked} of {total}: {escape(question.ask)}**\n\n"
                 f"_Why I ask: {escape(question.teaches)}_",
            buttons=[*triage.ANSWER_BUTTONS, use],
        )

    def _graded_after_triage(self, ctx: Context) -> Reply:
        """Grade again with the answers, then offer the level as usual."""
        session = ctx.session
        ticket = session.ticket
        heard = triage.heard(session, ctx.library.triage)
        judged = ctx.brain.classify(f"{facts(ticket)} {heard}".strip(), session.framework)
        session.progress.suggestion = judged
        ticket.severity = judged.severity
        ticket.severity_rationale = judged.rationale
        _keep_answers(session)
        ctx.go(self.name, "severity")
        question = severity_question(ctx, classify=False)
        return question.model_copy(update={"text": "Thanks. " + question.text})

    def _on_card(self, ctx: Context, text: str, word: str) -> list[Reply] | None:
        if word in CONFIRM_WORDS:
            return self._confirm(ctx)
        if word == "edit":
            return [Reply(text=EDIT_HELP, buttons=CARD_BUTTONS)]
        if _is_paste(text):
            return self._absorb(ctx, text) + [self._next(ctx)]
        return None

    def _confirm(self, ctx: Context) -> list[Reply]:
        session = ctx.session
        missing = [n for n in REQUIRED if getattr(session.ticket, n) in (None, [])]
        if missing:
            session.progress.skipped = [n for n in session.progress.skipped if n not in missing]
            names = ", ".join(d.LABELS[n] for n in missing)
            return [self._next(ctx, f"Before I can confirm, the ticket needs: {names}.")]
        started = session.progress.started_at or ctx.now
        try:
            ticket = EscalationTicket.from_draft(session.ticket, session.framework, started)
        except ValidationError as exc:
            problems = "\n".join(f"- {escape(p)}" for p in describe_errors(exc))
            return [_card(ctx, f"The ticket is not valid yet:\n{problems}")]
        session.confirmed_ticket = ticket
        ctx.go(self.name, "done")
        return [self._confirmed_reply(ctx, "Ticket confirmed.")]

    def _confirmed_reply(self, ctx: Context, said: str) -> Reply:
        ticket = ctx.session.confirmed_ticket
        assert ticket is not None  # callers check; keeps the type narrow for mypy
        body = cards.ticket_markdown(ticket, ctx.session.framework)
        data = ticket.model_dump(mode="json")
        artifact = Artifact(kind="ticket", title="Escalation ticket", data=data)
        return Reply(text=f"{said}\n\n{body}", artifacts=[artifact], buttons=_after_buttons())

    def _next(self, ctx: Context, said: str = "") -> Reply:
        """Ask the next missing field, the severity, or show the card."""
        session = ctx.session
        d.derive_owner(session)
        field = d.next_field(session)
        lead = f"{said}\n\n" if said else ""
        if field is None:
            ctx.go(self.name, "confirm")
            return _card(ctx, f"{lead}Here is the ticket. Confirm it, or tell me what to change.")
        if field == "severity":
            ctx.go(self.name, "severity")
            question = severity_question(ctx, classify=True)
            if triage.should_start(session, session.progress.suggestion):
                triage.plan(session, ctx.library.triage)
                ctx.go(self.name, "triage")
                question = self._triage_question(ctx)
            return question.model_copy(update={"text": lead + question.text})
        ctx.go(self.name, f"ask:{field}")
        if field == d.LISTED and session.progress.listing:
            return Reply(text=lead + d.MORE, buttons=[DONE])
        return Reply(text=lead + d.QUESTIONS[field], buttons=[SKIP])


def _hesitation(session: CoachSession, proposed: int) -> str:
    """", though it may be Severity 3": the other of the two likeliest levels."""
    suggestion = session.progress.suggestion
    others = [a.severity for a in (suggestion.alternatives if suggestion else [])
              if a.severity != proposed]
    return f", though it may be Severity {others[0]}" if others else ""


def _keep_answers(session: CoachSession) -> None:
    """The triage answers join the severity's rationale, once."""
    said = triage.summary(session)
    reason = session.ticket.severity_rationale or ""
    if said and said not in reason:
        session.ticket.severity_rationale = f"{reason} {said}".strip()


def _apply(ctx: Context, edit: Edit) -> str:
    if isinstance(edit, FieldEdit):
        d.set_field(ctx.session, edit.field, edit.value, ctx.now)
        return edit.field
    if isinstance(edit, AddAction):
        d.add_action(ctx.session, edit.value)
        return "actions_taken"
    if isinstance(edit, RemoveAction):
        index = removed_index(ctx.session.ticket.actions_taken, edit)
        assert index is not None  # amend asks which action otherwise
        actions = ctx.session.ticket.actions_taken
        ctx.session.ticket.actions_taken = actions[:index] + actions[index + 1:]
        return "actions_taken"
    assert isinstance(edit, SetSeverity)
    d.set_severity(ctx.session, edit.level)
    return "severity"


def _card(ctx: Context, said: str) -> Reply:
    return Reply(text=f"{said}\n\n{cards.draft_card(ctx.session)}", buttons=CARD_BUTTONS,
                 artifacts=[_draft(ctx)])


def _draft(ctx: Context) -> Artifact:
    data = ctx.session.ticket.model_dump(mode="json")
    return Artifact(kind="draft", title="Ticket draft", data=data)


def _after_buttons() -> list[Button]:
    return [Button(id="plan", label="Build the action plan"),
            Button(id="drafts", label="Draft the customer update"),
            Button(id="export", label="Export ticket")]


def _asked(step: str) -> str:
    return step.removeprefix("ask:") if step.startswith("ask:") else "severity"


def _is_paste(text: str) -> bool:
    """Several lines, a long text, or two labelled fields ("Account: X. CSM: Y.")."""
    return "\n" in text.strip() or len(text) >= PASTE_CHARS or len(read_labels(text)) >= 2


def _asks_likely(ctx: Context, text: str) -> bool:
    """A likeliest question, though unsure, worded as one: "whats the window on a sev 4 again"."""
    return ctx.act is not None and ctx.act.label == "question" and bool(_QUESTION_WORDS.match(text))


def _only_a_level(text: str, framework: SeverityFramework) -> SeverityLevel | None:
    """The one level a short message names and nothing else: "severity 4", "lets say sev 2"."""
    if len(text.split()) > ONLY_A_LEVEL_WORDS:
        return None
    numbers = mentioned_levels(text)
    return framework.find(numbers.pop()) if len(numbers) == 1 else None


def _account_from_words(ctx: Context, text: str) -> list[str]:
    match = _ACCOUNT.search(text)
    account = match.group("account").strip() if match else ""
    vague = account.split()[0].casefold() in _VAGUE if account else False  # "one of our accounts"
    if not account or account.casefold() in _NOT_ACCOUNTS or vague or ctx.session.ticket.account:
        return []
    ctx.session.ticket.account = account
    return ["account"]

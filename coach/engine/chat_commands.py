"""Commands that work in every mode: help, restart, back, status, export, drafts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coach.domain import Artifact, Button, Reply, SeverityFramework
from coach.engine import comms
from coach.engine.inputs import escape
from coach.engine.modes.base import Context
from coach.engine.views import cards, tailoring
from coach.engine.views.files import export_files
from coach.tailoring.rules import Change
from coach.understanding.customer_safe import customer_facts

Prompt = Callable[[], Reply]
Run = Callable[[Context, Prompt], list[Reply]]

EDIT_EXAMPLES = (
    '"actually the account is Globex Inc", "severity should be 2", "make it a 2", '
    '"add: called their CTO", "step 2 owner: Dana Lee", "remove step 5"'
)


@dataclass(frozen=True)
class Command:
    """A global command: the words that call it (its button id first) and what it does."""

    words: tuple[str, ...]
    run: Run

    @property
    def id(self) -> str:
        return self.words[0]


def _help(ctx: Context, prompt: Prompt) -> list[Reply]:
    modes = "\n".join(f"- **{b.label}**: type `{b.id}`" for b in ctx.menu())
    text = (
        f"What I can do:\n{modes}\n\n"
        "Anywhere: `help`, `status` (what is filled in), `back` (undo the last step), "
        "`restart`, `export` (ticket and plan as Markdown and JSON; `export framework` for a "
        "tailored framework), `drafts` (customer "
        f"update and executive summary), `menu`.\n\nEdit in words: {EDIT_EXAMPLES}. "
        "Every button has a typed equivalent: type its id, or say `skip`, `confirm`, `accept`."
    )
    return [Reply(text=text, buttons=[*ctx.menu(), Button(id="status", label="Status")]), prompt()]


def _restart(ctx: Context, prompt: Prompt) -> list[Reply]:
    """Start over; a ticket being drafted is only thrown away when asked twice in a row."""
    session = ctx.session
    drafted = session.confirmed_ticket is None and any(
        value not in (None, [], False) for name, value in session.ticket
        if name not in ("escalation_owner", "severity_rationale", "severity_unsure"))
    asked = session.data("restart")
    if drafted and asked.get("turn") != session.turns:
        asked["turn"] = session.turns + 1  # the next turn
        return [Reply(text="Starting over throws away the ticket you are drafting. Type "
                           "`restart` again to start over, or carry on.",
                      buttons=[Button(id="restart", label="Start over")]), prompt()]
    session.restart()
    ctx.go("home", "menu")
    return [Reply(text="Started over; your severity framework is kept."), prompt()]


def _back(ctx: Context, prompt: Prompt) -> list[Reply]:
    session = ctx.session
    if not session.history:
        return [Reply(text="There is nothing to go back to."), prompt()]
    *older, last = session.history
    session.restore(last.model_copy(update={"history": older, "turns": session.turns}))
    return [Reply(text="Went back one step."), prompt()]


def _status(ctx: Context, prompt: Prompt) -> list[Reply]:
    session = ctx.session
    lines = [f"Framework: {escape(session.framework.name)}. Mode: {session.mode} ({session.step})."]
    used = session.usage
    lines.append(
        f"Language model: {ctx.brain.mode}; {used.calls} LLM calls and "
        f"{used.prompt_tokens + used.completion_tokens} tokens in this session."
    )
    if session.progress.started_at is not None:
        state = "confirmed" if session.confirmed_ticket else "being drafted"
        lines.append(f"Ticket ({state}):\n\n{cards.draft_card(session)}")
    else:
        lines.append("No ticket yet.")
    plan = session.action_plan
    if plan is not None:
        state = "accepted" if session.plan_accepted else "proposed, not accepted yet"
        lines.append(f"Action plan: {len(plan.steps)} steps, {state}.")
    return [Reply(text="\n\n".join(lines)), prompt()]


def _tailored(ctx: Context) -> tuple[SeverityFramework, list[Change]] | None:
    """The proposal or the accepted tailored framework, with the rule changes behind it."""
    from coach.tailoring.workshop import TailorState

    state = TailorState.model_validate(ctx.session.data("tailor"))
    if ctx.session.proposal is not None:
        return ctx.session.proposal, state.changes
    return (ctx.session.framework, state.changes) if state.accepted else None


def _export_framework(ctx: Context, prompt: Prompt) -> list[Reply]:
    framework, changes = _tailored(ctx) or (ctx.session.framework, [])
    files = tailoring.export_files(framework, changes)
    return [Reply(text=_ready(files), artifacts=[tailoring.artifact(framework,
                                                                    "Severity framework")],
                  export=True)]


def _export(ctx: Context, prompt: Prompt) -> list[Reply]:
    session = ctx.session
    files = export_files(session)
    tailored = _tailored(ctx)
    if tailored is not None:
        files.update(tailoring.export_files(*tailored))
    if not files:
        return [Reply(text="Nothing to export yet: confirm a ticket or tailor a framework "
                           "first."), prompt()]
    artifacts = [] if tailored is None else [tailoring.artifact(tailored[0],
                                                                  "Severity framework")]
    if session.confirmed_ticket is not None:
        data = session.confirmed_ticket.model_dump(mode="json")
        artifacts.append(Artifact(kind="ticket", title="Escalation ticket", data=data))
    if session.action_plan is not None:
        data = session.action_plan.model_dump(mode="json")
        artifacts.append(Artifact(kind="action_plan", title="Action plan", data=data))
    return [Reply(text=_ready(files), artifacts=artifacts, export=True)]


def _ready(files: dict[str, str]) -> str:
    """The export's reply names its files; their content is in the files, not repeated."""
    names = ", ".join(f"`{name}`" for name in files)
    return (f"Export ready: {names}. `status` shows what they hold; \"show the framework\" "
            "shows the framework's table.")


def _drafts(ctx: Context, prompt: Prompt) -> list[Reply]:
    session, ticket = ctx.session, ctx.session.confirmed_ticket
    if ticket is None:
        return [
            Reply(text="The drafts are written from a confirmed ticket; confirm one first."),
            prompt(),
        ]
    drafts = ctx.brain.write_messages(
        comms.message_drafts(ticket, session.framework, ctx.library, ctx.now)
    )
    cadence = comms.cadence_text(ticket, ctx.library)
    replies = []
    for draft in drafts:
        quoted = "\n".join(f"> {escape(line)}" if line else ">" for line in draft.text.splitlines())
        artifact = Artifact(kind="message", title=draft.title, data=draft.model_dump(mode="json"))
        replies.append(Reply(text=f"**{draft.title}**\n\n{quoted}", artifacts=[artifact]))
    due = cards.when(drafts[0].next_update)
    asks = ""
    if customer_facts(ticket).summary_was_internal:
        asks = ("\n\nThe issue summary holds internal detail, so the customer update leaves it "
                "out. Tell me the one line the customer should read (`customer line: ...`), "
                "confirm the ticket again, and the next version uses it.")
    replies.append(
        Reply(
            text=f"Next update due by {due} (Severity {ticket.severity}: every "
            f"{cadence}). Send it even if nothing has changed.{asks}"
        )
    )
    return replies


COMMANDS = (
    Command(("help", "?", "what-can-you-do", "commands"), _help),
    Command(("restart", "start-over", "reset", "new-conversation"), _restart),
    Command(("back", "undo", "go-back", "previous"), _back),
    Command(("status", "where-are-we", "progress", "show-status"), _status),
    Command(("export", "download", "export-ticket", "export-plan", "export-all"), _export),
    Command(("export-framework", "export-the-framework", "download-framework"),
            _export_framework),
    Command(
        (
            "drafts",
            "customer-update",
            "communication-drafts",
            "draft-the-customer-update",
            "executive-summary",
            "exec-summary",
        ),
        _drafts,
    ),
)


def find_command(word: str) -> Command | None:
    """The command a folded word names, if any."""
    return next((c for c in COMMANDS if word in c.words), None)

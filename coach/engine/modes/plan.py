"""Plan mode: propose measurable next steps for a confirmed ticket, edit them, accept the plan."""

from __future__ import annotations

import re

from pydantic import ValidationError

from coach.domain import ActionPlan, Artifact, Button, EscalationTicket, Reply, describe_errors
from coach.engine.inputs import command_word, escape
from coach.engine.modes.base import Context
from coach.engine.planning import edit_plan, propose_plan
from coach.engine.views.cards import plan_markdown
from coach.parsing.deadlines import in_zone

ACCEPT_WORDS = {"accept", "accept-plan", "yes", "y", "ok", "looks-good", "agree"}
_START = re.compile(r"\baction plan\b|\bnext steps\b|\bplan\b", re.IGNORECASE)
EDIT_HELP = ('Change it in words: "step 2 owner: Dana Lee", "step 4 due: in 2 days", '
             '"step 3 metric: ...", "remove step 5", "add step: brief the account executive".')


class PlanMode:
    """Turns a confirmed ticket into an `ActionPlan` with owners, due times and metrics."""

    name = "plan"
    label = "Build an action plan"
    topic = "the action plan"

    def starts(self, text: str) -> bool:
        return bool(_START.search(text))

    def enter(self, ctx: Context, text: str) -> list[Reply]:
        session = ctx.session
        ticket = session.confirmed_ticket
        if ticket is None:
            lead = Reply(text="A plan starts from a confirmed ticket; let's finish that first.")
            return [lead, *ctx.switch("ticket", "")]
        data = session.data(self.name)
        key = _ticket_key(ticket)
        if session.action_plan is None or data.get("ticket") != key:
            session.action_plan = propose_plan(ticket, ctx.library.playbook)
            session.plan_accepted = False
            data["ticket"] = key
            ctx.go(self.name, "review")
            return [self._show(ctx, f"Here is a plan for Severity {ticket.severity}. {EDIT_HELP}")]
        ctx.go(self.name, "done" if session.plan_accepted else "review")
        return [self.prompt(ctx)]

    def handle(self, ctx: Context, text: str) -> list[Reply] | None:
        session = ctx.session
        plan, ticket = session.action_plan, session.confirmed_ticket
        if plan is None or ticket is None:
            return None
        if command_word(text) in ACCEPT_WORDS:
            return [self._accept(ctx, plan)]
        try:
            local = in_zone(ctx.now, session.zone())  # "due Friday" on the company's clock
            result = edit_plan(plan, text, ticket.escalation_owner, local)
        except ValidationError as exc:
            problems = "; ".join(describe_errors(exc))
            return [Reply(text=f"I kept the plan as it was: {escape(problems)}")]
        if result is None:
            return None
        if result.plan is None:
            return [Reply(text=f"I kept the plan as it was: {escape(result.problem or '')}.")]
        session.action_plan = ActionPlan.model_validate(result.plan.model_dump())
        return [self._show(ctx, result.said)]

    def prompt(self, ctx: Context) -> Reply:
        if ctx.session.action_plan is None:
            return Reply(text="Confirm a ticket first, then build its action plan.",
                         buttons=[Button(id="ticket", label="Draft an escalation ticket")])
        if ctx.session.step == "done":
            return self._show(ctx, "The plan is accepted. You can still edit it.")
        return self._show(ctx, f"Accept the plan, or edit it. {EDIT_HELP}")

    def _accept(self, ctx: Context, plan: ActionPlan) -> Reply:
        ctx.session.action_plan = ActionPlan.model_validate(plan.model_dump())
        ctx.session.plan_accepted = True
        ctx.go(self.name, "done")
        return self._show(ctx, "Plan accepted.")

    def _show(self, ctx: Context, said: str) -> Reply:
        plan = ctx.session.action_plan
        assert plan is not None  # callers make the plan first
        data = plan.model_dump(mode="json")
        artifact = Artifact(kind="action_plan", title="Action plan", data=data)
        buttons = [Button(id="export", label="Export"),
                   Button(id="drafts", label="Draft the customer update")]
        if not ctx.session.plan_accepted:
            buttons.insert(0, Button(id="accept-plan", label="Accept plan"))
        return Reply(text=f"{said}\n\n{plan_markdown(plan)}", buttons=buttons, artifacts=[artifact])


def _ticket_key(ticket: EscalationTicket) -> str:
    """What a plan depends on; a change means the plan must be proposed again."""
    parts = (ticket.account, ticket.severity, ticket.csm, ticket.escalation_owner,
             ticket.response_due.isoformat(), ticket.due_by)
    return "|".join(str(p) for p in parts)

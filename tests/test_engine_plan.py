"""After the ticket: an action plan with owners, due times and metrics, and message drafts."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from coach.domain import ActionPlan, MessageDraft
from coach.engine import CoachSession, press
from coach.engine.views.files import export_files
from tests.conftest import NOW
from tests.test_engine_support import GLOBEX_PASTE, button_ids, offline_engine, talk, text_of


def confirmed_session() -> CoachSession:
    engine = offline_engine()
    session = engine.new_session()
    talk(engine, session, [GLOBEX_PASTE, "confirm"])
    assert session.confirmed_ticket is not None
    return session


def test_plan_is_proposed_from_the_ticket_with_owners_and_due_times() -> None:
    engine, session = offline_engine(), confirmed_session()
    replies = talk(engine, session, [press("plan")])
    plan = session.action_plan
    assert plan is not None and "accept-plan" in button_ids(replies)
    actions = [s.action for s in plan.steps]
    assert actions[0].startswith("Send Globex Corporation the first response")
    assert [s.owner for s in plan.steps][:3] == ["CS Director", "CS Director", "Dana Lee"]
    respond = NOW + timedelta(hours=4)
    assert plan.steps[0].due == respond
    assert plan.steps[2].due == respond + timedelta(hours=8)  # Severity 2 cadence
    assert "post-escalation review" in actions[-1]
    assert all(s.due >= respond for s in plan.steps)
    assert all(s.success_metric for s in plan.steps)


def test_plan_edits_add_remove_and_accept() -> None:
    engine, session = offline_engine(), confirmed_session()
    talk(engine, session, ["plan"])
    assert session.action_plan is not None
    count = len(session.action_plan.steps)
    talk(engine, session, ["step 2 owner: Sam Ito", "step 4 due: in 2 days",
                           "add step: brief the account executive", "remove step 1"])
    plan = session.action_plan
    assert len(plan.steps) == count
    assert plan.steps[0].owner == "Sam Ito"
    assert plan.steps[2].due == NOW + timedelta(days=2)
    assert plan.steps[-1].action == "brief the account executive"
    refused = talk(engine, session, ["remove step 42"])
    assert "there is no step 42" in text_of(refused) and len(session.action_plan.steps) == count
    talk(engine, session, [press("accept-plan")])
    assert session.plan_accepted
    ActionPlan.model_validate(session.action_plan.model_dump())
    files = export_files(session)
    exported = json.loads(files["action-plan-globex-corporation.json"])
    assert ActionPlan.model_validate(exported) == session.action_plan


def test_plan_before_a_ticket_goes_to_drafting_first() -> None:
    engine = offline_engine()
    session = engine.new_session()
    replies = talk(engine, session, ["let's make an action plan"])
    assert session.mode == "ticket" and session.action_plan is None
    assert "confirmed ticket" in replies[0].text


def test_drafts_fill_the_templates_and_give_the_next_update_time() -> None:
    engine, session = offline_engine(), confirmed_session()
    replies = talk(engine, session, ["drafts"])
    drafts = [MessageDraft.model_validate(a.data) for r in replies for a in r.artifacts]
    customer, internal = drafts
    assert customer.audience == "customer" and internal.audience == "internal"
    assert customer.text.startswith("Subject: Globex Corporation: update on your escalation")
    assert "Severity 2 (High)" in customer.text and "Dana Lee" in customer.text
    assert "{" not in customer.text + internal.text  # every placeholder was filled
    # Severity 2: first response due at NOW + 4 hours, then an update every 8 hours after it.
    assert customer.next_update == NOW + timedelta(hours=4 + 8)
    assert "every 8 hours" in replies[-1].text
    talk(engine, session, ["plan"])
    assert session.action_plan is not None
    update_step = next(s for s in session.action_plan.steps if "customer update" in s.action)
    assert update_step.due == customer.next_update  # the plan and the drafts agree


def test_drafts_need_a_confirmed_ticket() -> None:
    engine = offline_engine()
    session = engine.new_session()
    replies = talk(engine, session, ["drafts"])
    assert "confirm one first" in text_of(replies)


INTERNAL_PASTE = """From: Jordan Lee <jordan@ourco.example>
Sent: Tuesday 09:12
Subject: FW: Globex outage

Account: Globex Corp, $180k ARR, renews in May
CSM: me, Jordan Lee
Severity: 1
Issue: Their whole team has been locked out since 8am. Support (Marco) opened ENG-4412.
Impact: No one at Globex can work; the renewal worth $180k is at risk.
Actions taken:
- called their CTO at 3pm
- opened JIRA ENG-4412 with engineering
- restored their admin access
Resolution requested: restore access for every user
Timeline: by end of day

Thanks,
Jordan Lee | Customer Success Manager | OurCo"""


def test_the_customer_update_carries_no_internal_text() -> None:
    engine = offline_engine()
    session = engine.new_session()
    talk(engine, session, [INTERNAL_PASTE, "confirm"])
    assert session.confirmed_ticket is not None
    replies = talk(engine, session, ["drafts"])
    customer = next(MessageDraft.model_validate(a.data) for r in replies for a in r.artifacts
                    if a.data.get("audience") == "customer")
    text = customer.text.casefold()
    for leak in ("$", "arr", "renews", "eng-4412", "jira", "marco", "3pm", "from:", "sent:",
                 "subject: fw", "ourco", "i, me", "me, jordan"):
        assert leak not in text, leak
    assert "hi globex corp team" in text and "jordan lee" in text
    assert "locked out since 8am" in text and "restored their admin access" in text
    assert "restore access for every user" in text


def test_an_internal_summary_is_left_out_and_a_customer_line_asked_for() -> None:
    engine = offline_engine()
    session = engine.new_session()
    paste = INTERNAL_PASTE.replace(
        "Their whole team has been locked out since 8am. Support (Marco) opened ENG-4412.",
        "Marco opened ENG-4412 after the $180k renewal call.")
    talk(engine, session, [paste, "confirm"])
    replies = talk(engine, session, ["drafts"])
    customer = next(MessageDraft.model_validate(a.data) for r in replies for a in r.artifacts
                    if a.data.get("audience") == "customer")
    assert "marco" not in customer.text.casefold()
    assert "investigating the issue you reported" in customer.text
    assert "customer line:" in text_of(replies)
    talk(engine, session, ["customer line: Nobody on your team can sign in since 8am.",
                           "confirm"])
    replies = talk(engine, session, ["drafts"])
    customer = next(MessageDraft.model_validate(a.data) for r in replies for a in r.artifacts
                    if a.data.get("audience") == "customer")
    assert "Nobody on your team can sign in since 8am" in customer.text
    assert "customer line:" not in text_of(replies)


def test_a_plan_step_due_friday_is_due_on_the_company_s_clock() -> None:
    engine, session = offline_engine(), confirmed_session()
    session.framework = session.framework.model_copy(update={"timezone": "America/New_York"})
    talk(engine, session, ["plan", "step 2 due: by Friday"])
    assert session.action_plan is not None
    due = session.action_plan.steps[1].due.astimezone(ZoneInfo("America/New_York"))
    assert (due.strftime("%A"), due.hour) == ("Friday", 17)

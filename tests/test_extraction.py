"""Ticket extraction from templates and prose, and deadlines counted from an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach.domain import Classification, EscalationTicket, SeverityFramework, TicketDraft
from coach.domain.clock import Clock
from coach.parsing.deadlines import due_by, find_deadline
from coach.search.embeddings import local_embedder
from coach.settings import Settings
from coach.understanding.classifier import SeverityClassifier
from coach.understanding.extraction import extract_ticket, stated_severity
from tests.conftest import EVAL, KNOWLEDGE, NOW
from tools.evaluate import load_jsonl, ticket_report


@pytest.fixture(scope="module")
def classifier(settings: Settings) -> SeverityClassifier:
    return SeverityClassifier.from_knowledge(KNOWLEDGE, local_embedder(settings.models_dir))


def test_field_accuracy_on_the_evaluation_set(
    classifier: SeverityClassifier, seed: SeverityFramework
) -> None:
    def extract(text: str, framework: SeverityFramework, now: datetime) -> TicketDraft:
        return extract_ticket(text, framework, now, classify=classifier.classify)

    accuracy, wrong = ticket_report(extract, seed, load_jsonl(EVAL / "tickets.jsonl"), NOW)
    assert accuracy >= 0.97, wrong


def test_labelled_template_with_bullets_on_following_lines(
    classifier: SeverityClassifier, seed: SeverityFramework, clock: Clock
) -> None:
    text = ("ACCOUNT:\nUmbrella Corp\nSEVERITY: Sev 2 (High)\nCSM: Lee Park\nISSUE SUMMARY:\n"
            "Exports fail.\nBUSINESS IMPACT: 30 analysts re-run reports by hand.\nACTIONS TAKEN:\n"
            "- Opened ENG-1\n* Sent steps\n☐ Called their admin\nRESOLUTION REQUESTED: A hotfix\n"
            "TIMELINE REQUIRED: Within 2 hours")
    draft = extract_ticket(text, seed, clock(), classify=classifier.classify)
    assert (draft.account, draft.severity, draft.csm) == ("Umbrella Corp", 2, "Lee Park")
    assert draft.actions_taken == ["Opened ENG-1", "Sent steps", "Called their admin"]
    assert draft.escalation_owner == "CS Director"
    assert draft.due_by == NOW + timedelta(hours=2)
    assert draft.missing() == []
    ticket = EscalationTicket.from_draft(draft, seed, clock())
    assert ticket.response_due == NOW + timedelta(hours=4)


def test_prose_gives_only_what_it_says(
    classifier: SeverityClassifier, seed: SeverityFramework, clock: Clock
) -> None:
    text = ("Initech, my account (I'm Sam Park), says they will cancel at renewal because "
            "invoices double-charge 400 seats, about $90k ARR. I've opened a P1 with engineering. "
            "We need a billing fix by Friday.")
    draft = extract_ticket(text, seed, clock(), classify=classifier.classify)
    assert (draft.account, draft.csm) == ("Initech", "Sam Park")
    judged = classifier.classify(text, seed)  # the judge's level, not the engineering "P1"
    assert (draft.severity, draft.severity_rationale) == (judged.severity, judged.rationale)
    assert draft.business_impact and "$90k ARR" in draft.business_impact
    assert draft.actions_taken == ["I've opened a P1 with engineering"]
    assert draft.resolution_requested and "billing fix" in draft.resolution_requested
    assert draft.timeline_required == "by Friday"
    assert draft.due_by == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


def test_a_pasted_chat_is_read_without_its_times_and_speakers(
    classifier: SeverityClassifier, seed: SeverityFramework, clock: Clock
) -> None:
    text = ("[10:02] Dana Li: Globex is fully down since 9, nobody can log in\n"
            "[10:03] Sam: I paged on-call and opened an incident\n"
            "[10:05] Dana Li: I am their CSM, they need it back by noon")
    draft = extract_ticket(text, seed, clock(), classify=classifier.classify)
    assert (draft.account, draft.csm) == ("Globex", "Dana Li")
    assert draft.issue_summary == "Globex is fully down since 9, nobody can log in."
    assert draft.actions_taken == ["I paged on-call and opened an incident"]
    assert draft.timeline_required == "by noon"


def test_nothing_is_guessed(seed: SeverityFramework, clock: Clock) -> None:
    def never(text: str, framework: SeverityFramework) -> Classification:
        level = framework.levels[3]
        return Classification(severity=4, name=level.name, owner=level.owner,
                              response_hours=level.response_hours, rationale="stub", confidence=0.5)

    draft = extract_ticket("The export button is a bit slow.", seed, clock(), classify=never)
    assert draft.account is None and draft.csm is None and draft.timeline_required is None
    assert draft.due_by is None and draft.actions_taken == []
    assert "account" in draft.missing() and "csm" in draft.missing()
    assert (draft.severity, draft.escalation_owner, draft.severity_rationale) == (4, "CSM", "stub")


@pytest.mark.parametrize(("text", "level"), [
    ("this is a sev 1: all users are down", 1), ("P3 for Stellate Pharma.", 3),
    ("SEVERITY: 2", 2), ("I opened a P1 with engineering.", None), ("Low priority one.", None),
    ("It's 2 days late.", None), ("Filed engineering ticket P2 yesterday", None),
])
def test_stated_severity(text: str, level: int | None) -> None:
    assert stated_severity(text) == level


@pytest.mark.parametrize(("phrase", "due"), [
    ("within 4 hours", NOW + timedelta(hours=4)),
    ("within 3 business days", datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),  # Thu -> Tue
    ("by end of day Thursday", datetime(2026, 11, 26, 17, 0, tzinfo=UTC)),
    ("by tomorrow", datetime(2026, 11, 27, 17, 0, tzinfo=UTC)),
    ("by next Wednesday", datetime(2026, 12, 2, 17, 0, tzinfo=UTC)),
    ("before their board meeting on March 3", datetime(2027, 3, 3, 17, 0, tzinfo=UTC)),
    ("before their weekend sale starts", None),
])
def test_deadlines_from_the_clock(phrase: str, due: datetime | None) -> None:
    match = find_deadline(f"They want it {phrase}.")
    assert match is not None and match.group(0) == phrase
    assert due_by(match, NOW) == due


@pytest.mark.parametrize(("text", "expected"), [
    ("Hi team, Sam here. Globex says reports are broken; we need a fix within 4 hours.",
     {"account": "Globex", "csm": "Sam", "timeline_required": "within 4 hours"}),
    ("Umbrella Corp (CSM: Lee Wong) lost $50k in orders; I've paged on-call. "
     "Need RCA by 2026-12-01.",
     {"account": "Umbrella Corp", "csm": "Lee Wong", "timeline_required": "by 2026-12-01"}),
    ("I'm Priya, their CSM. The EMEA team at Contoso can't log in since the SSO change. "
     "They need it fixed by noon.",
     {"account": "Contoso", "csm": "Priya", "timeline_required": "by noon"}),
])
def test_other_common_ways_of_naming_account_csm_and_deadline(
    classifier: SeverityClassifier, seed: SeverityFramework, clock: Clock, text: str,
    expected: dict[str, str],
) -> None:
    draft = extract_ticket(text, seed, clock(), classify=classifier.classify)
    for name, value in expected.items():
        assert getattr(draft, name) == value
    assert draft.due_by is not None


def test_impact_and_action_in_one_sentence_are_told_apart(
    classifier: SeverityClassifier, seed: SeverityFramework, clock: Clock
) -> None:
    text = "Umbrella Corp lost $50k in orders; I've paged on-call."
    draft = extract_ticket(text, seed, clock(), classify=classifier.classify)
    assert draft.business_impact and "$50k" in draft.business_impact
    assert draft.actions_taken == ["I've paged on-call"]


@pytest.mark.parametrize(("phrase", "hours"), [
    ("in 2 days", 48), ("in 30 minutes", 0.5), ("within the hour", 1), ("by noon", 2),
    ("by 5pm", 7), ("by 2026-12-01", 127),
])
def test_more_deadline_phrases_fall_due(clock: Clock, phrase: str, hours: float) -> None:
    match = find_deadline(f"We need it {phrase}.")
    assert match is not None and match.group(0) == phrase
    due = due_by(match, clock())
    assert due is not None and (due - clock()).total_seconds() / 3600 == hours


def test_asap_is_kept_in_words_with_no_due_time(clock: Clock) -> None:
    match = find_deadline("They want it fixed ASAP.")
    assert match is not None and due_by(match, clock()) is None

"""The schemas accept what the framework allows and explain what they reject."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from coach.domain import (
    ActionPlan,
    CompanyProfile,
    EscalationTicket,
    SeverityFramework,
    TicketDraft,
    UnknownLevelError,
    describe_errors,
    json_schemas,
)
from tests.conftest import NOW


def _levels(hours: list[float]) -> list[dict[str, object]]:
    return [
        {
            "level": i,
            "name": f"L{i}",
            "definition": "d",
            "response_hours": h,
            "owner": "CSM",
            "examples": ["e"],
        }
        for i, h in enumerate(hours, start=1)
    ]


def _problems(data: dict[str, object]) -> str:
    with pytest.raises(ValidationError) as caught:
        SeverityFramework.model_validate(data)
    return "\n".join(describe_errors(caught.value))


def test_seed_framework_has_the_seed_matrix(seed: SeverityFramework) -> None:
    assert [lvl.response_hours for lvl in seed.levels] == [1, 4, 24, 48]
    assert [lvl.owner for lvl in seed.levels] == [
        "VP CS + Executive",
        "CS Director",
        "CS Manager",
        "CSM",
    ]
    assert seed.levels[0].examples == [
        "Complete outage",
        "Data breach concern",
        "Cancellation threat",
    ]


@pytest.mark.parametrize(
    ("ref", "number"),
    [
        (1, 1),
        ("Critical", 1),
        ("sev 1", 1),
        ("S1", 1),
        ("P1", 1),
        ("high", 2),
        ("Severity 3", 3),
        ("sev-4", 4),
        ("level two", 2),
        ("  MEDIUM ", 3),
    ],
)
def test_lookup_by_number_or_name(seed: SeverityFramework, ref: int | str, number: int) -> None:
    assert seed.level(ref).level == number


def test_unknown_level_lists_the_valid_ones(seed: SeverityFramework) -> None:
    with pytest.raises(UnknownLevelError, match="valid levels are 1 \\(Critical\\)"):
        seed.level("sev 9")
    assert seed.find("banana") is None


def test_level_count_must_be_three_to_six() -> None:
    assert "3 to 6 levels" in _problems({"name": "x", "levels": _levels([1, 4])})
    assert "3 to 6 levels" in _problems({"name": "x", "levels": _levels([1] * 7)})


def test_levels_must_be_numbered_without_gaps() -> None:
    levels = _levels([1, 4, 24])
    levels[2]["level"] = 4
    assert "numbered 1 to 3" in _problems({"name": "x", "levels": levels})


def test_names_must_be_unique() -> None:
    levels = _levels([1, 4, 24])
    levels[1]["name"] = "l1"
    assert "unique" in _problems({"name": "x", "levels": levels})


def test_response_time_never_shrinks_as_severity_drops() -> None:
    assert "may not respond faster" in _problems({"name": "x", "levels": _levels([4, 1, 24])})


def test_errors_name_the_field_and_say_how_to_fix() -> None:
    levels = _levels([1, 4, 24])
    levels[1]["response_hours"] = 0
    levels[2]["examples"] = []
    del levels[0]["owner"]
    text = _problems({"name": "x", "levels": levels, "colour": "red"})
    assert "levels.1.response_hours: response time must be more than 0 hours" in text
    assert "levels.2.examples: add at least one example" in text
    assert "levels.0.owner: is required but missing; add it" in text
    assert "colour: is not a known field" in text


def test_ticket_derives_response_due_from_the_level(seed: SeverityFramework) -> None:
    draft = TicketDraft(
        account="Globex",
        severity=2,
        csm="Dana",
        issue_summary="Exports fail",
        business_impact="60 analysts blocked",
        resolution_requested="Hotfix",
        escalation_owner="CS Director",
        actions_taken=["Opened ENG-1"],
    )
    ticket = EscalationTicket.from_draft(draft, seed, NOW)
    assert ticket.response_due == NOW + timedelta(hours=4)
    assert ticket.created_at.tzinfo is not None


def test_ticket_rejects_naive_times_and_unknown_levels(seed: SeverityFramework) -> None:
    draft = TicketDraft(
        account="A",
        severity=5,
        csm="C",
        issue_summary="s",
        business_impact="b",
        resolution_requested="r",
        escalation_owner="o",
    )
    with pytest.raises(ValidationError):
        EscalationTicket.from_draft(draft, seed, NOW)
    with pytest.raises(ValidationError):
        EscalationTicket.from_draft(
            draft.model_copy(update={"severity": 1}), seed, NOW.replace(tzinfo=None)
        )


def test_draft_lists_missing_fields_in_template_order() -> None:
    assert TicketDraft(account="A", csm="C").missing() == [
        "severity",
        "issue_summary",
        "business_impact",
        "actions_taken",
        "resolution_requested",
        "timeline_required",
        "escalation_owner",
    ]


def test_profile_and_plan_validate() -> None:
    profile = CompanyProfile(stage="series-a", cs_roles=["CSM"], coverage="business-hours")
    assert profile.customer_count is None
    with pytest.raises(ValidationError):
        CompanyProfile(stage="unicorn")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        ActionPlan(steps=[])


def test_every_model_exports_a_json_schema() -> None:
    schemas = json_schemas()
    assert {
        "SeverityFramework",
        "EscalationTicket",
        "TicketDraft",
        "ActionPlan",
        "CompanyProfile",
        "Reply",
    } <= set(schemas)
    assert schemas["EscalationTicket"]["additionalProperties"] is False


def test_every_broken_invariant_is_listed_in_plain_words() -> None:
    levels = _levels([4, 1, 24])
    levels[1]["name"] = "l1"
    levels[2]["response_hours"] = "soon"
    text = _problems({"name": "x", "levels": levels})
    assert "levels.2.response_hours: must be a number" in text
    levels[2]["response_hours"] = 24
    lines = _problems({"name": "x", "levels": levels}).splitlines()
    assert any("unique" in line for line in lines)
    assert any("may not respond faster" in line for line in lines)

"""Tailoring rules: six contrasting profiles, each rule's effect, every proposal valid."""

from __future__ import annotations

import pytest

from coach.domain import CompanyProfile, ContractualSLA, SeverityFramework
from coach.tailoring.edits import edit_summary
from coach.tailoring.rules import framework_name, load_rules
from coach.tailoring.workshop import TailorState, Workshop
from tests.conftest import KNOWLEDGE

PROFILES: dict[str, tuple[CompanyProfile, set[str]]] = {
    "seed startup with 2 CSMs": (
        CompanyProfile(stage="seed", segments=["smb"], cs_team_size=2, cs_roles=["CSM"],
                       coverage="business-hours", timezone="UK"),
        {"owners-are-roles-you-have", "business-hours-on-call-path",
         "business-hours-severity-2-clock", "examples-for-smb", "small-team-handles-low"},
    ),
    "enterprise with 24x7 and contracts": (
        CompanyProfile(stage="enterprise", segments=["enterprise"], cs_team_size=60,
                       cs_roles=["VP CS", "CS Director", "CS Manager", "CSM"], coverage="24x7",
                       contractual_slas=[ContractualSLA(severity=1, response_hours=0.25)]),
        # The contract already beats the 30 minutes a staffed team would get.
        {"contracts-set-the-ceiling", "examples-for-enterprise"},
    ),
    "series A without a VP CS": (
        CompanyProfile(stage="series-a", segments=["mid-market"], cs_team_size=9,
                       cs_roles=["Head of CS", "CS Manager", "CSM"], coverage="business-hours"),
        {"owners-are-roles-you-have", "business-hours-on-call-path",
         "business-hours-severity-2-clock", "examples-for-mid-market"},
    ),
    "growth, follow-the-sun, strict severity 2 contract": (
        CompanyProfile(stage="growth", segments=["enterprise", "mid-market"],
                       cs_roles=["VP CS", "CS Director", "CS Manager", "CSM"],
                       coverage="follow-the-sun",
                       contractual_slas=[ContractualSLA(severity=2, response_hours=2)]),
        {"contracts-set-the-ceiling", "staffed-around-the-clock", "follow-the-sun-handover",
         "examples-for-enterprise"},
    ),
    "series B, regulated data, extended hours": (
        CompanyProfile(stage="series-b", segments=["mid-market"], cs_team_size=15,
                       cs_roles=["CS Director", "CS Manager", "CSM", "Support Lead"],
                       coverage="extended-hours",
                       critical_concerns=["data-sensitivity", "compliance"],
                       contractual_slas=[ContractualSLA(severity=2, response_hours=0.5)]),
        {"owners-are-roles-you-have", "contracts-set-the-ceiling", "business-hours-on-call-path",
         "business-hours-severity-2-clock", "examples-for-mid-market", "data-sensitivity",
         "compliance"},
    ),
    "pre-seed founders, concentrated revenue, many escalations": (
        CompanyProfile(stage="pre-seed", segments=["enterprise"], cs_team_size=1,
                       cs_roles=["Founder"], coverage="business-hours",
                       critical_concerns=["revenue-concentration", "uptime"],
                       monthly_escalations=45),
        {"owners-are-roles-you-have", "business-hours-on-call-path",
         "business-hours-severity-2-clock", "examples-for-enterprise", "revenue-concentration",
         "uptime", "high-volume-triage", "small-team-handles-low"},
    ),
    "series A on weekdays, weekends for severity 1 only": (
        CompanyProfile(stage="series-a", segments=["smb"], cs_roles=["Head of CS", "CSM"],
                       coverage="business-hours", timezone="America/New_York",
                       weekend_levels=[1]),
        # No weekday-night on-call for Severity 2 either: the team said who works off hours.
        {"owners-are-roles-you-have", "business-hours-on-call-path",
         "weekend-coverage-for-some-levels", "examples-for-smb"},
    ),
}


@pytest.fixture(scope="module")
def workshop() -> Workshop:
    return Workshop.load(KNOWLEDGE)


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_profile_gets_a_valid_proposal_with_every_change_explained(
    name: str, workshop: Workshop
) -> None:
    profile, expected_rules = PROFILES[name]
    proposal = workshop.propose(profile, TailorState())
    framework = proposal.framework
    assert {c.rule for c in proposal.changes} == expected_rules
    SeverityFramework.model_validate(framework.model_dump())  # schema invariants hold
    roles = {r.casefold() for r in [*profile.cs_roles, *workshop.extra(profile)]}
    for lvl in framework.levels:
        assert all(part.strip().casefold() in roles for part in lvl.owner.split("+"))
    for change in proposal.changes:
        assert change.why and "{" not in change.why and change.before != change.after


def test_owners_are_mapped_to_roles_that_exist(workshop: Workshop) -> None:
    seed_startup = workshop.propose(PROFILES["seed startup with 2 CSMs"][0], TailorState())
    assert [lvl.owner for lvl in seed_startup.framework.levels] == [
        "Founder + CSM", "Founder", "CSM", "CSM"]
    series_a = workshop.propose(PROFILES["series A without a VP CS"][0], TailorState())
    owners = [lvl.owner for lvl in series_a.framework.levels]
    assert owners == ["Head of CS + Executive", "Head of CS", "CS Manager", "CSM"]
    why = next(c.why for c in series_a.changes if c.level == 1 and c.field == "owner")
    assert "no VP CS" in why


def test_contracts_tighten_response_times_and_keep_levels_in_order(workshop: Workshop) -> None:
    enterprise = workshop.propose(PROFILES["enterprise with 24x7 and contracts"][0], TailorState())
    assert enterprise.framework.levels[0].response_hours == 0.25
    regulated = workshop.propose(PROFILES["series B, regulated data, extended hours"][0],
                                 TailorState())
    hours = [lvl.response_hours for lvl in regulated.framework.levels]
    assert hours[:2] == [0.5, 0.5]  # severity 1 knocked on to stay no slower than severity 2
    assert any("as well" in c.why for c in regulated.changes if c.level == 1)


def test_business_hours_give_severity_1_an_on_call_path_and_explain_17_30(
    workshop: Workshop,
) -> None:
    proposal = workshop.propose(PROFILES["seed startup with 2 CSMs"][0], TailorState())
    level_1 = proposal.framework.levels[0]
    assert "on-call" in level_1.definition and "(UK)" in level_1.definition
    why = next(c.why for c in proposal.changes if c.rule == "business-hours-on-call-path")
    assert "17:30" in why and "18:30" in why


def test_examples_are_rewritten_for_the_segment(workshop: Workshop) -> None:
    smb = workshop.propose(PROFILES["seed startup with 2 CSMs"][0], TailorState()).framework
    enterprise = workshop.propose(PROFILES["enterprise with 24x7 and contracts"][0],
                                  TailorState()).framework
    assert "owner-run business" in smb.levels[0].examples[0]
    assert "Single sign-on" in enterprise.levels[0].examples[0]
    assert smb.levels[0].examples != enterprise.levels[0].examples




def test_every_rule_in_the_data_fires_for_some_profile_and_has_its_effect(
    workshop: Workshop,
) -> None:
    fired: set[str] = set()
    for profile, _ in PROFILES.values():
        proposal = workshop.propose(profile, TailorState())
        levels = {lvl.level: lvl for lvl in proposal.framework.levels}
        for rule in workshop.book.rules:
            if not any(c.rule == rule.id for c in proposal.changes):
                continue
            fired.add(rule.id)
            spec = rule.change
            for number, candidates in spec.owners.items():
                assert levels[number].owner in [*candidates, workshop.seed.levels[number - 1].owner]
            for number, hours in spec.response.items():
                assert levels[number].response_hours <= hours
            for number, note in spec.note.items():
                assert note.split("(")[0].split(":")[0].strip() in levels[number].definition
            if spec.unstaffed_note:
                opening = spec.unstaffed_note.split(":")[0]
                assert [n for n, lvl in levels.items() if opening in lvl.definition] == [
                    n for n in levels if n not in profile.weekend_levels]
            for number, examples in spec.examples.items():
                assert set(examples) <= set(levels[number].examples)
            for number, examples in spec.add_examples.items():
                assert set(examples) <= set(levels[number].examples)
            for sla in profile.contractual_slas if spec.meet_contracts else []:
                assert levels[sla.severity].response_hours <= sla.response_hours
    assert fired == {rule.id for rule in workshop.book.rules}


@pytest.mark.parametrize(("stage", "name"), [
    ("enterprise", "Escalation framework for an Enterprise company"),
    ("growth", "Escalation framework for a Growth company"),
    ("series-a", "Escalation framework for a Series A company"),
])
def test_the_framework_name_takes_the_right_article(stage: str, name: str) -> None:
    book = load_rules(KNOWLEDGE)
    assert framework_name(CompanyProfile(stage=stage), book) == name


def test_an_edit_summary_leaves_the_closing_full_stop_to_its_sentence(
    seed: SeverityFramework,
) -> None:
    level = seed.levels[0].model_copy(update={"definition": "Total outage. Page the on-call."})
    after = seed.model_copy(update={"levels": [level, *seed.levels[1:]]})
    said = f"Updated the proposal. {edit_summary(seed, after, 1)}."
    assert said.endswith("Page the on-call.") and ".." not in said


def test_a_response_edit_is_not_a_contract_and_never_breaks_the_order() -> None:
    from tests.test_engine_support import offline_engine, talk, text_of

    engine = offline_engine()
    session = engine.new_session()
    talk(engine, session, ["tailor", "we're a series B startup, mid-market, CSMs, a CS director,"
                           " a VP CS and support engineers, 9-6 ET weekdays, no contract SLAs"])
    assert session.proposal is not None
    talk(engine, session, ["make sev 3 respond within 8 hours"])
    before = session.proposal.model_copy(deep=True)
    assert before.level(3).response_hours == 8
    faster = text_of(talk(engine, session, ["make sev 3 respond in 30 minutes"]))
    assert "can't make Severity 3 faster than Severity 2" in faster and "Choose at least" in faster
    slower = text_of(talk(engine, session, ["make sev 1 respond in 100 hours"]))
    assert "can't make Severity 1 slower than Severity 2" in slower
    assert session.proposal == before  # nothing changed, the earlier edit stays
    assert not session.profile.contractual_slas  # a level's response time is not a contract


def test_roles_added_later_and_changes_never_silent() -> None:
    from tests.test_engine_support import offline_engine, talk, text_of

    engine = offline_engine()
    session = engine.new_session()
    talk(engine, session, ["tailor", "we're a series B startup, mid-market, CSMs, a CS "
                           "director, a VP CS, 9-6 ET weekdays, no contractual SLAs"])
    talk(engine, session, ["we also have 1 support engineer"])
    assert "Support Engineer" in session.profile.cs_roles
    talk(engine, session, ["sev 4 owner is the Support Engineer"])
    assert session.proposal is not None and session.proposal.level(4).owner == "Support Engineer"
    before = session.proposal.model_copy(deep=True)
    said = text_of(talk(engine, session, ["we don't have a VP, the Head of CS owns sev 1"]))
    after = session.proposal
    changed = {(a.level, f) for a, b in zip(before.levels, after.levels, strict=True)
               for f in ("owner", "response_hours", "definition", "examples")
               if getattr(a, f) != getattr(b, f)}
    for level, field in changed:  # every change is named in the reply
        assert f"Severity {level} " in said, (level, field)
    assert after.level(1).owner == "Head of CS + Executive"


def test_a_contract_sla_needs_contract_words() -> None:
    import yaml

    from coach.tailoring.guide import Guide
    from coach.tailoring.profile_parser import understand

    guide = Guide.model_validate(
        yaml.safe_load((KNOWLEDGE / "tailoring_questions.yaml").read_text(encoding="utf-8")))
    assert "contractual_slas" not in understand("make sev 1 respond in 100 hours", guide).fields
    promised = understand("our contracts promise sev 1 within 30 minutes", guide).fields
    assert promised["contractual_slas"] == [{"severity": 1, "response_hours": 0.5}]
    asked = understand("sev 1 within 2 hours", guide, asked="slas").fields
    assert asked["contractual_slas"] == [{"severity": 1, "response_hours": 2.0}]


@pytest.mark.parametrize(("said", "zone"), [
    ("9 to 6 eastern, mon-fri", "America/New_York"), ("9-6 ET weekdays", "America/New_York"),
    ("business hours, we're in New York", "America/New_York"),
    ("business hours CET", "Europe/Berlin"), ("24x7 from London", "Europe/London"),
])
def test_the_time_zone_is_kept_as_an_iana_name(said: str, zone: str) -> None:
    from tests.test_engine_support import offline_engine, talk

    engine = offline_engine()
    session = engine.new_session()
    talk(engine, session, ["tailor", f"series B, mid-market, CSMs and a VP CS, {said}"])
    assert session.profile.timezone == zone
    if zone == "America/New_York":  # the framework's words use the name people know
        assert session.proposal is not None
        assert "(US Eastern)" in session.proposal.level(1).definition


def test_an_edit_shows_what_changed_and_the_table_comes_when_asked() -> None:
    from tests.test_engine_support import offline_engine, talk, text_of

    engine = offline_engine()
    session = engine.new_session()
    talk(engine, session, ["tailor", "series B, mid-market, CSMs and a VP CS, 9-6 ET weekdays"])
    edited = text_of(talk(engine, session, ["make sev 3 respond within 8 hours"]))
    assert "response 24 hours → 8 hours" in edited and "| Level |" not in edited
    assert "| Level |" in text_of(talk(engine, session, ["show the framework"]))
    accepted = text_of(talk(engine, session, ["accept"]))
    assert "is now your active framework" in accepted and "| Level |" in accepted


@pytest.mark.parametrize(("said", "levels"), [
    ("add weekend coverage for sev 1 only", [1]),
    ("on weekends we only handle P1 and P2", [1, 2]),
    ("sev 1-2 only at weekends", [1, 2]),
    ("we cover sat/sun for severity 1 and severity 2", [1, 2]),
])
def test_weekend_coverage_for_some_levels_is_understood(said: str, levels: list[int]) -> None:
    from tests.test_engine_support import offline_engine, talk, text_of

    engine = offline_engine()
    session = engine.new_session()
    talk(engine, session, ["tailor", "series B, mid-market, CSMs and a VP CS, 9-6 ET weekdays"])
    said_back = text_of(talk(engine, session, [said]))
    assert session.profile.weekend_levels == levels
    assert session.proposal is not None
    unstaffed = [lvl.level for lvl in session.proposal.levels
                 if "Not worked at weekends" in lvl.definition]
    assert unstaffed == [n for n in range(1, 5) if n not in levels]
    # A re-proposal says what changed, one line per rule, and leaves the table for "show".
    assert "| Level |" not in said_back and 'Say "show the framework"' in said_back
    assert said_back.count("(weekend-coverage-for-some-levels)") == 1


def test_a_weekend_mentioned_in_passing_is_no_coverage() -> None:
    from coach.tailoring.guide import load_guide
    from coach.tailoring.profile_parser import understand

    told = understand("a sev 1 happened last weekend", load_guide(KNOWLEDGE))
    assert "weekend_levels" not in told.fields and not told.answered


@pytest.mark.parametrize(("said", "unsure", "offered", "answer", "zone"), [
    ("9 to 5 IST, weekdays", "IST", ["india", "ireland", "israel"], "india", "Asia/Kolkata"),
    ("9-5 CST", "CST", ["us-central", "china"], "[button:china]", "Asia/Shanghai"),
    ("business hours, 9-6 weekdays", None, None, "Dublin", "Europe/Dublin"),
])
def test_an_ambiguous_or_missing_time_zone_is_asked_for(
    said: str, unsure: str | None, offered: list[str] | None, answer: str, zone: str,
) -> None:
    from tests.test_engine_support import button_ids, offline_engine, talk

    engine = offline_engine()
    session = engine.new_session()
    asked = talk(engine, session, ["tailor", "series B, mid-market, CSMs and a VP CS", said])
    assert session.step == "ask:timezone" and session.profile.timezone is None
    question = asked[-1]
    if offered is not None:
        assert f'"{unsure}" names more than one time zone' in question.text
        assert [b for b in button_ids([question]) if b not in ("accept", "skip")] == offered
    talk(engine, session, [answer])
    assert session.profile.timezone == zone and session.step != "ask:timezone"


@pytest.mark.parametrize(("said", "segments"), [
    ("series B, mostly mid-market, a few enterprise", ["mid-market", "enterprise"]),
    ("series A selling to SMBs and some mid-market", ["smb", "mid-market"]),
])
def test_a_segment_mix_keeps_every_segment_the_main_one_first(
    said: str, segments: list[str],
) -> None:
    from tests.test_engine_support import offline_engine, talk

    engine = offline_engine()
    session = engine.new_session()
    talk(engine, session, ["tailor", said])
    assert session.profile.segments == segments


def test_an_ambiguous_zone_from_a_model_s_reading_is_asked_about_too(workshop: Workshop) -> None:
    from coach.tailoring.profile_parser import Understood

    state = TailorState()
    heard = Understood(fields={"coverage": "business-hours", "timezone": "IST"},
                       answered={"coverage", "timezone"})
    profile, _ = workshop.absorb(CompanyProfile(), state, heard)
    assert profile.timezone is None and state.unsure_zone == "ist"
    question = workshop.question("timezone", state)
    assert question is not None and '"IST" names more than one' in question.text
    assert [c.id for c in question.choices] == ["india", "ireland", "israel"]

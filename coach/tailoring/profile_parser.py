"""Understanding free-text tailoring answers that may cover several questions at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from coach.domain import LEVEL_REF, matched_level
from coach.parsing.hours import read_hours
from coach.parsing.short_answers import Found, blank, find_duration, number_value, scan
from coach.tailoring.guide import Guide, QuestionKey

_COUNT = r"(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)"
_CUSTOMERS = re.compile(
    rf"{_COUNT}\+?\s+(?:paying\s+|active\s+)?(?:customers|accounts|clients|logos)\b", re.IGNORECASE
)
_TEAM = re.compile(rf"\b(?:cs\s+)?team\s+of\s+{_COUNT}\b|\b{_COUNT}[\s-](?:person|people)\s+cs\b",
                   re.IGNORECASE)
_VOLUME = re.compile(rf"{_COUNT}\s+(?:escalations?\s*)?(?:a|per|each|every|/)\s*month\b"
                     rf"|{_COUNT}\s+escalations?\b", re.IGNORECASE)

_NO_SLAS = re.compile(r"\bno\s+(?:contractual\s+)?(?:slas?|sla\s+commitments|promises)\b|^no-slas$",
                      re.IGNORECASE)
# A response time is a contract SLA only when the user speaks of contracts or promises.
_CONTRACT = re.compile(r"\b(?:contract\w*|promis\w*|slas?|guarantee\w*|commit\w*|agreement|msa"
                       r"|owe)\b", re.IGNORECASE)
_WEEKEND = re.compile(r"\bweekends?\b|\bsat(?:urday)?s?\s*(?:and|&|/|-)\s*sun(?:day)?s?\b",
                      re.IGNORECASE)
_COVERS = re.compile(r"\b(?:cover\w*|support\w*|on[- ]?call|staff\w*|only|handle\w*|work\w*"
                     r"|respond\w*|answer\w*)\b", re.IGNORECASE)
# After a level named, more of them: "sev 1 and 2", "P1/P2", "sev 1-2"
_MORE_LEVEL = re.compile(r"\s*(?:,|and|&|/|or|-|to)\s*(?:sev(?:erity)?\s*|p|s|levels?\s*)?"
                         r"([1-6])\b(?!\s*(?:h\b|hours?|min|days?))", re.IGNORECASE)
_COUNTED_ROLE = re.compile(rf"{_COUNT}\s*$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^(?:about|around|roughly|~)?\s*(\d[\d,]*)\s*$", re.IGNORECASE)


@dataclass
class Understood:
    """What one answer told us: profile fields, questions answered, roles said not to exist."""

    fields: dict[str, Any] = field(default_factory=dict)
    answered: set[QuestionKey] = field(default_factory=set)
    absent_roles: list[str] = field(default_factory=list)
    team_added: int = 0
    """People counted from roles named ("two managers and 8 CSMs"), added to the team size."""
    unsure_zone: str | None = None
    """A zone abbreviation that names several ("IST"): the coach asks which one."""


def understand(text: str, guide: Guide, asked: QuestionKey | None = None) -> Understood:
    """Everything a free-text answer says about the company; `asked` resolves bare answers."""
    out = Understood()
    _stage(text, guide, out)
    _segments(text, guide, out, asked)
    _roles(text, guide, out, asked)
    _coverage(text, guide, out, asked)
    _weekends(text, out)
    _slas(text, out, asked)
    _concerns(text, guide, out)
    _volume(text, out, asked)
    return out


def _stated(pattern: re.Pattern[str], text: str, asked: bool) -> str | None:
    """The count a pattern finds ("team of 6"), or a bare number answering its own question."""
    match = pattern.search(text)
    if match:
        return next(g for g in match.groups() if g)
    bare = _BARE_NUMBER.match(text.strip()) if asked else None
    return bare.group(1) if bare else None


def _count(token: str) -> int | None:
    value = number_value(token.replace(",", ""))
    return int(value) if value is not None else None


def _stage(text: str, guide: Guide, out: Understood) -> None:
    hits = scan(text, guide.stages)
    if hits:
        out.fields["stage"] = hits[0].key
        out.answered.add("stage")


def _segments(text: str, guide: Guide, out: Understood, asked: QuestionKey | None) -> None:
    # "enterprise" names a stage when the stage question is the one being answered and no
    # other stage is named; the other segments still count ("Series A selling to mid-market"),
    # and so does "a few enterprise" after "series B, mostly mid-market".
    stage_open = asked == "stage" and not scan(text, guide.stages)
    hits = [h for h in scan(text, guide.segments) if not stage_open or h.key != "enterprise"]
    segments = list(dict.fromkeys(h.key for h in hits))
    customers = _stated(_CUSTOMERS, text, asked == "segments")
    if customers is not None:
        out.fields["customer_count"] = _count(customers)
    if segments:
        out.fields["segments"] = segments
    if segments or "customer_count" in out.fields:
        out.answered.add("segments")


def _roles(text: str, guide: Guide, out: Understood, asked: QuestionKey | None) -> None:
    present: list[str] = []
    size = 0
    negation = re.compile(
        r"(?:^|\W)(?:" + "|".join(map(re.escape, guide.negations)) + r")\s+(?:an?\s+|any\s+|"
        r"dedicated\s+|full[\s-]time\s+)*$", re.IGNORECASE)
    for hit in scan(text, guide.roles):
        before = text[max(0, hit.start - 40) : hit.start]
        if negation.search(before):
            out.absent_roles.append(hit.key)
            continue
        present.append(hit.key)
        counted = _COUNTED_ROLE.search(before)
        size += (_count(counted.group(1)) or 1) if counted else 1
    team = _stated(_TEAM, text, asked == "roles")
    if team is not None:
        out.fields["cs_team_size"] = _count(team)
    elif present:
        out.team_added = size
    if present:
        out.fields["cs_roles"] = list(dict.fromkeys(present))
        out.answered.add("roles")


def _coverage(text: str, guide: Guide, out: Understood, asked: QuestionKey | None) -> None:
    hours = read_hours(text)  # "9-6 ET weekdays", "24/5", "follow the sun"
    hits = scan(text, guide.coverage)
    if hours is None and not hits and asked != "timezone":
        return
    if hours is not None or hits:
        out.fields["coverage"] = hours.coverage if hours else hits[0].key
        out.answered.add("coverage")
    zones = scan(text, guide.timezones)
    if zones:
        out.fields["timezone"] = zones[0].key
        out.answered.add("timezone")
        return
    unsure = scan(text, {k: [k] for k in guide.ambiguous_zones})
    if unsure:
        out.unsure_zone = unsure[0].key


def _weekends(text: str, out: Understood) -> None:
    """ "weekend coverage for sev 1 only", "on weekends we only handle P1 and P2": the levels
    worked at weekends; the others wait for the next working day."""
    for clause in re.split(r"[.;!?\n]", text):
        if not (_WEEKEND.search(clause) and _COVERS.search(clause)):
            continue
        levels = []
        for named in LEVEL_REF.finditer(clause):
            levels.append(matched_level(named))
            at = named.end()
            while more := _MORE_LEVEL.match(clause, at):
                levels.append(int(more.group(1)))
                at = more.end()
        if levels:
            out.fields["weekend_levels"] = sorted(set(levels))
            out.answered.add("coverage")
            return


def _slas(text: str, out: Understood, asked: QuestionKey | None) -> None:
    if _NO_SLAS.search(text.strip()):
        out.fields["contractual_slas"] = []
        out.answered.add("slas")
        return
    if asked != "slas" and not _CONTRACT.search(text):
        return  # "make sev 3 respond in 30 minutes" sets a level's time, it promises nothing
    promises = []
    # Each clause ("sev 1 within 30 minutes") pairs one level with one duration.
    for clause in re.split(r"[,;.]|\band\b", text):
        level = LEVEL_REF.search(clause)
        duration = find_duration(blank(clause, [Found("l", *level.span())]) if level else clause)
        if level and duration:
            promises.append({"severity": matched_level(level),
                             "response_hours": duration[0]})
    if promises:
        out.fields["contractual_slas"] = promises
        out.answered.add("slas")


def _concerns(text: str, guide: Guide, out: Understood) -> None:
    hits = scan(text, guide.concerns)
    if hits:
        out.fields["critical_concerns"] = list(dict.fromkeys(h.key for h in hits))
        out.answered.add("concerns")


def _volume(text: str, out: Understood, asked: QuestionKey | None) -> None:
    volume = _stated(_VOLUME, text, asked == "volume")
    if volume is not None:
        out.fields["monthly_escalations"] = _count(volume)
        out.answered.add("volume")

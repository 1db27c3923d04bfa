"""Blameless writing: notice when a review answer blames a person, and offer a systems wording.

"Marco screwed up the deploy" -> "the deploy had no check that would have caught the
mistake (a rollback check, a second pair of eyes)". A review asks what in the system let a
mistake through; naming a person makes people hide the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Someone named: a capitalised name, or a role used as a culprit.
_ROLE = (r"(?:intern|new guy|new hire|junior|contractor|on-?call(?: engineer)?|dev|developer|"
         r"engineer|admin|csm|support guy|support agent|he|she)")
_WHO = (rf"(?P<who>(?:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)|(?:the\s+|our\s+)?(?:new\s+)?{_ROLE})")
_NOT_PEOPLE = {"The", "This", "That", "It", "We", "Our", "Their", "They", "Support", "Engineering",
               "Customer", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
               "Sunday", "Nobody", "Everyone", "Someone"}


@dataclass(frozen=True)
class Blame:
    """A blaming answer: who it names, and a systems wording to offer instead."""

    who: str
    wording: str


_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_WHO + r"\s+(?:really\s+|totally\s+|just\s+)?(?:screwed|messed|mucked|fouled)"
                r"\s+up\s+(?:the\s+|our\s+)?(?P<thing>[^.,;!]+)", re.I),
     "the {thing} had no check that would have caught the mistake (a rollback check, a "
     "second pair of eyes)"),
    (re.compile(_WHO + r"\s+(?:broke|botched|bungled|borked|ruined|wrecked)\s+(?:the\s+|our\s+)?"
                r"(?P<thing>[^.,;!]+)", re.I),
     "a change to the {thing} went out without a safeguard that would have stopped it"),
    (re.compile(_WHO + r"\s+forgot\s+(?:to\s+)?(?P<thing>[^.,;!]+)", re.I),
     "nothing made sure someone would {thing}: the step was not on a checklist or automated"),
    (re.compile(_WHO + r"\s+(?:didn'?t|did not|never|failed to)\s+(?P<thing>[^.,;!]+)", re.I),
     "the process did not make sure that someone would {thing}"),
    (re.compile(_WHO + r"\s+(?:ignored|missed|overlooked)\s+(?:the\s+)?(?P<thing>[^.,;!]+)",
                re.I),
     "the {thing} was easy to miss: it did not reach the right person in a way they would "
     "act on"),
    (re.compile(_WHO + r"\s+(?:was|is|got)\s+(?:being\s+)?(?:careless|lazy|sloppy|incompetent|"
                r"negligent|clueless)", re.I),
     "the work relied on one person's care, with no check around it"),
    (re.compile(r"(?:it was|it's|all)\s+" + _WHO + r"(?:'s)?\s+fault", re.I),
     "the process let a single mistake through without a check"),
    (re.compile(r"(?:blame|because of)\s+" + _WHO + r"\b(?P<thing>)", re.I),
     "the process let a single mistake through without a check"),
]


def blame(text: str) -> Blame | None:
    """The person an answer blames, with a systems wording; None when it blames nobody."""
    for pattern, wording in _RULES:
        for match in pattern.finditer(text):
            who = match["who"].strip()
            named = not re.search(rf"\b{_ROLE}$", who, re.I)
            if who in _NOT_PEOPLE or (named and who.split()[0] in _NOT_PEOPLE):
                continue
            thing = (match.groupdict().get("thing") or "").strip()
            said = wording.format(thing=_impersonal(thing) or "work")
            return Blame(who=who, wording=said[0].upper() + said[1:] + ".")
    return None


def _impersonal(thing: str) -> str:
    """ "his deploy" -> "deploy"; "to run the migration" stays as said."""
    return re.sub(r"^(?:his|her|their|the|a|an)\s+", "", thing.strip(), flags=re.I)

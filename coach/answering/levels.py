"""Answers about the severity levels themselves, read from the framework rather than quoted.

"How fast do I reply on a sev 3?", "what counts as a sev 1?" or "the customer says they're
leaving, how bad is that?" all ask for a level's definition, response time, owner or examples.
Those facts live in the framework, so the answer states them for the level named, or for the
level the described situation is graded at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from enum import Enum

import numpy as np

from coach.domain import (
    Answer,
    Citation,
    Classification,
    SeverityFramework,
    SeverityLevel,
    hours_text,
    level_ref,
    matched_level,
)
from coach.parsing.text import mentioned_levels

Classify = Callable[[str, SeverityFramework], Classification]
MATRIX_FILE = "severity_matrix.yaml"
SITUATION_WORDS = 5  # fewer words than this describe no situation to grade
_QUOTED = re.compile(r"(?<!\w)(['\"“‘])[^'\"“”‘’\n]{2,60}['\"”’](?!\w)")


class Asked(Enum):
    RESPONSE = "response"
    OWNER = "owner"
    DEFINITION = "definition"
    EXAMPLES = "examples"
    GRADE = "grade"


_ASKS = {
    Asked.RESPONSE: re.compile(
        r"\bhow (?:fast|quick|quickly|soon|long)\b|\bresponse (?:time|window|target)s?\b|\brespond"
        r"|\breply\b|\bget back to\b|\backnowledge|\bturnaround\b",
        re.I,
    ),
    Asked.OWNER: re.compile(
        # "who" asks for the owner, unless it asks who is told: that is communication
        r"\bwho\b(?!.*\b(?:told|tell|inform|notif|update|email|know|aware|hear)\w*)"
        r"|\bowns?\b|\bowner|\bsenior\b|\bpulled in\b|\baccountable\b|\bin charge\b"
        r"|\bresponsible\b|\btake the lead\b|\bescalate (?:it |this )?to\b"
        r"|\b(?:handle|deal with) (?:it|this|that) myself\b|\bgo(?:es)? up to\b",
        re.I,
    ),
    Asked.DEFINITION: re.compile(
        r"\bwhat(?: is|'s| makes| does)\b|\bwhat are\b|\bdescribe\b|\bdefin|\bmean\b|\bin plain"
        r"|\bseparat\w*|\bdifference\b|\bdiffer\b",
        re.I,
    ),
    Asked.EXAMPLES: re.compile(
        r"\bexamples?\b|\b(?:kinds?|types?|sorts?) of\b|\bcounts? as\b|\bqualif", re.I
    ),
    Asked.GRADE: re.compile(
        r"\bhow (?:bad|serious|severe|urgent|big|high)\b|\b(?:what|which|whats|what's)(?: the)? "
        r"(?:level|severity|sev|priority|bucket|tier|category)\b"
        r"|\b(?:whats|what's|what is) the (?:sev|severity|priority|level)\s*\??\s*$"
        r"|(?:^|[.,;:!?]\s*)(?:sev|severity|priority|level)\s*\?\s*$"
        r"|\b(?:log|grade|rate|classify|file|class) (?:that|this|it)\b"
        r"|\b(?:should|do|must) (?:i|we) escalate\b|\b(?:need|have) to escalate\b"
        r"|\bworth (?:an )?escalat|\bescalate or not\b|\bescalation territory\b"
        r"|\bis (?:this|that|it) (?:an )?escalation\b",
        re.I,
    ),
}
# Questions about these follow a level but are taught elsewhere: cadence, reviews, statuses...
_OTHER_TOPIC = re.compile(
    r"\bupdates?\b|\bcadence\b|\breviews?\b|\bpost-?mortem|\bretro\w*|\bresolv\w*|\bresolution"
    r"|\bfix(?:ed)?\b|\bclos\w+|\bstatus\w*|\bchannels?\b|\btemplate|\bfields?\b|\bre-?grad\w*"
    r"|\bdowngrad\w*|\bupgrad\w*|\bweekend|\bbusiness hours\b|\bholiday|\bnight\b|\b24x7\b",
    re.I,
)
_LEVEL_NOUN = (r"[- ](?:severity|sev|priority|pri|level|escalations?|issues?|tickets?|ones?"
               r"|cases?|tiers?|buckets?|kind)\b")
_KIND = (r"\s+(?:kind of\s+|type of\s+)?(?:severity|sev|level|priority|escalation|issue|one"
         r"|tier|bucket|kind|category)\b")
_NOT_ORDINAL = r"(?<!second[- ])(?<!third[- ])"  # "third-highest" is not the highest
_MOST_SEVERE = re.compile(
    rf"{_NOT_ORDINAL}\b(?:highest|top|most severe|most serious|most urgent|worst){_KIND}", re.I
)
_LEAST_SEVERE = re.compile(
    rf"{_NOT_ORDINAL}\b(?:lowest|bottom|least severe|least serious|least urgent|mildest){_KIND}",
    re.I,
)
# "the second-highest severity", "third most severe level"
_ORDINAL = re.compile(
    rf"\b(second|third)[- ](highest|most severe|most serious|lowest|least severe){_KIND}", re.I
)
_ALL_LEVELS = re.compile(
    r"\b(?:each|every|all(?: the)?|the (?:four|different))(?: severity)? (?:levels?|severities)\b",
    re.I,
)
_QUESTION_CLAUSE = re.compile(
    r"^(?:how|what|who|which|when|where|why|is|are|am|do|does|did|can|could|should|would|will"
    r"|shall|must|may|so|and|then|whats|what's|who's|whos|hows|how's)\b",
    re.I,
)


# "is a typo on the pricing page a sev 3?": a situation offered with the level in mind;
# "i think a customer threatening to leave is a sev 2?": the same, told as a belief
_PROPOSED = re.compile(
    rf"\b(?:is|are|would)\s+(?P<situation>[^,.;!?]{{6,200}}?)\s+(?:be\s+|count as\s+)?an?\s+"
    rf"{level_ref('level')}"
    rf"|^(?:(?:so|and|but|ok|hmm|wait)[\s,]+)*(?:(?:i (?:think|thought|guess|believe|assume|"
    rf"figured)(?: that)?|surely|isn'?t)\s+)?(?!(?:what|how|who|which|when|where|why|it|this|"
    rf"that|there)\b)(?P<belief>.{{6,200}}?)\s+(?:is|are|would be|counts? as|="
    rf")\s+(?:an?\s+|still\s+an?\s+)?{level_ref('believed')}"
    rf"|\b(?:is|would)\s+(?:this|that|it)(?:\s+one)?\s+(?:be\s+)?(?:an?\s+)?{level_ref('pointed')}",
    re.I,
)


# "...so a P2, right?", "low priority, right? it's only a typo": a level put forward
# for confirmation
_TAGGED = re.compile(r"(?:,\s*|\s+)(?:right|correct|yeah|yes|no|isn'?t it|surely|yea)\s*[?!]+\s*$"
                     r"|\bright\s*,", re.IGNORECASE)
# "hypothetically, if they said they'd leave...": the asking's framing, not a
# hypothetical event (which the severity model rightly grades low)
_FRAMING = re.compile(r"^\s*(?:(?:hypothetically|theoretically|in theory|just curious)[,:\s]+)?"
                      r"(?:(?:so\s+)?(?:what if|if|say|suppose|imagine|let'?s say)\s+)?",
                      re.IGNORECASE)
# A level's name shouted as tone, not asked about: "CRITICAL!!", "HIGH PRIORITY!"
_SHOUTED = re.compile(r"\b(?:CRITICAL|HIGH|MEDIUM|LOW|URGENT)(?:\s+[A-Z]{3,})?\s*!+")


def _offered(question: str, framework: SeverityFramework | None = None
             ) -> tuple[str, int] | None:
    """The situation a question offers with a level in mind, and that level; with the
    framework, also a level named for confirmation after a story ("...so a P2, right?")."""
    match = _PROPOSED.search(question)
    if match is None and framework is not None and _TAGGED.search(question):
        levels = named_levels(_QUOTED.sub(" ", _SHOUTED.sub(" ", question)), framework)
        if len(levels) == 1 and situation(question):
            return "", levels[0].level
    if match is None:
        return None
    for told, level in (("situation", "level"), ("belief", "believed"), ("", "pointed")):
        if told == "" or match[told] is not None:  # "is this a sev 1?": the story is told before
            return (match[told] if told else ""), matched_level(match, level)
    return None


def _asks(text: str) -> set[Asked]:
    return {kind for kind, pattern in _ASKS.items() if pattern.search(text)}


# What the learned model (coach.answering.asks) reads as kinds of question
_KINDS = {"grade": {Asked.GRADE}, "response": {Asked.RESPONSE}, "owner": {Asked.OWNER},
          "definition": {Asked.DEFINITION, Asked.EXAMPLES}, "other": set()}
CUES = (*(kind.value for kind in Asked), "other topic", "level offered", "level named")


def cues(question: str) -> np.ndarray:
    """The wording cues of a question, as features for the learned reader of what it asks."""
    found = _asks(question)
    return np.array([*(float(kind in found) for kind in Asked),
                     float(bool(_OTHER_TOPIC.search(asking(question)))),
                     float(bool(_PROPOSED.search(question))),
                     float(bool(mentioned_levels(question)))], dtype=np.float32)


def asked(question: str, kind: str | None = None) -> set[Asked]:
    """What the question asks about a level; empty when it asks about something else.
    `kind` is what the learned reader (coach.answering.asks) is sure the question asks: it
    answers the questions whose wording the cues below miss ("P4 SLA?", "which lvl")."""
    found = _cued(question)
    if found or len(mentioned_levels(question)) > 1:
        return found  # two levels and no cue: how to choose between them, which lessons teach
    return set(_KINDS[kind or "other"])


def _cued(question: str) -> set[Asked]:
    found = _asks(question)
    if _PROPOSED.search(question):
        found.add(Asked.GRADE)
    # Cadence, reviews, statuses... in the asking (not in the story told) change the topic.
    if _OTHER_TOPIC.search(asking(question)):
        found &= {Asked.GRADE, Asked.EXAMPLES}
    return found


def asking(question: str) -> str:
    """The question without the sentences that tell its story."""
    told, asks = _parts(question)
    if len(" ".join(told).split()) >= SITUATION_WORDS:
        return " ".join(asks)
    inside = _ASKING_WORDS.search(question)  # "how soon for <the story>?"
    return inside[0] if inside and situation(question) else question


def named_levels(question: str, framework: SeverityFramework) -> list[SeverityLevel]:
    """Levels the question names: "sev 2", "P1", "a critical escalation", "the lowest level"."""
    numbers = mentioned_levels(question)
    for level in framework.levels:
        if re.search(rf"\b{re.escape(level.name)}{_LEVEL_NOUN}", question, re.I):
            numbers.add(level.level)
    for word in re.findall(rf"\b([a-z]{{5,}}){_LEVEL_NOUN}", question, re.I):  # "crtical sev"
        numbers.update(_misspelt(word, framework))
    if _MOST_SEVERE.search(question):
        numbers.add(1)
    if _LEAST_SEVERE.search(question):
        numbers.add(len(framework.levels))
    for ordinal in _ORDINAL.finditer(question):
        step = 2 if ordinal[1].lower() == "second" else 3
        low = ordinal[2].lower().startswith(("lowest", "least"))
        numbers.add(len(framework.levels) + 1 - step if low else step)
    return [level for level in framework.levels if level.level in numbers]


def _misspelt(word: str, framework: SeverityFramework) -> set[int]:
    """The levels whose name the word is a typo of: "crtical" -> {1}."""
    word = word.lower()
    return {
        level.level
        for level in framework.levels
        if len(level.name) >= 5 and SequenceMatcher(None, word, level.name.lower()).ratio() >= 0.8
    }


# The asking words of a question that tells its story inside the question itself:
# "how soon for X?", "who owns X?": the question names no level and tells X after the asking.
_ASKING_WORDS = re.compile(
    r"\bhow (?:fast|quick|quickly|soon|long)(?: is the response| do (?:i|we) (?:have|need) to"
    r"(?: respond| reply| act| get back)?| should (?:i|we) (?:respond|reply|act))?"
    r"(?: to| on| for| when| if)?\b"
    r"|\bwho (?:owns|handles|should own|should handle|takes|is on the hook for)\b"
    r"|\b(?:what|which) (?:level|severity|sev|priority|bucket|tier) (?:is|for|would be)\b",
    re.I,
)


def _parts(question: str) -> tuple[list[str], list[str]]:
    """The clauses of a question that tell what happened, and those that ask."""
    parts = re.split(r"(?<=[.?!;,:])['\"”’)]?\s+|\s+[-–—]\s+", question.strip())
    told = [p for p in parts if not (p.rstrip().endswith("?") or _QUESTION_CLAUSE.match(p))]
    # The asking often trails off without a question mark: "..., whats the response window"
    while told and _asks(told[-1]) and len(told[-1].split()) <= 8:
        told.pop()
    return told, [p for p in parts if p not in told]


def _told_apart(question: str) -> str:
    """The sentences of a question that tell what happened, around the asking itself."""
    told = " ".join(_parts(question)[0])
    return told if len(told.split()) >= SITUATION_WORDS else ""


def situation(question: str) -> str:
    """The part of a question that describes what happened, without the asking itself."""
    told = _told_apart(question)
    if not told and _ASKING_WORDS.search(question):  # the story sits inside the question
        told = " ".join(_ASKING_WORDS.sub(" ", question, count=1).replace("?", " ").split())
    return told if len(told.split()) >= SITUATION_WORDS else ""


def describe(level: SeverityLevel) -> str:
    """A level in two sentences: definition, then response time, owner and examples."""
    examples = ", ".join(e[0].lower() + e[1:] for e in level.examples)
    definition = level.definition[0].lower() + level.definition[1:].rstrip(".")
    return (
        f"Severity {level.level} ({level.name}) means: {definition}. It needs a first response "
        f"within {hours_text(level.response_hours)}, is owned by the {level.owner}, and typical "
        f"examples are {examples}."
    )


def level_answer(
    question: str, framework: SeverityFramework, source: str = MATRIX_FILE,
    kind: str | None = None,
) -> Answer | None:
    """The framework's facts for the levels a question names, or None if it names none."""
    kinds = asked(question, kind)
    if not kinds:
        return None
    # A level in quoted words ("they wrote 'CRITICAL' in the subject") is not asked about.
    levels = named_levels(_QUOTED.sub(" ", _SHOUTED.sub(" ", question)), framework)
    if _ALL_LEVELS.search(question) or len(levels) > 2:
        return _overview(framework, source)
    if not levels or _offered(question, framework):
        return None  # nothing named, or a situation to grade against the level offered
    text = " ".join(describe(level) for level in levels)
    return Answer(answer=text, sources=[_cite(level, source) for level in levels])


def graded_lead(
    question: str, framework: SeverityFramework, classify: Classify, source: str = MATRIX_FILE,
    kind: str | None = None,
) -> Answer | None:
    """For "X happened, how bad is it / how fast / who owns it?": the level X is graded at."""
    if not asked(question, kind) & {Asked.RESPONSE, Asked.OWNER, Asked.GRADE}:
        return None
    proposed = _offered(question, framework)
    offered = proposed[0] if proposed else ""
    described = offered if len(offered.split()) >= SITUATION_WORDS else " ".join(
        [situation(question), offered])
    if len(described.split()) < SITUATION_WORDS:
        return None  # no situation told: the question is about the framework itself
    listed = _listed_example(described, framework)
    level = listed or framework.level(classify(_FRAMING.sub("", described), framework).severity)
    lead = "From what you describe, this is"
    if proposed and proposed[1] != level.level:  # a wrong belief is corrected, not echoed
        lead = f"Not quite: from what you describe, this is not Severity {proposed[1]} but"
    elif proposed:
        lead = "Yes: from what you describe, this is"
    examples = ", ".join(e.lower() for e in level.examples)
    return Answer(
        answer=f"{lead} Severity {level.level} ({level.name}), "
        f"like {examples}: first response within {hours_text(level.response_hours)}, "
        f"owned by the {level.owner}.",
        sources=[_cite(level, source)],
    )


def _listed_example(described: str, framework: SeverityFramework) -> SeverityLevel | None:
    """The level whose listed example the text names word for word ("a data breach concern"):
    the framework's own answer, which a grade must not contradict."""
    folded = " ".join(described.casefold().split())
    found = {level.level for level in framework.levels for example in level.examples
             if re.search(rf"\b{re.escape(example.casefold())}\b", folded)}
    return framework.level(found.pop()) if len(found) == 1 else None


def _overview(framework: SeverityFramework, source: str) -> Answer:
    parts = [
        f"Severity {lvl.level} ({lvl.name}): {lvl.definition.rstrip('.').lower()}, first "
        f"response within {lvl.response_hours:g} h, owned by the {lvl.owner}"
        for lvl in framework.levels
    ]
    return Answer(
        answer="; ".join(parts) + ".", sources=[Citation(file=source, section=framework.name)]
    )


def source_of(framework: SeverityFramework, seed: SeverityFramework) -> str:
    """What a level answer cites: the seed's matrix file, or the framework in use by name."""
    return MATRIX_FILE if framework == seed else f"framework: {framework.name}"


def section_name(level: SeverityLevel) -> str:
    """How a level answer names the level it cites: "Severity 2 (High)"."""
    return f"Severity {level.level} ({level.name})"


def _cite(level: SeverityLevel, source: str) -> Citation:
    return Citation(file=source, section=section_name(level))

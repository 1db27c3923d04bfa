"""Explicit severity signals, read in the context of the clause they appear in.

Each signal is a kind of evidence with the seed level it points to; the severity model learns
how much each one counts, at face value and in each context (negated, past, hypothetical, at a
third party, for one or a few people). `python -m tools.signal_usage` lists the alternatives no
example-bank or knowledge text uses: fitted vocabulary, to delete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SIGNALS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("outage", 1, (
        r"\b(?:is|are|was|were|went|been|goes|go)(?: \w+ly| still| all)? down\b",
        r"\boutages?\b",
        r"\bunreachable\b",
        r"\boffline\b",
        r"\bhalted\b",
        r"\bcompletely stopped\b",
        r"\bstopped (?:shipping|working)\b",
        r"\bblank screen\b",
        r"\b500s?\b(?: errors)?",
        r"\bcrash\w* on launch\b",
        r"\bzero \w+",
        r"\bis dead\b",
        r"\bhas been dead\b",
        r"\bon paper\b",
        r"\bwhiteboards?\b",
        r"\bby phone\b",
        r"\bno \w+ can be (?:placed|taken|issued)\b",
    )),
    ("everyone_blocked", 1, (
        r"\b(?:nobody|no one|none of|not a single)\b[^.;]{0,60}?\b(?:can|could|is able|has bee"
        r"n able)\b",
        r"\b(?:can't|cannot|couldn't|unable to|hasn't|haven't|won't|aren't able to|fail\w*|los"
        r"t)\b[^.;]{0,50}?\b(?:for (?:any|every|all)\w*|at all|anywhere|across|(?:all|every) "
        r"\d[\d,]*)",
        r"\b(?:all|every|entire|whole)\b[^.;]{0,60}?\b(?:failed|failing|can't|cannot|lost|down"
        r"|locked out|unable)\b",
    )),
    ("data_loss", 1, (
        r"\bwiped\b",
        r"\boverwr\w+",
        r"\blost (?:every|all)\b",
        r"\b(?:is|are) missing\b",
        r"\bcorrupt\w*",
        r"\bdeleted\b",
        r"\bblank values\b",
    )),
    ("breach", 1, (
        r"\b(?:data )?breach(?:es|ed)?\b(?!\s+(?:of\s+)?(?:the\s+|our\s+|their\s+)?(?:[\w-]+\s"
        r"+){0,2}(?:sla|target|commitment|contract|agreement|terms))",
        r"\bleak\w*",
        r"\bexposed\b",
        r"\bunauthori[sz]ed\b",
        r"\bstolen credentials\b",
        r"\b(?:another|other|unrelated|different) (?:customer|client|tenant|traveller|patient|"
        r"user)s?'s?\b",
        r"\bunmasked\b",
        r"\banyone on the internet\b",
        r"\bpublicly\b",
        r"\bincident (?:clause|response)\b",
        r"\bviolat\w+ the (?:dpa|gdpr|contract)",
    )),
    ("churn", 1, (
        r"\bcancel(?:l?ing|s|l?ed)?\b",
        r"\bcancellation (?:threat|risk|notice)\b",
        r"\bterminat\w+",
        r"\b(?:not|n't|non-?)\s*(?:to\s+)?(?:be\s+)?renew\w*",
        r"\bcompetitors?\b(?! of)",
        r"\brival\b",
        r"\b(?:switch\w*|mov\w+|go|going|went|sign\w*|look\w* at|evaluat\w+|talk\w* to|trial\w"
        r"*) (?:to |with )?(?:another|other) (?:providers?|vendors?)\b",
        r"\breplac\w+ us\b",
        r"\bexit the (?:agreement|contract)\b",
        r"\bwinding down\b",
        r"\bdecommission\w*",
        r"\bcome off us\b",
        r"\bdone with us\b",
        r"\bwants? out\b",
        r"\blapse\b",
        r"\bleav\w+\b",
        r"\bexport(?:ing)? (?:their|all their) data\b",
        r"\bdata returned\b",
        r"\boffboarding steps\b",
        r"\bexport instructions\b",
    )),
    ("workaround", 2, (
        r"\bwork-?arounds?\b",
        r"\bfor now\b",
        r"\bby hand\b",
        r"\bmanual(?:ly)?\b",
        r"\bstopgap\b",
        r"\bto get by\b",
        r"\bmeanwhile\b",
        r"\binstead\b(?! of)",
        r"\bone (?:at a time|by one|month at a time)\b",
        r"\bretrying\b",
        r"\bre-?run\w*",
        r"\bstill (?:works?|flow|go(?:es)? out|get in|can)\b",
        r"\bcan still\b",
        r"\busable but\b",
        r"\bsmall batches\b",
        r"\brebuild\w*",
        r"\bhard-coded\b",
        r"\bon request\b",
        r"\bby email\b",
        r"\bvia email\b",
        r"\bin (?:a spreadsheet|excel)\b",
        r"\buntil we\b",
    )),
    ("broken", 2, (
        r"\bbroken\b",
        r"\bbroke\b",
        r"\bfail(?:s|ed|ing)?\b",
        r"\berrors? out\b",
        r"\bstopped \w+ing\b",
        r"\bcrash\w*",
        r"\bwon't (?:load|upload|sync|save)\b",
        r"\b(?:isn't|aren't) (?:saving|arriving)\b",
        r"\bwrong\b",
        r"\bduplicate\b",
        r"\bincorrect\b",
        r"\bflaky\b",
        r"\bdelayed\b",
        r"\btime out\b",
        r"\bdouble-booking\b",
        r"\bskips\b",
        r"\bincomplete\b",
        r"\b(?:logged|locked) out\b",
        r"\bslow\b",
    )),
    ("champion_upset", 2, (
        r"\b(?:champion|sponsor|advocate|person who picked us)\b[^.;]{0,90}?\b(?:upset|livid|f"
        r"uming|furious|angry|frustrated|heated|embarrass\w+|disappointed|tears|look bad|credi"
        r"bility|lost faith|second-guessing)",
    )),
    ("upset", 2, (
        r"\b(?:upset|livid|fuming|furious|angry|heated|embarrass\w+|fed up|close to tears)\b",
    )),
    ("contract_dispute", 2, (
        r"\bdisput\w+",
        r"\bcontest\w*",
        r"\bmsa\b",
        r"\b(?:price|uplift) cap\b",
        r"\blawyers\b",
        r"\bwithhold\w* payment",
        r"\bon hold\b",
        r"\boverage\b",
        r"\bnotice period\b",
        r"\bcontract terms\b",
    )),
    ("sla_missed", 3, (
        r"\bsla\b",
        r"\bresponse (?:target|time)\b",
        r"\bfirst[- ]response\b",
        r"\bcallback\b",
        r"\bunassigned\b",
        r"\btook \w+ days to (?:answer|reply|respond)\b",
        r"\bunanswered\b",
        r"\bwrong queue\b",
        r"\bsupport contact\b",
        r"\btook \w+ days\b",
    )),
    ("training_gap", 3, (
        r"\b(?:un)?train(?:ed|ing)\b",
        r"\bnever (?:got|shown|taught|trained)\b",
        r"\bdon't know how\b",
        r"\b(?:don't|doesn't) understand\b",
        r"\bconfus\w+",
        r"\brefresher\b",
        r"\bteaching themselves\b",
        r"\bwas rushed\b",
        r"\bhow to use\b",
        r"\badoption\b",
        r"\bmiscod\w+",
    )),
    ("urgent_feature", 3, (
        r"\burgent(?:ly)?\b",
        r"\bprioriti[sz]e\b",
        r"(?<!low )(?<!low-)\b(?:top |a |number one )?priority\b",
        r"\bnumber one request\b",
        r"\bkeeps (?:asking|pressing|pushing)\b",
        r"\bpushing hard\b",
        r"\broadmap\b",
        r"\bbefore (?:their|the|a|an|enrollment|term)\b[^.;]{0,40}?\b(?:audit|review|inspectio"
        r"n|season|pilot|meeting|opens|starts|ends|cycle)\b",
        r"\bneeds?\b[^.;]{0,80}?\bby (?:monday|tuesday|wednesday|thursday|friday|next \w+|end of)",
    )),
    ("docs", 4, (
        r"\bdocs?\b",
        r"\bdocumentation\b",
        r"\bhelp article\b",
        r"\bguide\b",
        r"\bfaq\b",
        r"\bglossary\b",
        r"\bchangelog\b",
        r"\bknowledge base\b",
        r"\bbroken link\b",
        r"\bscreenshot\b",
        r"\bdoesn't (?:mention|explain|define)\b",
    )),
    ("cosmetic", 4, (
        r"\btypo\b",
        r"\bmisspel\w+",
        r"\bblurry\b",
        r"\bicons?\b",
        r"\bmisaligned\b",
        r"\bcropped\b",
        r"\bfont\b",
        r"\bcolou?r\b",
        r"\btooltip\b",
        r"\bdark (?:mode|theme)\b",
        r"\bshortcuts?\b",
        r"\bchime\b",
        r"\bplaceholder\b",
        r"\bavatar\b",
        r"\bemoji\b",
        r"\btoo quickly\b",
        r"\bprofile (?:photo|page)\b",
    )),
    ("nice_to_have", 4, (
        r"\bwould (?:like|love|prefer)\b",
        r"\bnice[- ]to[- ]have\b",
        r"\bno rush\b",
        r"\bsomeday\b",
        r"\bcould we add\b",
        r"\bif we could\b",
        r"\basked (?:if|whether)\b",
        r"\bsuggest\w*",
        r"\brequested that\b",
        r"\bwants? a way\b",
        r"\bprefer\b",
        r"\bsmall gripe\b",
        r"\bminor\b",
        r"\bcurio(?:us|sity)\b",
        r"\b(?:just|only) (?:wants?|wanted|like|asks?|asked|flagging|pointed)",
        r"\bhappy\b",
        r"\bloves us\b",
        r"\bno actual issue\b",
        r"\bstandard (?:form|questionnaire)\b",
    )),
)
COMPILED = tuple((name, level, re.compile("|".join(branches), re.I))
                 for name, level, branches in _SIGNALS)
SCALES = {"single user": 4, "small scale": 3}  # the level a problem of that reach drops to
SEVERE = frozenset({"outage", "everyone_blocked", "data_loss", "breach", "churn"})

_CLAUSE_BREAK = re.compile(
    r"[;:—–]|\.\s|\bbut\b|\bwhile\b|\balthough\b|\bthough\b|\bwhereas\b", re.I)
_NEGATION = re.compile(
    r"\b(?:no|not|nothing|nobody|nobody's|never|none|without|isn't|aren't|wasn't|weren't|hasn't"
    r"|haven't|didn't|doesn't|don't)\b", re.I)
_PAST = re.compile(
    r"\blast (?:year|month|quarter|january|february|march|april|may|june|july|august|september"
    r"|october|november|december)|\b(?:years?|months?) ago\b|\bback in\b|\bin 20\d\d\b"
    r"|\bfrom (?:last )?(?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december)\b|\b(?:was|were|been|long|fully|now) (?:resolved|fixed|settled)\b"
    r"|\bfalse alarm\b"
    r"|\bold complaint\b", re.I)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|ever|would|whether|in case|suppose|hypothetical\w*|what happens|assumed"
    r"|thought)\b", re.I)
_THIRD_PARTY = re.compile(
    r"\b(?:their|a|another|different|other)\s+(?:[\w-]+\s+){0,2}(?:vendor|provider|service"
    r"|supplier|company)\b|\bcompetitor of\b", re.I)
_NOT_US = re.compile(
    r"\bnothing of ours\b|\bour (?:systems?|platform|service|product|app)\b[^.;]{0,25}?\b(?:aren't"
    r"|isn't|wasn't|weren't|not|was fine|stayed up|unaffected)|\bonce \w+ recovered\b", re.I)
_PEOPLE = (r"(?:[\w-]+\s+){0,2}?"
           r"(?:users?|analysts?|reps?|interns?|staff|dispatchers?|person|people)\b")
_ONE_PERSON = re.compile(
    r"\b(?:one|a single|only one|just one|one of \S+ \d+|an?)\s+" + _PEOPLE
    + r"|\b(?:just|only) (?:her|him)\b", re.I)
_JUST_ONE = re.compile(r"\b(?:just|only) (?:her|him)\b", re.I)
_FEW_PEOPLE = re.compile(
    r"\b(?:only the \w+|a couple of|a few|two|three)\s+" + _PEOPLE
    + r"|\bthe rest of the company\b|\bother \d+ users\b", re.I)
_LEAD = 60  # who is affected is named at the start: "One user at ...", "Only the three ..."
# These signals contain their own negation ("haven't been trained", "will not renew").
_CARRIES_NEGATION = frozenset({"everyone_blocked", "churn", "sla_missed", "training_gap"})


@dataclass(frozen=True)
class Signal:
    """One signal found in the text, with how much its context leaves of it."""

    name: str
    level: int
    phrase: str
    context: str | None = None

    @property
    def damped(self) -> bool:
        return self.context is not None and self.context not in SCALES


def clauses(text: str) -> list[str]:
    """Split text into clauses at sentence ends, semicolons, colons and contrastive words."""
    return [c.strip() for c in _CLAUSE_BREAK.split(text) if c and c.strip()]


def _scale(text: str) -> str | None:
    """ "single user" or "small scale" when the text says only one or a few people are affected."""
    lead = text[:_LEAD]
    if not _FEW_PEOPLE.search(lead) and (_ONE_PERSON.search(lead) or _JUST_ONE.search(text)):
        return "single user"
    if _FEW_PEOPLE.search(text) or _ONE_PERSON.search(text):
        return "small scale"
    return None


def _context(name: str, level: int, clause: str, start: int, not_us: bool, scale: str | None
             ) -> str | None:
    """Why a signal found at `start` in `clause` should not count at face value, if it shouldn't."""
    before = " ".join(clause[:start].split()[-5:])
    if level < 4 and _NEGATION.search(before) and name not in _CARRIES_NEGATION:
        return "negated"
    if name == "churn" and re.search(r"\b(?:not|no|nobody|nobody's)\b", before, re.I):
        return "negated"
    if name in SEVERE or name in {"workaround", "broken"}:
        if name in SEVERE and _PAST.search(clause):
            return "past"
        cues = {m.group(0).lower() for m in _HYPOTHETICAL.finditer(clause[:start])}
        # "they would cancel unless ..." is a threat, not a hypothetical question
        if name in SEVERE and cues - ({"would"} if name == "churn" else set()):
            return "hypothetical"
        if name != "churn" and (not_us or _THIRD_PARTY.search(clause)):
            return "third party"
        if scale and name != "churn":
            return scale
    return None


def find_signals(text: str) -> list[Signal]:
    """Every signal in the text, each tagged with the context that damps it, if any."""
    flat = " ".join(text.split())
    not_us = bool(_NOT_US.search(flat))
    scale = _scale(flat)
    found: list[Signal] = []
    for clause in clauses(flat):
        for name, level, pattern in COMPILED:
            match = pattern.search(clause)
            if match:
                context = _context(name, level, clause, match.start(), not_us, scale)
                found.append(Signal(name, level, match.group(0), context))
    if scale:  # how few people are affected is itself a sign of a smaller problem
        reach = _ONE_PERSON.search(flat) or _FEW_PEOPLE.search(flat) or _JUST_ONE.search(flat)
        found.append(Signal(scale.replace(" ", "_"), SCALES[scale],
                            reach.group(0) if reach else scale))
    return found

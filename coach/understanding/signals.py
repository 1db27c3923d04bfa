"""Explicit severity signals, weighed in the context of the clause they appear in."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Each signal votes for a level of the seed's four-level scale; frameworks with a different
# number of levels receive the vote by relative position (see classifier.spread).
_SIGNALS: tuple[tuple[str, int, float, str], ...] = (
    ("outage", 1, 3.0,
     r"\b(?:is|are|was|were|went|been|goes|go) down\b|\boutages?\b|\bunreachable\b|\boffline\b"
     r"|\bground to a halt\b|\bhalted\b|\bcompletely stopped\b|\b(?:lines|production) (?:are|is) "
     r"stopped\b|\bstopped (?:shipping|working)\b|\bblank screen\b|\b500s?\b(?: errors)?"
     r"|\bcrash\w* on launch\b|\blost access\b|\bzero \w+|\bis dead\b|\bhas been dead\b"
     r"|\bon paper\b|\bwhiteboards?\b|\bby phone\b|\bno \w+ can be (?:placed|taken|issued)\b"),
    ("everyone_blocked", 1, 3.0,
     r"\b(?:nobody|no one|none of|not a single)\b[^.;]{0,60}?\b(?:can|could|is able"
     r"|has been able)\b"
     r"|\b(?:can't|cannot|couldn't|unable to|hasn't|haven't|won't|aren't able to|fail\w*|lost)\b"
     r"[^.;]{0,50}?\b(?:for (?:any|every|all)\w*|at all|anywhere|across|(?:all|every) \d[\d,]*)"
     r"|\b(?:all|every|entire|whole)\b[^.;]{0,60}?\b(?:failed|failing|can't|cannot|lost|down"
     r"|locked out|unable)\b"),
    ("data_loss", 1, 2.5,
     r"\bwiped\b|\boverwr\w+|\blost (?:every|all)\b|\b(?:is|are) missing\b|\bcorrupt\w*"
     r"|\bdeleted\b|\bblank values\b"),
    ("breach", 1, 3.0,
     r"\b(?:data )?breach(?:es|ed)?\b(?!\s+(?:of\s+)?(?:the\s+|our\s+|their\s+)?(?:[\w-]+\s+){0,2}"
     r"(?:sla|target|commitment|contract|agreement|terms))|\bleak\w*|\bexposed\b"
     r"|\bunauthori[sz]ed\b|\bwithout (?:authentication|authori[sz]ation)\b|\bstolen credentials\b"
     r"|\b(?:another|other|unrelated|different) (?:customer|client|tenant|traveller|patient|user)"
     r"s?'s?\b|\bransomware\b|\bunmasked\b|\banyone on the internet\b|\bpublicly\b"
     r"|\bincident (?:clause|response)\b|\bviolat\w+ the (?:dpa|gdpr|contract)"),
    ("churn", 1, 3.0,
     r"\bcancel(?:l?ing|s|l?ed)?\b|\bcancellation (?:threat|risk|notice)\b|\bterminat\w+|\b(?:not"
     r"|n't|non-?)\s*(?:to\s+)?(?:be\s+)?renew\w*"
     r"|\bcompetitors?\b(?! of)|\brival\b"
     r"|\b(?:switch\w*|mov\w+|go|going|went|sign\w*|look\w* at|evaluat\w+|talk\w* to|trial\w*)"
     r" (?:to |with )?(?:another|other) (?:providers?|vendors?)\b"
     r"|\breplac\w+ us\b|\bexit the (?:agreement|contract)\b|\bwinding down\b|\bdecommission\w*"
     r"|\bnot to continue\b|\bcome off us\b|\bdone with us\b|\bwants? out\b|\blapse\b|\bleav\w+\b"
     r"|\bexport(?:ing)? (?:their|all their) data\b|\bdata returned\b|\boffboarding steps\b"
     r"|\bexport instructions\b|\brenewal risk\b"),
    ("workaround", 2, 1.5,
     r"\bwork-?arounds?\b|\bfor now\b|\bby hand\b|\bmanual(?:ly)?\b|\bstopgap\b|\bto get by\b"
     r"|\bmeanwhile\b|\binstead\b(?! of)|\bone (?:at a time|by one|month at a time)\b|\bre-?keys?\b"
     r"|\bretrying\b|\bre-?run\w*|\bstill (?:works?|flow|go(?:es)? out|get in|can)\b|\bcan still\b"
     r"|\busable but\b|\bsmall batches\b|\breconcil\w+ from\b|\brebuild\w*|\bhard-coded\b"
     r"|\bon request\b|\bby email\b|\bvia email\b|\bin (?:a spreadsheet|excel)\b|\buntil we\b"),
    ("broken", 2, 1.0,
     r"\bbroken\b|\bbroke\b|\bfail(?:s|ed|ing)?\b|\berrors? out\b|\bstopped \w+ing\b|\bcrash\w*"
     r"|\bwon't (?:load|upload|sync|save)\b|\b(?:isn't|aren't) (?:saving|arriving)\b|\bwrong\b"
     r"|\bduplicate\b|\bincorrect\b|\bflaky\b|\bdelayed\b|\btime out\b|\bdouble-booking\b"
     r"|\bskips\b|\bincomplete\b|\b\d+% off\b|\b(?:logged|locked) out\b|\bslow\b"),
    ("champion_upset", 2, 2.5,
     r"\b(?:champion|sponsor|advocate|person who picked us)\b[^.;]{0,90}?\b(?:upset|livid|fuming"
     r"|furious|angry|frustrated|heated|embarrass\w+|disappointed|tears|look bad|credibility"
     r"|lost faith|second-guessing)"),
    ("upset", 2, 1.0,
     r"\b(?:upset|livid|fuming|furious|angry|heated|embarrass\w+|fed up|close to tears)\b"),
    ("contract_dispute", 2, 2.5,
     r"\bdisput\w+|\bcontest\w*|\bmsa\b|\b(?:price|uplift) cap\b|\blawyers\b|\bwithhold\w* payment"
     r"|\bon hold\b|\brefuses to pay\b|\boverage\b|\bnotice period\b|\bcontract terms\b"
     r"|\b(?:disagree|argu\w+)\b[^.;]{0,60}?\b(?:contract|invoice|billing|terms|renewal price)"),
    ("sla_missed", 3, 2.5,
     r"\bsla\b|\bresponse (?:target|time)\b|\bfirst[- ]response\b|\bcallback\b|\bunassigned\b"
     r"|\btook \w+ days to (?:answer|reply|respond)\b|\bunanswered\b|\bwrong queue\b"
     r"|\bwithout a (?:first )?response\b|\bhasn't responded\b|\bbefore anyone responded\b"
     r"|\bsupport contact\b|\btook \w+ days\b"
     r"|\b(?:blew|blown|missed|overran|past) (?:the |our |its |their )?(?:agreed |promised "
     r"|committed |contracted )?(?:turnaround|response window)\b"),
    ("training_gap", 3, 2.5,
     r"\b(?:un)?train(?:ed|ing)\b|\bnever (?:got|shown|taught|trained)\b|\bdon't know how\b"
     r"|\b(?:don't|doesn't) understand\b|\bconfus\w+|\bmisread\w*|\brefresher\b"
     r"|\bteaching themselves\b|\bwas rushed\b|\bhow to use\b|\badoption\b|\bmiscod\w+"),
    ("urgent_feature", 3, 2.0,
     r"\burgent(?:ly)?\b|\bprioriti[sz]e\b"
     r"|(?<!low )(?<!low-)\b(?:top |a |number one )?priority\b|\bfast-track\b"
     r"|\bnumber one request\b|\bkeeps (?:asking|pressing|pushing)\b|\bpushing hard\b"
     r"|\bpressing for\b|\broadmap\b|\bbefore (?:their|the|a|an|enrollment|term)\b[^.;]{0,40}?"
     r"\b(?:audit|review|inspection|season|pilot|meeting|opens|starts|ends|cycle)\b"
     r"|\bneeds?\b[^.;]{0,80}?\bby (?:monday|tuesday|wednesday|thursday|friday|next \w+|end of)"),
    ("docs", 4, 2.0,
     r"\bdocs?\b|\bdocumentation\b|\bhelp article\b|\bguide\b|\bfaq\b|\bglossary\b|\bchangelog\b"
     r"|\bknowledge base\b|\bbroken link\b|\bscreenshot\b|\bdoesn't (?:mention|explain|define)\b"),
    ("cosmetic", 4, 2.0,
     r"\btypo\b|\bmisspel\w+|\bblurry\b|\bicons?\b|\bmisaligned\b|\bcropped\b|\bfont\b"
     r"|\bcolou?r\b|\btooltip\b|\bdark (?:mode|theme)\b|\bshortcuts?\b|\bchime\b"
     r"|\bplaceholder\b|\bfiddly\b|\bavatar\b|\bemoji\b|\btoo quickly\b|\bprofile (?:photo"
     r"|page)\b"),
    ("nice_to_have", 4, 1.5,
     r"\bwould (?:like|love|prefer)\b|\bnice[- ]to[- ]have\b|\bno rush\b|\bsomeday\b"
     r"|\bcould we add\b|\bif we could\b|\basked (?:if|whether)\b|\bsuggest\w*|\brequested that\b"
     r"|\bwants? a way\b|\bprefer\b|\bsmall gripe\b|\bminor\b|\bcurio(?:us|sity)\b|\bjust to\b"
     r"|\b(?:just|only) (?:"
     r"wants?|wanted|like|asks?|asked|flagging|pointed)|\bonly asks\b|\bhappy\b|\bloves us\b"
     r"|\bno concerns\b"
     r"|\bno actual issue\b|\bfine now\b|\bstandard (?:form|questionnaire)\b"
     r"|\bworked immediately\b"),
)
COMPILED = tuple((name, level, weight, re.compile(rx, re.I)) 
                 for name, level, weight, rx in _SIGNALS)
SCALES = {"single user": 4, "small scale": 3}  # the level a problem of that reach drops to
REACH_WEIGHT = 1.0  # the reach of a problem votes for the level its size suggests
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
    weight: float
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
        for name, level, weight, pattern in COMPILED:
            match = pattern.search(clause)
            if match:
                context = _context(name, level, clause, match.start(), not_us, scale)
                found.append(Signal(name, level, weight, match.group(0), context))
    if scale:  # how few people are affected is itself a sign of a smaller problem
        reach = _ONE_PERSON.search(flat) or _FEW_PEOPLE.search(flat) or _JUST_ONE.search(flat)
        found.append(Signal(scale.replace(" ", "_"), SCALES[scale], REACH_WEIGHT,
                            reach.group(0) if reach else scale))
    return found

"""Who a pasted escalation is about: the customer account and our CSM, from any wording.

People paste labelled notes with labels spelled their own way ("cust: X", "Acct - X",
"Client name = X", "CSM: me (Olu)"), Slack messages, forwarded emails with headers, quotes and
signatures, call notes and voice-note transcripts. Rather than one pattern per wording, the
reader collects every capitalised name in the text and scores each by what surrounds it:
- a label names it ("Customer:", "Org =", "CSM -");
- a cue introduces it ("our account X", "for X", "over at X", "X's admin", "Re: X -", "the X
  team"; "I'm Y, the CSM", "Y here", "cc Y (their CSM)", "- Y (CSM)", a sign-off);
- it has a company's legal form ("Ltd", "GmbH", "A/S", "(Pty) Ltd"...), sits on the company
  line of an email signature, or matches the sender's email domain;
- it is a competitor or vendor ("moving to X"), a product feature ("the X tab"), a person on
  the customer's side, or an ordinary word at the start of a sentence ("Nothing", "Vessels"):
  those never win.
A name is returned as written, legal form kept, possessive dropped; None when nothing scores.

With the learned account ranker (`AccountRanker`, fitted by `make train` on notes written
blind), those scores and cues become the features of every candidate name, and the ranker
chooses among them; a person the text names and our own company are never candidates.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.domain import CoachError
from coach.parsing.text import record_as_labels, without_note
from coach.understanding.csm import HANDED_TO, ME, customer_reader, fullest, our_csm, writer
from coach.understanding.labels import labelled_values
from coach.understanding.mentions import ReadTokens, TokenStates, mention_vector
from coach.understanding.name_shapes import (
    DOMAIN,
    FILLERS,
    FORM,
    FUNCTION_WORDS,
    HIRAGANA,
    JAPANESE_COMPANY,
    LEGAL,
    LOWER_STOP,
    NO_ONE,
    NOT_NAMES,
    PRONOUNS,
    QUEUE,
    ROLE,
    SCRIPT_NAME,
    STUTTER,
    TEAM,
    TITLES,
    UPPER,
    WORD,
    Span,
    clean,
    named_people,
    spans,
)

# Context that makes a name the account, read before (…$) or after (^…) it.
_ACCOUNT_BEFORE = re.compile(
    r"(?:(?:\b(?:our|my|the) (?:account|customer|client)s?,?|\bfor|\bon|\bover at|\bat|\bwith|\bw/"
    r"|\bfrom|\babout|\bre:|\bfwd?:|\bcsm (?:on|for)|\bescalat(?:e|ing)(?: for| on)?"
    r"|\bescalation\s*[-–—:]|\baccount (?:is|=)|\[|\s[—–]"
    r"|\b(?:manage|own|look after|handle|cover)|\bnotes? (?:from|on)[^\n]{0,25}?|\bnotes? -"
    r"|\b(?:officer|manager|director|lead|head|controller|developer|engineer|founder|president"
    r"|chief|coordinator|administrator|analyst|specialist|supervisor|partner|principal)\b[^\n]*"
    r"(?:[,|–—-][ \t]*|\n[ \t>]*)))\s*$", re.I)  # last: the company line of a signature
_STARTS_SENTENCE = re.compile(r"(?:^|[\n.!?:]\s*)$")
_ACCOUNT_AFTER = re.compile(
    r"^(?:'s?|’s?)\b|^\s+(?:team|ppl|people|folks|users|admins?|staff|tenant|instance|workspace"
    r"|org)\b|^\s*(?:\(|:|[-–—]\s|\])"
    r"|^,?\s+(?:my|our) (?:account|customer|client)\b",
    re.I)
_SUBJECT_AFTER = re.compile(
    r"^\s+(?:is|are|was|were|has|have|had|just|wants?|needs?|asked|says?|said|disputes?|reports?"
    r"|will|won't|would|might|may|plans?|refuses?|complained|found|noticed"
    r"|reported|opened|switching|threaten\w*|can't|cannot|mentioned|called|emailed"
    r"|they're|they are|they)\b", re.I)
# A word of a name in lower case: "wellspring.io", "st." of "st. anselm", never "tomorrow." ending
# a sentence.
_LOWER_WORD = r"(?:(?:st|mt|ft|dr)\.|[a-z0-9][\w&+-]*(?:['’](?!s\b)[a-z]+)?(?:\.[\w&+-]+)*)"
# A legal form typed in lower case after a lower-case name: "x minerals s.a.", "x optik gmbh".
_LOWER_FORM = (r"(?:inc\.?|llc|ltd\.?|gmbh|plc|llp|pte\.? ltd\.?|pty\.? ltd\.?|(?:[a-z]\.){2,3}"
               r"|co\.(?=\s|,|$))(?![\w.])")
_LOWER_NAME_PATTERN = (
    r"(?:\b(?:fyi|fwiw|btw|lol|for|at|w/|with|re|on|from|about|escalating|owns|it'?s"
    r"|sorry,?|anyway,?"
    r"|my (?:account|client|customer)s?,?"
    r"|(?:customer|client"
    r"|account) is,?|so,?)[ \t]+"
    r"|^|\n|:[ \t]+|\][ \t]+|[ \t][-–—][ \t]+|@[ \t]*|\bsev ?\d[ \t]+|[.!?][ \t]+"
    r"|(?:^|\n)[ \t]*[•*·-][ \t]+)"
    rf"(?P<name>(?!(?:sorry|anyway|it)\b){_LOWER_WORD}(?:[ \t]+&?[ \t]*{_LOWER_WORD}){{0,4}}?"
    rf"(?:[ \t]+(?:{FORM}|{_LOWER_FORM}))?)"
    r"(?='s\b|[ \t]+(?:is|are|was|were|has|had|wants?|needs?|says?|said|keeps?|just|[a-z]+ed"
    r"|rang|wrote|sent|told|got|lost|can|could|will|won't"
    r"|since|they|their|none|who|which|where|re|can't|cannot|so|but|because|anyway)\b"
    r"|[ \t]+and[ \t]+(?:oh|so|they|their|he|she|i|i'm|we|it)\b|[ \t]*[:,][ \t]|[.?](?:\s|$)"
    r"|[ \t]+[-–—][ \t]|[ \t]+\(|(?:(?<=&co)|(?<=\bco)|(?<=\binc)|(?<=\bltd)|(?<=\bllc))[ \t]"
    r"|[ \t]*(?:\n|$)")
_LOWER_NAME = re.compile(_LOWER_NAME_PATTERN + ")")
# In a transcript, all in lower case and unpunctuated, a name also ends where the talk goes on:
# "with acme and sons the one in ohio", "acme group i'm their csm", "acme no sorry ...".
_SPOKEN_NAME = re.compile(
    _LOWER_NAME_PATTERN + r"|[ \t]+(?:the|i'?m|i've|we're|we|i|no sorry|sorry|i mean)[ \t])")
_UNNAMED = re.compile(r"[\s(\"'*_-]*(?:unassigned|vacant|none|nobody|no one|n/a|tbd|tbc|\?|-+$)",
                      re.I)
_LOWER_LEADS = frozenset("for at with on from re anyway".split())
_NEVER_FIRST = frozenset("of and or to in".split())  # "of Practice Operations"
_ASKS = frozenset("why what how when where whether if that whose".split())  # "know why acme & co"
# A number, a quantity or a time is never a name: "05" of "[11:05]", "500k API calls", "02 PM",
# "Speaker 1" of a transcript.
_QUANTITY = re.compile(r"\d+(?:[.,:]\d+)*(?:(?:k|m|bn|x|%|st|nd|rd|th)\b|s?$)|[\d\W_]+$"
                       r"|\d{1,2}(?::\d\d)? ?[ap]m\b|speaker \d")
# A day, date, version or "the 4" of "the 4.12 migration": a word or none, then a number.
_DATED = re.compile(r"(?:the|a|an|on|at|by|no|nr|v|q[1-4]|mon|tue|tues|wed|thu|thur|thurs|fri|sat"
                    r"|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)?\.?\s*#?\d"
                    r"[\d:.,/-]*(?:\s*(?:am|pm|h|utc|gmt|[ecmp][sd]?t|cet|ist))?$")
# A name that opens with an ordinal: "1st Choice Auto Glass", "42nd Street Media".
_ORDINAL_NAME = re.compile(rf"\d+(?:st|nd|rd|th) [{UPPER}]")
# A period: "Q3", "the Q2", "H2", "FY25".
_PERIOD = re.compile(r"(?:the\s+|end of\s+)?(?:q[1-4]|h[12]|fy\s?'?\d{2,4})$")
_RIVAL_BEFORE = re.compile(
    r"\b(?:to|into|evaluating|trialling|trialing|vendor|competitor|partner|use|using|via|like"
    r"|than|versus|vs\.?)\s+(?:the\s+)?$", re.I)
_FEATURE_AFTER = re.compile(
    r"^\s+(?:tab|page|module|button|app|viewer|editor|screen|report|reports|feature|field|form"
    r"|dashboard|api|integration|template|board|portal|widget|menu|header|ui)\b", re.I)
_MAIL_HOSTS = frozenset({"gmail", "outlook", "hotmail", "yahoo", "icloud", "proton", "mail"})
_BOILERPLATE = re.compile(r"^\s*sent from my \w+.*$", re.I | re.M)


@dataclass(frozen=True)
class Names:
    """The account and the CSM a text names, as written (None when it names none)."""

    account: str | None
    csm: str | None


def read_names(text: str, common_words: Iterable[str] = (),
               ranker: AccountRanker | None = None) -> Names:
    """The customer account and our CSM in a pasted note, email or transcript. With a
    `ranker`, the learned ranker chooses the account among the candidate names; the rules'
    choice is one of its features, and the answer when it has no candidate."""
    common = frozenset(common_words)
    seen = _read(text, common)
    account = _with_the(seen.labelled.get("account"), text)
    if not account and ranker is not None:
        candidates = _candidates(seen, common)
        account = _spelled_out(ranker.choose(candidates, text), candidates, text)
    account = account or seen.rules_account
    csm = seen.csm and re.sub(r"\s+\d{1,2}(?::\d\d)?$", "", seen.csm)  # "Ashby  3:41 PM"
    if csm and QUEUE.search(csm):
        csm = None  # a team signs as a team: "Tallyforge Support" is no CSM
    if csm and account and csm.casefold() == account.casefold():
        csm = None
    if csm is None and account:
        csm = customer_reader(seen.text, account)  # the customer's email greets our CSM
    return Names(account=account, csm=csm)


def _with_the(name: str | None, text: str) -> str | None:
    """A name of several words with the "The" the text writes before it ("The Copper Kettle
    Group", "| Account | The Ashgrove Trust |")."""
    if name and " " in name and re.search(
            rf"\bThe {re.escape(name)}(?!(?i:{_GROUP_AFTER.pattern}))", text):
        return f"The {name}"
    return name


def _spelled_out(name: str | None, candidates: list[Candidate], text: str) -> str | None:
    """The account as the text writes it out: a handle or email domain gives way to the name
    it shortens ("sunridgehotels" -> "Sunridge Hotels & Resorts"), a ticket key to its project
    code ("HBR-2291" -> "HBR"), and a name the text writes with "The" keeps it ("The Copper
    Kettle Group")."""
    if name and (key := re.fullmatch(r"([A-Z]{2,})-\d+", name)):
        return key[1]
    if (with_the := _with_the(name, text)) != name:
        return with_the
    return _fuller(_unshortened(name, candidates), text) if name else name


def _unshortened(name: str, candidates: list[Candidate]) -> str:
    """The name a handle or email domain shortens, when a candidate writes it out."""
    handle = re.sub(r"[^a-z0-9]", "", name.casefold())
    if " " in name or len(handle) < 4:
        return name
    for candidate in candidates:
        words = [re.sub(r"[^a-z0-9]", "", w) for w in candidate.name.casefold().split()]
        if candidate.name[:1].isupper() and len(words[0]) >= 4 and handle.startswith(words[0]) \
                and (len(words) > 1 or handle[len(words[0]):] in _HANDLE_ENDS):
            return candidate.name  # "sunridgehotels", "acmehq" -> "Acme"
    return name


_HANDLE_ENDS = frozenset("hq inc app co corp group labs hub io".split())
# Words that end a company's name: "Pinewood Health" is "Pinewood Health Partners" where the
# text writes it so.
_DESIGNATOR = (r"(?:Partners|Architects|Associates|Group|Holdings|Labs|Studios?|Systems|Solutions"
               r"|Logistics|Industries|Technologies|Consulting|Ventures|Capital|Media|Foods"
               r"|Farms|Hotels|Resorts|Clinics?|Healthcare|Pharma|Enterprises|Services"
               r"|Networks|Software|Analytics|Collective|Trust|Foundation|Institute|Agency"
               r"|Company|Corporation|International|Worldwide|Brands|Manufacturing|Solicitors"
               r"|Accountants|Attorneys|Lawyers|Advisors|Advisers|Surveyors|Brokers)")


def _fuller(name: str, text: str) -> str:
    """The fullest form of the chosen account the text writes: with a company word or legal form
    after it ("Cedar & Stone" -> "Cedar & Stone Architects"), a number before it ("Dental
    Partners" -> "360 Dental Partners"), or the partners' names before a firm's ("Ng & Loewe
    LLP" -> "Hart, Ng & Loewe LLP")."""
    named = re.escape(name)
    longer = [
        rf"(?<![\w&]){named}(?: {_DESIGNATOR}| {FORM}|,? {FORM})+(?![\w'’])",
        rf"(?:^|(?<=[\n(\[])|(?<=[.,:] ))\d+ {named}(?![\w'’])",
    ]
    if re.search(r"&| and ", name) and not re.search(r"& Co\b", name):  # not "GmbH & Co. KG"
        surname = rf"[{UPPER}][a-z\u00DF-\u00FF][\w'’]*"  # "Hart", never "QBR"
        longer.append(rf"(?<![\w'’]){surname}(?:, {surname})*, {named}(?!\w)")
    found = [m[0] for pattern in longer for m in re.finditer(pattern, text)
             if not any(w.casefold() in TITLES or ROLE.fullmatch(w)
                        for w in m[0][: m[0].find(name)].replace(",", " ").split())]
    return max(found, key=len, default=name)  # not "Manager, Hollander & Rijn Notarissen"


@dataclass(frozen=True)
class _Seen:
    """What the reader knows of a text before it chooses the account."""

    text: str
    labelled: dict[str, str]
    csm: str | None
    people: set[str]  # casefolded, the CSM included
    ours: set[str]  # our own company, casefolded
    rules_account: str | None


def _read(text: str, common: frozenset[str]) -> _Seen:
    text = _BOILERPLATE.sub("", record_as_labels(text))  # a JSON record or log line as labels
    text = FILLERS.sub("", text)  # once, for every reader below: "this is leo um csm for acme"
    spoken = STUTTER.sub(r"\1", text)  # for the CSM: "their csm is ines ines vaz"
    labels = labelled_values(text)
    labelled = _labelled(labels)
    named = named_people(text)
    first_csm = next((value for field, value in labels if field == "csm"), None)
    unnamed = first_csm is not None and bool(_UNNAMED.match(first_csm))  # "CSM: (unassigned)"
    if first_csm is not None and re.fullmatch(r"(?i)\W*(?:me|myself)\W*", first_csm):
        csm = writer(text)  # "CSM: me" ... "cheers, Leo"
    else:
        csm = None if unnamed else our_csm(spoken, labelled, named)
    csm = fullest(csm, text) if csm else None
    people = named | ({csm.casefold()} if csm else set())
    ours = _our_company(text, csm)
    account = (labelled.get("account") or _account_in(text, people | ours, common)
               or _lowercase_account(text, common, people) or _domain(text, ours))
    return _Seen(text, labelled, csm, people, ours, account)


def _labelled(labels: list[tuple[str, str]]) -> dict[str, str]:
    """Account and CSM values of labelled lines (`labelled_values`), however the labels are
    spelled: the first value of each that names one."""
    found: dict[str, str] = {}
    for field, raw in labels:
        if field not in ("account", "csm") or field in found:
            continue
        line = re.split(r"(?<!\bInc)(?<!\bLtd)(?<!\bCorp)(?<!\b[A-Z])(?<!\b[A-Z][a-z])(?<!\bBros)"
                        r"(?<!\bPte)(?<!\bPvt)(?<!\bSdn)"
                        r"\.\s+(?=\S)"
                        r"|\s{2,}|\"\s*,\s*\"", raw.strip().split("\n")[0], maxsplit=1)[0]
        head = line.split(")", 1)[0]
        value = clean(head if ")" in line and "(" not in head else line)  # "(CSM: Lee) lost"
        me = ME.match(value)
        value = clean(me["name"] or me["named"]) if me else value
        notes = re.findall(r"\(([^)]*)\)", line)
        if field == "account":  # "Globex Corp, $180k ARR, renews in May"
            if notes and all(ROLE.search(note) and not re.search(r"(?i)\b(?:acct|account|csm)\b",
                                                                  note) for note in notes):
                continue  # people: "Customer — Hemi Ngata (Principal), Lauren Whitmore (PM)"
            value = re.split(r",\s+(?=[$€£¥]|\d)", value)[0]
        if field == "csm":  # "léa fontaine, she replied", "adebayo ogunleye (me) — paged sre"
            if QUEUE.search(value) or LEGAL.search(value) or any(
                    ROLE.search(n) and "csm" not in n.casefold() for n in notes):
                continue  # "Case Owner: Tier 2 Support Queue", "Owner: Karl Jensen (VP CS)",
                # a signature's company below its title "Customer Success Manager"
            handed = HANDED_TO.search(value)
            value = handed["name"] if handed else value  # "from Amy to Raj Patel this week"
            value = re.split(r",\s|\s[-–—]\s|\s\(me\)", without_note(value))[0]
            value = re.sub(r"^[a-z][\w-]*\s*:\s*", "", value)  # "CSM / accountbeheerder: X"
        value = without_note(value)  # "x.com (going by the signup domain)"
        first = value.split(" ")[0].casefold() if value else ""
        if value and first not in NOT_NAMES | NO_ONE and first[:1].isalnum() \
                and len(value.split()) <= (4 if field == "csm" else 8):
            found[field] = value
    return found


def _our_company(text: str, csm: str | None) -> set[str]:
    """Our own company, casefolded: on the CSM's signature (its title line, or a line with a
    legal form just below the name), in the CSM's email domain, and in "from the X CS team"."""
    addresses = [(m[1].casefold(), m[2].casefold()) for m in _ADDRESS.finditer(text)]
    ours = {m["name"].casefold() for m in _OUR_TEAM.finditer(text)}
    ours |= {domain for local, domain in addresses  # "cs@acme.io", "support@"
             if TEAM.fullmatch(local.replace("-", " ").split()[-1])}
    if csm:
        lines = text.splitlines()
        *given, last = csm.casefold().split()
        for n, line in enumerate(lines):
            if line.strip().startswith(csm):
                if re.search(r"customer success|csm", line, re.I):
                    ours |= {clean(part).casefold() for part in re.split(r"[|·,]", line)[2:]}
                ours |= {clean(part).casefold() for below in lines[n + 1: n + 4]
                         if LEGAL.search(part := re.split(r"\s[|·]\s", below)[0].strip())}
            match = re.search(rf"{re.escape(csm)}[^<@\n]{{0,12}}<[^@>]+@([\w-]+)\.", line, re.I)
            if match:
                ours.add(match[1].casefold())
        ours |= {domain for local, domain in addresses  # "ana.lima@"
                 if all(part in local for part in [*given[:1], last])}
    return {name for name in ours if name}


_ADDRESS = re.compile(r"([\w.+-]+)@([\w-]+)\.")
# Our own team, which the writer is from: "this is Priya from the Acme CS team".
_OUR_TEAM = re.compile(rf"\bfrom (?:the )?(?P<name>{WORD}(?: {WORD})?) (?:CS|[Cc]ustomer "
                       r"[Ss]uccess|[Ss]upport|[Ss]uccess) team\b")


def _domain(text: str, ours: set[str]) -> str | None:
    """A customer named only by an email address: "t.nakamura@fernbrook.jp" -> "fernbrook"."""
    for domain in DOMAIN.findall(text):
        if domain.casefold() not in ours and domain.casefold() not in _MAIL_HOSTS:
            return str(domain)
    return None


def _account_in(text: str, people: set[str], common: frozenset[str]) -> str | None:
    """The best-scoring company-shaped name of the text; a name mentioned again scores more,
    and one ever named as a competitor or vendor never wins."""
    domains = {d.replace("-", "").casefold() for d in DOMAIN.findall(text)}
    best: dict[str, float] = {}
    mentions: dict[str, int] = {}
    rivals: set[str] = set()
    written: dict[str, str] = {}
    for match in spans(text):
        name = clean(match.text)
        key = name.casefold()
        if (not name or key in NOT_NAMES or key.split()[0] in NOT_NAMES or name[0].isdigit()
                or key in people or any(key in p or p in key for p in people if len(p) > 3)):
            continue
        before = text[max(0, match.start - 40): match.start]
        after = text[match.end: match.end + 30]
        if _RIVAL_BEFORE.search(before):
            rivals.add(key)
        score = _as_account(_cues(name, before, after, domains, common))
        best[key] = max(best.get(key, score), score)
        mentions[key] = mentions.get(key, 0) + 1
        written.setdefault(key, name)
    scores = {k: best[k] + 0.5 * (mentions[k] - 1) for k in best if k not in rivals}
    if not scores:
        return None
    key = max(scores, key=lambda k: scores[k])
    return written[key] if scores[key] > 0.5 else None


def _lowercase_account(text: str, common: frozenset[str], people: set[str]) -> str | None:
    """A name typed in lower case, where nothing capitalised names the customer: "globex wants
    dark mode", "down at tallgrass ag since 9", "route66 outfitters: reports are slow"."""
    return next((name for name, _, _ in _lower_names(text, common)
                 if name.casefold() not in people), None)


def _lower_names(text: str, common: frozenset[str],
                 ordinary: bool = False) -> Iterable[tuple[str, int, int]]:
    """Names typed in lower case, with where they start and end: not ordinary words ("billing is
    down", "reporting module is slow") unless joined by "&" ("fig & thistle want..."), and
    without a leading "lol" or "yep"."""
    pattern = _SPOKEN_NAME if text == text.lower() else _LOWER_NAME
    at = 0
    while match := pattern.search(text, at):  # overlapping: "for the record account is acme"
        at = match.start("name") + 1
        name, start = match["name"], match.start("name")
        if not re.search(r"(?:\b[a-z]\.[a-z]|\b(?:inc|ltd|co|corp|pte|pty))\.$", name):
            name = name.rstrip(".")  # the sentence's full stop, not "s.a." or "inc."
        if _CORRECTED.match(text, match.end("name")):
            continue  # "marlow and briggs no sorry marlow and hayes"
        while name.split()[0] in _LEADING and " " in name:  # "so one thing on brisco"
            start += len(name.split()[0]) + 1
            name = name.split(" ", 1)[1].lstrip()
        inner = _INNER_LEAD.match(name)  # "down at oakfield ag"
        if inner and inner.end() < len(name):
            start, name = start + inner.end(), name[inner.end():]
        last = name.split()[-1]
        whole, name = name, _trimmed(name)
        if name != whole and name.startswith("the ") and " " in name[4:]:
            start, name = start + 4, name[4:]  # "the" is the trimmed word's: "the x y account"
        words = name.split()
        if words[0] in NOT_NAMES | LOWER_STOP | TITLES or PRONOUNS & set(words):
            continue
        everyday = all(w in common or w in LOWER_STOP for w in words)
        owned = len(words) > 1 and text.startswith("'s", match.end("name")) \
            and last not in NOT_NAMES | LOWER_STOP  # "bright side dental's", not "there's"
        phrase = len(words) > 5 or bool(FUNCTION_WORDS & set(words))  # "said if"
        corrects = bool(_CORRECTING.search(text, 0, start))  # "acme no sorry, acme labs"
        if "&" in words or not everyday or owned or (ordinary or corrects) and not phrase:
            yield name, start, start + len(name)


_CORRECTED = re.compile(r"[ \t,–—-]+(?:no,? )?(?:sorry|i mean|wait)\b")
# A reseller or partner between us and the customer, never the account.
_GO_BETWEEN = re.compile(r"\s*\((?:our |the |their |a |an )?(?:\w+ )?(?:reseller|partner"
                         r"|distributor|integrator|msp|var)\b"
                         r"|,\s*(?:their|its|the customer's) (?:parent(?: company)?|holding company"
                         r"|reseller|partner)\b", re.I)
_BOUGHT_VIA = re.compile(r"\b(?:bought|buy|purchased?|licensed?|signed)(?: us| it)? "
                         r"(?:through|via)\s+(?:the |a )?$", re.I)
_CORRECTING = re.compile(r"\b(?:sorry|i mean),?[ \t]+$")
_INNER_LEAD = re.compile(rf"^.*\s(?:{'|'.join(sorted(_LOWER_LEADS | _ASKS))})\s+")
# Words before a lower-case name that are no part of it; not "the" ("the moss collective").
_LEADING = NOT_NAMES | _LOWER_LEADS | (LOWER_STOP - {"the", "a", "an"})


def _trimmed(name: str) -> str:
    """A lower-case name without the words after it that are no part of one: "bluegill
    outfitters escalation - ..." names "bluegill outfitters", and "sorrel & pine champion (Dee)"
    "sorrel & pine"."""
    while " " in name and name.split()[-1] in NOT_NAMES | TITLES | _CONTACTS:
        name = name.rsplit(" ", 1)[0].rstrip()
    return name


_CONTACTS = frozenset("champion contact sponsor buyer ppl people folks users again too also"
                      .split())


def _cues(name: str, before: str, after: str, domains: set[str],
          common: frozenset[str]) -> dict[str, bool]:
    """What one mention of a name, with the text before and after it, says about it: the
    rules' score adds these up, and the ranker reads them as features."""
    words = name.casefold().split()
    legal = bool(LEGAL.search(name))
    acts = bool(_SUBJECT_AFTER.match(after))  # "X just threatened to cancel"
    squashed = re.sub(r"[^a-z0-9]", "", "".join(words))
    first = re.sub(r"[^a-z0-9]", "", words[0])
    return {
        "legal form": legal,
        "cue before": bool(_ACCOUNT_BEFORE.search(before)),
        "cue after": bool(_ACCOUNT_AFTER.match(after)),
        "acts": acts,
        "opens a sentence": acts and bool(_STARTS_SENTENCE.search(before)),
        "several words": len(words) > 1,
        "email domain": squashed in domains,  # the sender's email domain
        "domain prefix": any(d.startswith(first) for d in domains if d),
        "feature after": bool(_FEATURE_AFTER.match(after)),
        # an ordinary word, capitalised by its place in the sentence
        "ordinary word": len(words) == 1 and not legal and (words[0] in common
                                                            or len(words[0]) < 3),
        "job title": words[-1] in TITLES,  # "Office Manager", "Procurement Lead"
        "acronym or id": bool(re.fullmatch(r"[A-Z0-9]{2,}(?:-\d+)?", name)),  # INC-5530, SSO
    }


def _as_account(cue: dict[str, bool]) -> float:
    """How much one mention of a name says "account", from its cues."""
    score = (4.0 * cue["legal form"] + 2.0 * cue["cue before"] + 2.0 * cue["cue after"]
             + 1.0 * cue["acts"] + 0.5 * cue["opens a sentence"] + 0.5 * cue["several words"])
    if cue["email domain"] or cue["domain prefix"]:
        score += 3.0
    if cue["feature after"] and not cue["legal form"]:
        score -= 4.0  # a product feature: "the Model Viewer has been crashing"
    return score - 5.0 * cue["ordinary word"] - 5.0 * cue["job title"] \
        - 3.0 * cue["acronym or id"]


# The learned account ranker's view of a candidate name (AccountRanker, below)
CANDIDATE_FEATURES = (
    "labelled", "legal form", "cue before", "cue after", "acts", "opens a sentence",
    "several words", "email domain", "feature after", "ordinary word", "job title",
    "acronym or id", "rival", "a person", "lower case", "domain only", "mentions",
    "first position", "first line", "subject line", "quoted", "common words", "rule score",
    "rule choice", "starts with a digit", "whole run", "words left out",
    "starts with 'the'", "ends in an ordinary word", "speaker", "starts with an ordinary word",
    "all ordinary words", "heading",
)
CONTEXT_BUCKETS = 32  # hashed words before, and as many after, a mention
NAMES_FILE = Path("examples") / "names.jsonl"
ACCOUNT_MODEL_FILE = Path("models") / "accounts.npz"


@dataclass
class Candidate:
    """A name that may be the account, as written, with what its mentions say about it."""

    name: str
    features: dict[str, float]
    before: set[str]
    after: set[str]

    def note(self, feature: str, value: float = 1.0) -> None:
        self.features[feature] = max(self.features.get(feature, 0.0), value)


def account_candidates(text: str, common_words: Iterable[str]) -> list[Candidate]:
    """Every name in the text that could be the customer, each with its features."""
    common = frozenset(common_words)
    return _candidates(_read(text, common), common)


def _never_the_account(name: str, people: Collection[str], ours: Collection[str]) -> bool:
    """A name no rule may offer as the customer: a quantity, a date or period, a person, our
    own company ("Larkwire, Inc." on the CSM's signature), a title ("Director of Operations"),
    or acronyms ("the SKUs")."""
    key = name.casefold()
    if not key.strip():
        return True
    bare = key.removeprefix("the ")
    person = re.sub(r"\s+\d[\d:.]*$", "", key)  # "Darnell Fitch 10" of "Darnell Fitch  10:06"
    words = set(key.split())
    return bool(
        (_QUANTITY.match(key) and not _ORDINAL_NAME.match(name))  # but "42nd Street Media"
        or _DATED.match(key) or _PERIOD.match(key)
        or person in people or any(words <= set(p.split()) for p in people)
        or any(re.match(rf"{re.escape(o)}(?:$|[\s,.])", bare) or bare.replace(" ", "") == o
               for o in ours)
        or key.split()[0].rstrip(",;:") in TITLES | _NEVER_FIRST
        or re.fullmatch(r"(?:the )?[A-Z]{2,}s", name))


def _candidates(seen: _Seen, common: frozenset[str]) -> list[Candidate]:
    text, labelled, people, ours = seen.text, seen.labelled, seen.people, seen.ours
    chosen = (seen.rules_account or "").casefold()
    domains = {d.replace("-", "").casefold() for d in DOMAIN.findall(text)}
    found: dict[str, Candidate] = {}

    def add(name: str, start: int, end: int) -> Candidate | None:
        key = name.casefold()
        if _never_the_account(name, people, ours):
            return None
        if text[start - 1: start] == "(" and text[end: end + 1] == ")" and ROLE.search(name):
            return None  # a role: "Sienna Brooks (Director CS)"
        if _GO_BETWEEN.match(text, end) or _BOUGHT_VIA.search(text, 0, start):
            return None  # "Tallwood IT (our reseller)", "they bought through Tallwood IT"
        candidate = found.setdefault(key, Candidate(name, {}, set(), set()))
        candidate.features["mentions"] = candidate.features.get("mentions", 0.0) + 1
        candidate.note("first position", 1 - start / max(len(text), 1))
        line_start = text.rfind("\n", 0, start) + 1
        line = text[line_start: text.find("\n", end) if "\n" in text[end:] else None]
        candidate.note("first line", float(line_start == 0))
        subject = re.match(r"\s*(?:subject|re|fwd?):", line, re.I)
        candidate.note("subject line", float(bool(subject)))
        candidate.note("quoted", float(line.lstrip().startswith(">")))
        before = text[max(0, start - 40): start]
        after = text[end: end + 30]
        candidate.before |= set(re.findall(r"[a-z']+", before.casefold())[-3:])
        candidate.after |= set(re.findall(r"[a-z']+", after.casefold())[:2])
        words = key.split()
        candidate.note("a person", float(key in people or any(
            key in p or p in key for p in people if len(p) > 3)))
        candidate.note("rival", float(bool(_RIVAL_BEFORE.search(before))))
        candidate.note("common words", sum(w in common for w in words) / len(words))
        candidate.note("starts with a digit", float(name[:1].isdigit()))
        candidate.note("lower case", float(name == name.lower() != name.upper()))  # not 株式会社
        cues = _cues(name, before, after, domains, common)
        for feature, present in cues.items():
            if feature in CANDIDATE_FEATURES:
                candidate.note(feature, float(present))
        candidate.note("rule score", _as_account(cues))
        candidate.note("ends in an ordinary word", float(len(words) > 1 and words[-1] in common))
        candidate.note("starts with an ordinary word", float(words[0] in common))
        candidate.note("all ordinary words", float(all(w in common for w in words)))
        candidate.note("speaker", float(bool(re.match(r"\s*:", after))
                                        and text[line_start:start].strip().endswith("]")))
        return candidate

    for span in spans(text):
        run = len(span.text.split())
        for start, end in _pieces(text, span):
            end = tld.end() if (tld := _BARE_TLD.match(text, end)) else end  # "Acme.io"
            name = clean(text[start:end])
            if not name or name.casefold() in NOT_NAMES \
                    or name.casefold().split()[0] in NOT_NAMES:
                continue
            if name.startswith("The ") and _GROUP_AFTER.match(text, end):
                continue  # "The Halden Mills team": the name is "Halden Mills"
            the = re.search(r"\bThe\s+$" if " " in name else r"\bthe\s+$",
                            text[max(0, start - 4): start], 0 if " " in name else re.I) \
                and not _GROUP_AFTER.match(text, end) \
                and (" " in name or bool(_AFTER_THE_NAME.match(text, end))
                     and not _QUANTITY.match(name.casefold()))
            # not "The [Solano Vineyards] team", "the [Snowflake] connector"
            for written, at in ((name, start), *([(text[start - 4: end].strip(), start - 4)]
                                                 if the else [])):  # "the Hive"
                candidate = add(written, at, end)
                if candidate is not None:
                    left_out = run - len(text[start:end].split())
                    candidate.note("whole run", float(left_out == 0))
                    candidate.note("words left out", float(np.log1p(left_out)))
                    candidate.note("starts with 'the'", float(written[:4].casefold() == "the "))
    for name, start, end in _lower_names(text, common, ordinary=True):
        add(name, start, end)
    for match in _LOWER_PAIR.finditer(text):
        if match[0].casefold() not in found:
            add(match[0], match.start(), match.end())
    heading = _HEADING.match(text)
    if heading and heading["name"].split()[0] not in NOT_NAMES | _LOWER_LEADS \
            and not PRONOUNS & set(heading["name"].split()):
        name = _trimmed(heading["name"])
        candidate = add(name, heading.start("name"), heading.start("name") + len(name))
        if candidate is not None:
            candidate.note("heading")
    for match in SCRIPT_NAME.finditer(text):
        name, start = match[0], match.start()
        if company := JAPANESE_COMPANY.search(name):
            name, start = company[0], start + company.start()
        elif HIRAGANA.search(name):
            continue  # Japanese with particles is a phrase: "転送されたメッセージ"
        add(name, start, start + len(name))
    for match in _FULL_DOMAIN.finditer(text):
        if match["name"].casefold() not in _MAIL_HOSTS:
            for name in (match["name"], match["domain"]):  # "kestrel-freight", ".io" kept
                candidate = add(name, match.start("domain"), match.end("domain"))
                if candidate is not None:
                    candidate.note("domain only")
    if labelled.get("account"):
        value = labelled["account"]
        at = text.find(value)
        candidate = add(value, max(at, 0), max(at, 0) + len(value))
        if candidate is not None:
            candidate.note("labelled")
    for key, candidate in found.items():
        candidate.note("rule choice", float(key == chosen))
        candidate.features["mentions"] = float(np.log1p(candidate.features["mentions"]))
    return list(found.values())


# What follows a one-word name that "the" before belongs to ("the Hub is down", "the Hub
# totally down"); not a noun, which "the" belongs to instead ("the Okta integration").
_AFTER_THE_NAME = re.compile(r"\s*(?:[,.;:!?)]|$)| (?:is|are|was|were|has|have|had|says?|said"
                             r"|wants?|needs?|just|will|won't|can't|totally|completely|fully"
                             r"|still|again|and|or)\b")
# A name written as its web address, outside an email or a link: "Acme.io".
_BARE_TLD = re.compile(r"\.(?:io|ai|app|co|dev|com|net)(?![\w.@/-])")
# Two words joined by "&" in lower case, wherever they sit: "sorrel & pine champion (Dee)".
# A noun whose article a "The" before a name is: "The Halden Mills team are asking".
_GROUP_AFTER = re.compile(r"\s+(?:team|people|folks|staff|crew|guys|users|admins|side)\b", re.I)
_LOWER_PAIR = re.compile(r"(?<![\w&'’-])[a-z][\w'’-]+ ?& ?[a-z][\w'’-]+(?![\w&'’-])")
# A short lower-case phrase that opens a note before a colon or a dash: "tiny giant games: ...",
# "marguerite's bakehouse — owner annoyed ...".
_HEADING = re.compile(r"\s*(?P<name>[a-z0-9][\w'’&.-]*(?: [\w'’&.-]+){1,3}?)\s*(?::\s|\s[—–-]\s)")
_FULL_DOMAIN = re.compile(r"(?:@|\b(?:www\.|https?://))(?P<domain>(?P<name>[a-z0-9-]+)"
                          r"(?:\.[a-z0-9-]+)+)", re.I)


def _pieces(text: str, span: Span) -> list[tuple[int, int]]:
    """Where a capitalised run and its leading and trailing parts start and end: a run may
    open with a verb ("Raising Kestrel Analytics") or run on into the next sentence
    ("Pixelforge Studios Ltd. Um")."""
    bounds = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[span.start: span.end])]
    starts = [span.start + a for a, _ in bounds]
    ends = [span.start + b for _, b in bounds]
    whole = (span.start, span.end)
    return [whole, *((starts[0], e) for e in ends[:-1]), *((s, span.end) for s in starts[1:])]


@dataclass(frozen=True)
class AccountRanker:
    """The learned account ranker: a candidate's score is weights @ its vector + bias, and
    the best-scoring candidate is the account (`make train`: tools/train_names.py). The vector
    is the candidate's features, then its mention vector (coach.understanding.mentions) from the
    encoder's states of the text, which `read_tokens` gives."""

    weights: np.ndarray
    bias: float
    read_tokens: ReadTokens

    @classmethod
    def load(cls, knowledge_dir: Path, read_tokens: ReadTokens) -> AccountRanker:
        with np.load(knowledge_dir / ACCOUNT_MODEL_FILE, allow_pickle=False) as data:
            width = len(CANDIDATE_FEATURES) + 2 * CONTEXT_BUCKETS + int(
                data["mention_width"] if "mention_width" in data.files else -1)
            if tuple(str(f) for f in data["features"]) != CANDIDATE_FEATURES \
                    or data["weights"].shape != (width,):
                raise CoachError("the account ranker predates the current candidate features: "
                                 "run `make train`")
            return cls(data["weights"].astype(np.float32), float(data["bias"]), read_tokens)

    def choose(self, candidates: list[Candidate], text: str) -> str | None:
        if not candidates:
            return None
        x = ranker_rows(candidates, text, self.read_tokens(text))
        return candidates[int(np.argmax(x @ self.weights))].name


def ranker_rows(candidates: list[Candidate], text: str, states: TokenStates) -> np.ndarray:
    """Each candidate as the ranker reads it: its vector, then its mention vector."""
    return np.stack([np.concatenate([candidate_vector(c), mention_vector(c.name, text, states)])
                     for c in candidates])


def candidate_vector(candidate: Candidate) -> np.ndarray:
    """A candidate as the ranker reads it: its features, then its hashed context words."""
    context = np.zeros(2 * CONTEXT_BUCKETS, dtype=np.float32)
    for word in candidate.before:
        context[zlib.crc32(word.encode()) % CONTEXT_BUCKETS] = 1.0
    for word in candidate.after:
        context[CONTEXT_BUCKETS + zlib.crc32(word.encode()) % CONTEXT_BUCKETS] = 1.0
    named = np.array([candidate.features.get(f, 0.0) for f in CANDIDATE_FEATURES],
                     dtype=np.float32)
    return np.concatenate([named, context])

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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.domain import CoachError
from coach.parsing.text import chat_lines, record_as_labels, without_note
from coach.understanding.labels import field_of, labelled_values, misspelt_field
from coach.understanding.mentions import ReadTokens, TokenStates, mention_vector

_UPPER = "A-Z\u00C0-\u00DE\u0100-\u017F"
_SCRIPT_FORM = "有限公司|株式会社|有限会社|주식회사|ООО|ОАО|ПАО|АО|شركة|医療法人|合同会社"
# "O'Shea" and "Adebayo-Clarke" are one word, and so is "O'Malley's" before a capital ("O'Malley's
# Hardware"); "I'm" and "Ltd's" end at the apostrophe.
_WORD = (rf"(?:(?:[{_UPPER}]\.){{2,}}|St\.(?= [{_UPPER}])|[{_UPPER}]\w*(?:['’][{_UPPER}]\w*)?"
         rf"(?:(?<=s)['’](?= [{_UPPER}]))?"
         rf"(?:['’]s(?= [{_UPPER}][a-z]))?(?:-\w+)*|\d+[A-Za-z]*)")
# Words of one name are joined by spaces, never by a tab: tabs separate a table's cells.
_JOIN = (r"(?: +(?:&|de|des|da|do|dos|das|di|del|della|van|von|der|den|du|la|le|y|et|und|am|im"
         r"|of) +| +and +(?!I\b)"
         r"| +[dl]['’](?=[A-Z])| +| *[&+] *"
         r"|, +(?=(?:LLC|Inc|Ltd|LLP|GmbH|S\.A\.|SA|S\.L\.)(?!\w)))")
_FORM = (r"(?:SARL|SAC|Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|AG|S\.?A\.? de C\.?V\.?"
         r"|S\.A\.C\.|S\.?A\.?(?:S\.?)?|S\.?p\.?A\.?|SpA|B\.?V\.?|N\.?V\.?|A/S|AS|AB|Oy|K\.?K\.?|PLC|plc|LLP|LP"
         r"|C[Oo]\.(?=[\s,?!;:)]|$)|Co-op|Corp\.?|Ltda\.?|Lda\.?|S\.L\.U\.|S\.R\.L\.?|S\.?L\.?|JSC|SE|Srl"
         r"|S\.r\.l\.|S\.C\.|KG|OÜ|ASA|A\.Ş\.?|Pty|Pvt\.?|Sp\. z o\.o\.|W\.L\.L\.|ehf\.?"
         r"|hf\.|Pte\.? Ltd\.?|Pte\.?|Kft\.?|Bros\.?|PC|Zrt\.?|s\.r\.o\.|a\.s\.|d\.o\.o\.|d\.d\."
         r"|Α\.Ε\.)(?!\w)")
_PART = rf"(?:{_FORM}|\((?:UK|US|EU|Pty|Pvt)\)|#\d+|{_WORD})"
_SPAN = re.compile(rf"(?<![\w@.'’]){_WORD}(?:{_JOIN}{_PART}){{0,6}}")
_LEGAL = re.compile(rf"(?:^|\s){_FORM}$|\((?:Pty|Pvt)\)|{_SCRIPT_FORM}")

# A name in another script ("株式会社ミドリ精工", "ООО «Белая Берёза»"): a run of its letters.
_SCRIPT = ("\u0370-\u03FF\u0400-\u04FF\u0590-\u05FF\u0600-\u06FF\u0E00-\u0E7F"
           "\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF")
_SCRIPT_NAME = re.compile(rf"[{_SCRIPT}«][{_SCRIPT}«»]+(?:[ \t]+[{_SCRIPT}«][{_SCRIPT}«»]*){{0,4}}")
# Our CSM named in another script: "中村(CSM)".
_SCRIPT_CSM = re.compile(rf"(?:^|(?<=[\s、。,:：]))(?P<name>[{_SCRIPT}]{{1,12}}"
                         rf"(?:[ \u3000][{_SCRIPT}]{{1,12}})?)[ \t]*[(（](?i:csm)[)）]", re.M)
# A Japanese company, without the particles that follow it ("株式会社ミナト精機の佐藤です",
# "大和精工株式会社の件で"): its name is written in kanji and katakana, never hiragana.
_KANJI_KANA = "\u30A0-\u30FF\u3400-\u9FFF々"
_HIRAGANA = re.compile("[\u3040-\u309F]")
_JAPANESE_COMPANY = re.compile(rf"(?:株式会社|有限会社|合同会社)[{_KANJI_KANA}]+"
                               rf"|[{_KANJI_KANA}]+?(?:株式会社|有限会社|合同会社)")

_ME = re.compile(r"^(?:me|myself|yours truly)\s*(?:\((?P<name>[^)]+)\)|,\s*(?P<named>.+))", re.I)
# In prose: "attendees: me (Ingrid), Mr. Patel", "Owner is me, Fatima."
_ME_NAMED = re.compile(rf"\bme \((?P<name>{_WORD}(?: {_WORD})?)\)"
                       rf"|\b(?i:owner|csm) (?:is|:|=) me,[ \t]*(?P<named>{_WORD}(?: {_WORD})?)")

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
_LOWER_WORD = r"(?:(?:st|mt|ft|dr)\.|[a-z0-9][\w&+-]*(?:\.[\w&+-]+)*)"
_LOWER_NAME = re.compile(
    r"(?:\b(?:fyi|fwiw|btw|lol|for|at|w/|with|re|on|from|about|escalating|owns|(?:customer|client"
    r"|account) is|so,?)[ \t]+"
    r"|^|\n|:[ \t]+|\][ \t]+|[ \t][-–—][ \t]+|@[ \t]*|\bsev ?\d[ \t]+|[.!?][ \t]+"
    r"|(?:^|\n)[ \t]*[•*·-][ \t]+)"
    rf"(?P<name>{_LOWER_WORD}(?:[ \t]+&?[ \t]*{_LOWER_WORD}){{0,4}}?)"
    r"(?='s\b|[ \t]+(?:is|are|was|were|has|had|wants?|needs?|says?|said|keeps?|just|[a-z]+ed"
    r"|since|they|their|none|who|which|where|re|can't|cannot)\b|[ \t]*[:,][ \t]|[.?](?:\s|$)"
    r"|[ \t]+[-–—][ \t]|[ \t]+\("
    r"|[ \t]*(?:\n|$))")
# The writer says nobody is the CSM: "there is no CSM for them", "their CSM left".
_NO_CSM = re.compile(r"\bno (?:csm|account owner)\b(?! (?:yet|knows|said))|\bcsm (?:has )?left\b",
                     re.I)
# Words that say nobody is named: "CSM: (unassigned)", "no idea who the CSM is here".
_NO_ONE = frozenset("is was has will not unassigned vacant tbd tbc assigned listed here none"
                    .split())
_UNNAMED = re.compile(r"[\s(\"'*_-]*(?:unassigned|vacant|none|nobody|no one|n/a|tbd|tbc|\?|-+$)",
                      re.I)
_LOWER_LEADS = frozenset("for at with on from re".split())
_LOWER_STOP = frozenset("""the a an our their my your this that these those everything
    something nothing nobody everyone someone all some any its it one""".split())
# A number, a quantity or a time is never a name: "05" of "[11:05]", "500k API calls", "02 PM",
# "Speaker 1" of a transcript.
_QUANTITY = re.compile(r"\d+(?:[.,:]\d+)*(?:(?:k|m|bn|x|%|st|nd|rd|th)\b|s?$)|[\d\W_]+$"
                       r"|\d{1,2}(?::\d\d)? ?[ap]m\b|speaker \d")
# A day, date, version or "the 4" of "the 4.12 migration": a word or none, then a number.
_DATED = re.compile(r"(?:the|a|an|on|at|by|no|nr|v|q[1-4]|mon|tue|tues|wed|thu|thur|thurs|fri|sat"
                    r"|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)?\.?\s*#?\d"
                    r"[\d:.,/-]*(?:\s*(?:am|pm|h|utc|gmt|[ecmp][sd]?t|cet|ist))?$")
# A name that opens with an ordinal: "1st Choice Auto Glass", "42nd Street Media".
_ORDINAL_NAME = re.compile(rf"\d+(?:st|nd|rd|th) [{_UPPER}]")
# A period: "Q3", "the Q2", "H2", "FY25".
_PERIOD = re.compile(r"(?:the\s+|end of\s+)?(?:q[1-4]|h[12]|fy\s?'?\d{2,4})$")
# Voice-note fillers, left out when reading a name's context: "with uh Granite Peak".
_FILLERS = re.compile(r"\b(?:um+|uh+|er+|erm|hmm|ähm|äh)(?!\w),?[ \t]*", re.I)
_RIVAL_BEFORE = re.compile(
    r"\b(?:to|into|evaluating|trialling|trialing|vendor|competitor|partner|use|using|via|like"
    r"|than|versus|vs\.?)\s+(?:the\s+)?$", re.I)
_FEATURE_AFTER = re.compile(
    r"^\s+(?:tab|page|module|button|app|viewer|editor|screen|report|reports|feature|field|form"
    r"|dashboard|api|integration|template|board|portal|widget|menu|header|ui)\b", re.I)

# Context that makes a name our CSM.
_CSM_BEFORE = re.compile(
    r"(?:\b(?:i'm|i am|im|it's|its|this is|my name is|me =|me:|me is|csm is|signed)\s*"
    r"|\bit's me\s+|\bcsm(?: note| notes| update)?\s*\(\s*|\(\s*csm:?\s+|(?:^|\n)\s*[-–—]+\s*"
    r"|\bcsm,?\s+"
    r"|\bi(?:'?m| am) (?:the|their) csm(?: here| on (?:this|it))?\s*[-–—:,]\s*"
    r"|(?:thanks|cheers|regards|best|thx)[,!]?\s*)$", re.I)
# Said outright before the name: "Their CSM, Y", "CSM on record: Y", "CSM per Salesforce: Y".
_CSM_TOLD = re.compile(r"(?:\b(?:the|their|our|his|her) (?:csm|account owner)(?:,| is)"
                       r"|\bcsm (?:on|of) (?:record|file)\s*:"
                       r"|\bcsm (?:per|in|from) [\w.]+\s*:)\s*$", re.I)
_CSM_AFTER = re.compile(
    r"^(?:,? (?:who )?(?:is )?(?:the |their |your |our )?(?:csm|customer success manager"
    r"|account owner)"
    r"\b(?!\s*(?:is\b|=|:))|\s*\((?:the |their |our |\w+ )?(?:csm|account owner)"
    r"(?:\s*[),]|(?-i: [a-z][\w-]*){1,3}\))"
    r"|\s*,\s*csm\b|['’]s (?:the |their |our |your )?(?:csm|account owner)\b"
    r"|\s+owns (?:the|this|their|that) account\b"
    r"|\s+(?:ist|es|est|é) (?:der|die|unser|el|la|su|le|leur|o|a) csm\b"
    r"|\s+here\b|\s*\n\s*customer success|\s+[-–—]\s+csm\b"
    r"|,? (?:calling|by the way)|\s*,\s*(?:the )?csm on\b|,? i'm (?:the|their) csm"
    r"|\s*\(me\)|\s*\|\s*customer success"
    r"|,?\s+can you (?:take|own|pick up) (?:this|it|point|the lead|ownership)\b)", re.I)
# People named by an email's headers or greeting: a customer contact, or (To:) us.
_FROM = re.compile(r"^\s*>?\s*(?:from|von|de|van|差出人)\s?[:：]\s*(?P<name>[^<\n,]+)",
                   re.I | re.M)
_TO = re.compile(r"^\s*(?:to|an|à|para|aan|宛先)\s?[:：]\s*(?P<name>[^<\n;,]+)", re.I | re.M)
_GREETING = re.compile(
    rf"^\s*(?:hi|hello|hey|dear)\s+(?:mr\.?|ms\.?|mrs\.?|dr\.?)?\s*(?P<name>{_WORD}"
    rf"(?:\s{_WORD})?)\s*[,!]", re.I | re.M)
_DOMAIN = re.compile(r"@(?P<domain>[a-z0-9-]+)\.", re.I)
_MAIL_HOSTS = frozenset({"gmail", "outlook", "hotmail", "yahoo", "icloud", "proton", "mail"})
# A role in brackets makes the name before it a person: "Karen Whitfield (VP Ops)".
_ROLE = re.compile(r"\b(?:vp|ceo|cfo|cto|coo|ciso|md|it|ops|admin|champion|manager|mgr|lead|head"
                   r"|security|eng"
                   r"|director|officer|engineer|ae|gm|owner|founder|president|controller"
                   r"|analyst|sponsor|contact|sre|pm|procurement|legal|counsel|finance"
                   r"|deal desk|support|on-call|dir|principal|rep|sales|accountant"
                   r"|consultant|coordinator|specialist|assistant|associate|revops)\b", re.I)
_ROLE_THEN_NAME = re.compile(
    r"\b(?:their|our|the customer's)\s+(?:[a-z]+\s+)?(?:champion|controller|contact|admin|cto"
    r"|ceo|cfo|coo|cio|ciso|vp|director|manager|lead|head|owner|founder|dev|developer|engineer|buyer"
    rf"|sponsor)\s+(?P<name>{_WORD}(?: {_WORD})?)")
# Not a person: "To: CS Escalations", "Deal Desk".
_QUEUE = re.compile(r"\b(?:queue|team|desk|tier \d|l\d|support|pool(?:ed)?)\b", re.I)
_TEAM = re.compile(r"\b(?:escalations?|desk|team|support|leadership|leads?|success|ops|help"
                   r"|inbox|alerts?|cs)\b", re.I)
_SELF_CSM = re.compile(r"\bi(?:'?m| am) (?:their |the |her |his |the account's )?"
                       r"(?:csm|account owner)\b"
                       r"|\bthat'?s (?:one of )?mine\b|\bis (?:my account|mine)\b|\bcsm there\b"
                       r"|\bas (?:the |their )?csm\b|\bi(?:'ll)? own (?:this|it|the account)\b"
                       r"|\b(?:account owner|csm)\s*[:=-]\s*me\b"
                       r"|\bmy account|\bone of my accounts\b|\byep,? mine\b|\bmy champion\b"
                       r"|\b(?:soy|sou) (?:su|el|la|o|a|seu|sua) csm\b", re.I)
_SIGNED_AS_CSM = re.compile(
    rf"(?:^|\n)[ \t>]*(?P<name>{_WORD}(?: {_WORD}){{1,2}})(?:[ \t]*\n[ \t>]*|[ \t]*[|–—][ \t]*)"
    r"(?i:(?:senior |sr\.? |lead )?(?:csm|customer success manager))\b(?![ \t]*[:=])")
# A transcript's speaker: "Speaker 1 (Ollie Brennan): ...", "Ilse Van Damme: ...".
_SPEAKER = re.compile(r"^[ \t]*(?:Speaker \d+ \((?P<named>[^)\n]+)\)|(?P<name>[A-Z][\w'’.-]+"
                      r"(?: [A-Z][\w'’.-]*){1,3}))[ \t]*:(?P<said>[^\n]*)", re.M)
# A chat's speaker known by one name ("Bex: I own the account btw"), when one speaks twice.
_SOLO_SPEAKER = re.compile(r"^[ \t]*(?P<name>[A-Z][a-z'’-]+)[ \t]*:(?P<said>[^\n]*)", re.M)
# In a chat, a colleague telling someone they are the CSM: "ok Abebe, you're the CSM", "Arjun, as
# CSM keep them updated" (the name is the addressee), or "you're the CSM so you lead" (no name:
# the one they answer).
_YOU_CSM = re.compile(rf"(?:\b(?P<name>{_WORD}),\s*)?(?i:(?:you'?re|you are|as) (?:the |their )?"
                      r"(?:csm|account owner))\b")
# The one a note is written to: "Kat, ...", "Hi Sam, ...".
_ADDRESSED = re.compile(rf"\s*(?:(?i:hi|hey|hello)\s+|@)?(?P<name>{_WORD})\s*,")
# The part of a note its writer wrote: what comes before a quoted or forwarded message.
_QUOTED_PART = re.compile(r"^\s*(?:On [^\n]{5,100} wrote:|-{2,} ?(?:Original|Forwarded) Message|>"
                          r"|(?:from|de|von|van|da)\s?:[^\n]*\n\s*(?:sent|date|datum|data|fecha"
                          r"|envoyé|gesendet)\s?:)", re.I | re.M)
# A lower-case sign-off ending the note: "... not urgent. -sam", "-raj (csm)".
_LOWER_SIGN_OFF = re.compile(r"(?:^|\s)[-–—/]+ ?(?P<name>[a-z][a-z'-]{1,20})"
                             r"(?: ?\((?P<full>[A-Z][\w'’-]+ [A-Z][\w'’-]+)?[^)\n]*\))?\s*$")
# A CSM named in lower case after the word: "csm ingrid vos", "csm noah friedman, already added".
_LOWER_CSM = re.compile(r"(?<!\bno )(?<!\bthe )\bcsm\s*(?:[:=]|is)?[ \t]+"
                        r"(?P<name>[a-z][\w'’-]+(?: [a-z][\w'’-]+)?)"
                        r"(?=[,.;]|\s*$|\s+\(me\)|\s+(?:but|and|who)\b)"
                        r"|\b(?P<owner>[a-z][a-z'-]+)['’]s (?:the|their) csm\b"
                        r"|\bcsm \((?P<aside>[a-z][a-z'-]+)\)", re.I)
# A lower-case note whose writer says who they are: "hey it's nia i'm the csm", "hi its omar
# calling from the airport", "... this is lena by the way the csm".
_LOWER_INTRO = re.compile(r"\b(?:this is|it'?s|i'?m|i am|my name is|hier ist|ich bin)"
                          r" (?P<name>[a-z][a-z'-]{1,20})"
                          r"(?:(?=,? (?:by the way,? )?(?:the|their) csm\b)|(?P<opens>,? (?:here"
                          r"|calling|recording|from|with|by the way|(?:and )?(?:i'?m|i am))\b))?")
_BOILERPLATE = re.compile(r"^\s*sent from my \w+.*$", re.I | re.M)
_NOT_NAMES = frozenset("""i me my we our us you your yours he she his her they them their it its
    this that these those there here as hi hey hello dear thanks cheers regards best team all
    everyone anyone someone nobody nothing none no yes ok okay so um uh quick urgent fyi re fwd fw
    sent date subject from to cc monday tuesday wednesday thursday friday saturday sunday today
    tomorrow yesterday morning yep yeah yup nope nah lol january february march april may june
    july august september october november december sev severity csm customer client account
    support engineering sales finance product security legal qa ops it hr vp ceo cfo cto coo ciso
    api sso ui ux pdf csv sla p1 p2 p3 p4 eod cob asap call notes update heads note escalation
    escalating escalate internal recap attendees forwarded original message ours theirs
    usd eur gbp jpy cad aud chf inr sgd nzd sek nok dkk brl mxn zar""".split())

_OPENERS = frozenset("""escalating escalate escalation urgent re fwd fw notes call quick update
    fyi hi hey hello ugh omg so okay ok um uh morning flagging logging csm
    escalo escalando escalamos escalade""".split())
_TITLES = frozenset("""manager officer director lead head controller developer engineer founder
    president vp chief coordinator administrator admin analyst specialist supervisor owner
    principal executive ceo cfo cto coo ciso""".split())


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
    if csm and _QUEUE.search(csm):
        csm = None  # a team signs as a team: "Tallyforge Support" is no CSM
    if csm and account and csm.casefold() == account.casefold():
        csm = None
    return Names(account=account, csm=csm)


def _with_the(name: str | None, text: str) -> str | None:
    """A name of several words with the "The" the text writes before it ("The Copper Kettle
    Group", "| Account | The Ashgrove Trust |")."""
    if name and " " in name and re.search(rf"\bThe {re.escape(name)}", text):
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
        if len(words) > 1 and candidate.name[:1].isupper() and len(words[0]) >= 4 \
                and handle.startswith(words[0]):
            return candidate.name
    return name


# Words that end a company's name: "Pinewood Health" is "Pinewood Health Partners" where the
# text writes it so.
_DESIGNATOR = (r"(?:Partners|Architects|Associates|Group|Holdings|Labs|Studios?|Systems|Solutions"
               r"|Logistics|Industries|Technologies|Consulting|Ventures|Capital|Media|Foods"
               r"|Farms|Hotels|Resorts|Clinics?|Healthcare|Pharma|Enterprises|Services"
               r"|Networks|Software|Analytics|Collective|Trust|Foundation|Institute|Agency"
               r"|Company|Corporation|International|Worldwide|Brands|Manufacturing)")


def _fuller(name: str, text: str) -> str:
    """The fullest form of the chosen account the text writes: with a company word or legal form
    after it ("Cedar & Stone" -> "Cedar & Stone Architects"), a number before it ("Dental
    Partners" -> "360 Dental Partners"), or the partners' names before a firm's ("Ng & Loewe
    LLP" -> "Hart, Ng & Loewe LLP")."""
    named = re.escape(name)
    longer = [
        rf"(?<![\w&]){named}(?: {_DESIGNATOR}| {_FORM}|,? {_FORM})+(?![\w'’])",
        rf"(?:^|(?<=[\n(\[])|(?<=[.,:] ))\d+ {named}(?![\w'’])",
    ]
    if re.search(r"&| and ", name) and not re.search(r"& Co\b", name):  # not "GmbH & Co. KG"
        surname = rf"[{_UPPER}][a-z\u00DF-\u00FF][\w'’]*"  # "Hart", never "QBR"
        longer.append(rf"(?<![\w'’]){surname}(?:, {surname})*, {named}(?!\w)")
    found = [m[0] for pattern in longer for m in re.finditer(pattern, text)
             if not any(w.casefold() in _TITLES or _ROLE.fullmatch(w)
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
    labels = labelled_values(text)
    labelled = _labelled(labels)
    named = _people(text)
    first_csm = next((value for field, value in labels if field == "csm"), None)
    unnamed = first_csm is not None and bool(_UNNAMED.match(first_csm))  # "CSM: (unassigned)"
    csm = None if unnamed else _our_csm(text, labelled, named)
    csm = _fullest(csm, text) if csm else None
    people = named | ({csm.casefold()} if csm else set())
    ours = _our_company(text, csm)
    account = (labelled.get("account") or _account_in(text, people | ours, common)
               or _lowercase_account(text, common, people) or _domain(text, ours))
    return _Seen(text, labelled, csm, people, ours, account)


# A legal form whose full stop is its own ("Inc.", "S.A.S."), not the sentence's ("SpA.", "GmbH.").
_DOTTED = re.compile(r"(?:\.\w+|\b(?:Inc|Co|Corp|Ltd|Bros|Ltda|Lda|Pvt|Pte|Kft|Zrt|ehf|hf))\.$",
                     re.I)


def _clean(value: str) -> str:
    value = " ".join(value.split())
    dotted = re.search(rf"\b{_FORM}\.?$", value) and _DOTTED.search(value)
    kept = "." if dotted or re.search(r"\s[A-Z]\.$", value) else ""  # "Zoe T."
    value = re.sub(r"^(?:the|The)\s+", "", value.strip(" .,:;-–—*_\"'“”")) + kept
    return re.sub(r"(?:'s|’s)$", "", value)


def _labelled(labels: list[tuple[str, str]]) -> dict[str, str]:
    """Account and CSM values of labelled lines (`labelled_values`), however the labels are
    spelled: the first value of each that names one."""
    found: dict[str, str] = {}
    for field, raw in labels:
        if field not in ("account", "csm") or field in found:
            continue
        line = re.split(r"(?<!\bCo)(?<!\bInc)(?<!\bLtd)(?<!\bCorp)(?<!\b[A-Z])(?<!\bSp)\.\s+(?=\S)"
                        r"|\s{2,}|\"\s*,\s*\"", raw.strip().split("\n")[0], maxsplit=1)[0]
        head = line.split(")", 1)[0]
        value = _clean(head if ")" in line and "(" not in head else line)  # "(CSM: Lee) lost"
        me = _ME.match(value)
        value = _clean(me["name"] or me["named"]) if me else value
        notes = re.findall(r"\(([^)]*)\)", line)
        if field == "account":  # "Globex Corp, $180k ARR, renews in May"
            if notes and all(_ROLE.search(note) for note in notes):
                continue  # people: "Customer — Hemi Ngata (Principal), Lauren Whitmore (PM)"
            value = re.split(r",\s+(?=[$€£¥]|\d)", value)[0]
        if field == "csm":  # "léa fontaine, she replied", "adebayo ogunleye (me) — paged sre"
            if _QUEUE.search(value) or any(_ROLE.search(n) and "csm" not in n.casefold()
                                           for n in notes):
                continue  # "Case Owner: Tier 2 Support Queue", "Owner: Karl Jensen (VP CS)"
            value = re.split(r",\s|\s[-–—]\s|\s\(me\)", without_note(value))[0]
        value = without_note(value)  # "x.com (going by the signup domain)"
        first = value.split(" ")[0].casefold() if value else ""
        if value and first not in _NOT_NAMES | _NO_ONE and first[:1].isalnum() \
                and len(value.split()) <= (4 if field == "csm" else 8):
            found[field] = value
    return found


@dataclass(frozen=True)
class _Span:
    """A run of capitalised words, and where it sits in the text."""

    text: str
    start: int
    end: int


def _spans(text: str) -> list[_Span]:
    """Capitalised runs, without an opening word that only starts the sentence
    ("Escalating Halvorsen Hotels" -> "Halvorsen Hotels")."""
    out = []
    for match in _SPAN.finditer(text):
        start, words = match.start(), match[0].split(" ")
        if len(words) > 1 and words[0].casefold() in _OPENERS:
            start += len(words[0]) + 1
        out.append(_Span(text[start: match.end()], start, match.end()))
    return [span for span in out if span.text.strip()]


def _speaker_csm(text: str) -> str | None:
    """In a pasted chat ("[09:15] Priya: yes, I'm their CSM"), the speaker who says so, or the
    one a colleague tells so ("Arjun, as CSM keep them updated"; "you're the CSM, you lead")."""
    speakers: list[str] = []
    asked = False  # the line before asked whose account it is
    for name, said in _chat(text):
        speaker = _clean(without_note(name))  # "Marisol Ortega (CSM)"
        if re.search(r"\((?:[^)]* )?csm\)$", name, re.I):
            return speaker  # "Valentina Ruiz (Tallyline CSM): on it"
        told = _YOU_CSM.search(said)
        if told and told["name"] and told["name"].casefold() not in _NOT_NAMES:
            return next((s for s in speakers if s.split()[0] == told["name"]), told["name"])
        if told and re.search(r"(?i)\byou", told[0]):
            return next((s for s in reversed(speakers) if s != speaker), None)
        if _SELF_CSM.search(said) or (asked and re.match(r"\W*me\b", said, re.I)):
            named = re.match(rf"\W*(?i:me)\s*[-–—,:]\s*(?P<name>{_WORD}(?: {_WORD})?)", said)
            return named["name"] if named else speaker  # "who owns X?" - "me, why", "Me - Emi"
        asked = bool(_WHO_OWNS.search(said))
        speakers.append(speaker)
    return None


def _chat(text: str) -> list[tuple[str, str]]:
    """Who said what in a pasted chat: timed lines, "Full Name: ..." lines, else lines of
    one-word speakers, one of whom speaks twice; [] when the text is no chat."""
    lines = chat_lines(text) or [(m["named"] or m["name"], m["said"])
                                 for m in _SPEAKER.finditer(text)]
    if lines:
        return lines
    solo = [(m["name"], m["said"]) for m in _SOLO_SPEAKER.finditer(text)
            if m["name"].casefold() not in _NOT_NAMES and field_of(m["name"]) is None
            and misspelt_field(m["name"]) is None]
    names = [name for name, _ in solo]
    return solo if len(set(names)) < len(names) else []


_WHO_OWNS = re.compile(r"\b(?:who(?:'s| is)? (?:owns?|the csm|csm)|whose account)\b[^\n]*\?", re.I)


def _fullest(name: str, text: str) -> str:
    """Our CSM's name in the fullest form the text writes it: "Lena" -> "Lena Fischer" when
    the attendees list "Lena Fischer (CSM)"; initials "A.K." -> "Aleksandra Kowalczyk"."""
    if " " in name:
        return name
    initials = re.sub(r"[^A-Z]", "", name) if re.fullmatch(r"(?:[A-Z]\.?){2,3}", name) else ""
    for span in _spans(text):
        words = _clean(span.text).split()
        if not 2 <= len(words) <= 3 or _LEGAL.search(span.text) \
                or any(w.casefold() in _NOT_NAMES for w in words[1:]):
            continue
        if words[0].casefold() == name.casefold() \
                or (initials and "".join(w[0] for w in words) == initials):
            return " ".join(words)
    return name


def _internal_sender(text: str) -> str | None:
    """The sender of an email to colleagues (a team alias, a role, our own domain): our CSM."""
    sender, to = _FROM.search(text), _TO.search(text)
    if not sender or not to:
        return None
    end = text.find("\n", to.start())
    line = text[to.start(): end if end >= 0 else None]
    theirs, ours = _DOMAIN.search(text[sender.start(): to.start()]), _DOMAIN.search(line)
    same = bool(theirs and ours and theirs[1].casefold() == ours[1].casefold())
    name = _clean(sender["name"])
    # A team or role addressee means colleagues, unless the sender writes from outside.
    undressed = "@" not in text[sender.start(): to.start()]
    if (same or (undressed and (_TEAM.search(line) or _ROLE.search(line)))) and "@" not in name:
        return name or None
    return None


def _our_company(text: str, csm: str | None) -> set[str]:
    """Our own company, casefolded: on the CSM's signature line and in our email domain."""
    ours: set[str] = set()
    if csm:
        for line in text.splitlines():
            if line.strip().startswith(csm) and re.search(r"customer success|csm", line, re.I):
                ours |= {_clean(part).casefold() for part in re.split(r"[|·,]", line)[2:]}
            match = re.search(rf"{re.escape(csm)}\s*<[^@>]+@([\w-]+)\.", line, re.I)
            if match:
                ours.add(match[1].casefold())
    return {name for name in ours if name}


def _domain(text: str, ours: set[str]) -> str | None:
    """A customer named only by an email address: "t.nakamura@fernbrook.jp" -> "fernbrook"."""
    for domain in _DOMAIN.findall(text):
        if domain.casefold() not in ours and domain.casefold() not in _MAIL_HOSTS:
            return str(domain)
    return None


def _people(text: str) -> set[str]:
    """Names the text gives to people (senders, greetings, signatures), casefolded."""
    out = {_clean(m["name"]).casefold() for m in _FROM.finditer(text)}
    out |= {_clean(name).casefold() for name, _ in chat_lines(text)}
    out |= {_clean(m["name"]).casefold() for m in _TO.finditer(text)}
    out |= {_clean(m["name"]).casefold() for m in _GREETING.finditer(text)}
    for name, role in re.findall(rf"\b({_WORD}(?: {_WORD}){{0,2}}) \(([^)\n]{{2,40}})\)", text):
        if not _LEGAL.search(name) and _ROLE.search(role):
            out.add(name.casefold())  # "Karen Whitfield (VP Ops)": a person with a role
    for match in _ROLE_THEN_NAME.finditer(text):
        out.add(match["name"].casefold())  # "their controller Maggie Doyle"
    for match in re.finditer(rf"\(({_WORD} {_WORD}),[^)\n]{{2,40}}\)", text):
        if _ROLE.search(match[0]):
            out.add(match[1].casefold())  # "(Ruth Kessler, Dir. RevOps)"
    for match in re.finditer(rf"(?:^|\n)[ \t>]*({_WORD} {_WORD})[ \t]*\n[ \t>]*[A-Z][^\n]{{2,60}}",
                             text):
        if not _LEGAL.search(match[1]):
            out.add(match[1].casefold())  # a signature's name line above its title line
    return out


def _signature_csm(text: str) -> str | None:
    """A signature's name above its title line ("Adaeze Okonkwo\nCSM – West Africa") or
    beside it ("Joel Abernathy | Senior CSM | Tallyline")."""
    match = _SIGNED_AS_CSM.search(text)
    if not match or match["name"].casefold() in _NOT_NAMES or field_of(match["name"]):
        return None  # "Account Name | CSM Owner | ...": a table's header
    return _clean(match["name"])


def _claimed_by_sender(text: str) -> str | None:
    """The sender of an email that says "I'm the CSM" (not a chat: its speakers say so)."""
    sender = _FROM.search(text)
    if sender and not chat_lines(text) and _SELF_CSM.search(text[sender.end():]):
        name = _clean(sender["name"])
        return name if name and "@" not in name and not _TEAM.search(name) else None
    return None


def _our_csm(text: str, labelled: dict[str, str], people: set[str]) -> str | None:
    """Our CSM, from the surest source a text has: a signature's title, a label, a chat speaker
    or an email's sender who says so, "me (Ingrid)", a name the text says is the CSM ("Y is the
    CSM on X", "Y (CSM)"), the sender of a note to colleagues; then weaker cues, the addressee
    of a customer's email, a name signing the note off."""
    script = _SCRIPT_CSM.search(text)
    found = (_signature_csm(text) or labelled.get("csm") or (script and script["name"])
             or _speaker_csm(text) or _claimed_by_sender(text))
    if found:
        return found
    own = text[: m.start()] if (m := _QUOTED_PART.search(text)) else text
    me = _ME_NAMED.search(own)
    if me:
        return me["name"] or me["named"]  # "attendees: me (Ingrid)", "Owner is me, Fatima."
    told = _ADDRESSED.match(own) if _YOU_CSM.search(own) else None
    if told and told["name"].casefold() not in _NOT_NAMES:
        return told["name"]  # "Kat, Emberly's sync is broken ... You're the CSM so ..."
    cued = _cued_csm(text, own, people)
    if cued and cued[0] >= 3:
        return cued[1]
    if _NO_CSM.search(own):
        return None  # not the sender who says so
    return _internal_sender(text) or (cued[1] if cued else None) or _signed_off(text, own)


def _cued_csm(text: str, own: str, people: set[str]) -> tuple[int, str] | None:
    """The name the strongest CSM cues introduce, with its score (6 or more: told outright, as
    "Y (CSM)"; 3 or more: a strong cue, as a sign-off ending the note)."""
    best: tuple[int, str] | None = None
    senders = {_clean(m["name"]).casefold() for m in _FROM.finditer(text)}
    for match in _spans(text):
        name = _clean(match.text)
        if not name or name[0].isdigit() or {name.casefold(), name.casefold().split()[0]} \
                & (_NOT_NAMES | senders) or _LEGAL.search(name) \
                or set(name.casefold().split()) <= _TITLES:
            continue  # a customer signing their own email is not our CSM
        before = _FILLERS.sub("", text[max(0, match.start - 30): match.start])
        after = text[match.end: match.end + 40]
        said = bool(_CSM_AFTER.match(after) or _CSM_TOLD.search(before))  # "Y (CSM)", "Y here"
        # "... is slow. - Tomasz", "/Noor" ending the note or its first paragraph
        line = text[text.rfind("\n", 0, match.start) + 1: match.start]
        signed = bool(re.search(r"\s[-–—/]+\s*$", before)) and match.start < len(own) and (
            not own[match.end:].strip() or bool(re.match(r"[ \t]*\n[ \t]*\n", after))) \
            and len(name.split()) <= 3 and not re.match(r"\s*\w+\s?:", line)
        quoted = text[text.rfind("\n", 0, match.start) + 1:].lstrip().startswith(">")
        if not (said or signed) and (name.casefold() in people or quoted):
            continue  # the customer's people, their signatures, quoted replies
        ends_line = bool(re.match(r"[ \t]*(?:\n|$)", after))
        cued = bool(_CSM_BEFORE.search(before))
        if cued and re.search(r"(?:^|\n)\s*[-–—]+\s*$", before) and not ends_line:
            cued = False  # "- Appointment reminders failing": a bullet, not a sign-off
        score = 6 * said + 2 * cued + (cued and not after.strip()) + 2 * signed
        if score and (best is None or score > best[0]):
            best = (score, name)
    return best


def _signed_off(text: str, own: str) -> str | None:
    """The addressee of a customer's email, else a name signing the writer's part off, else a
    CSM named in lower case ("csm is rory"), else a lower-case sign-off ("- kat")."""
    to = _TO.search(text)
    if to and _FROM.search(text):  # a customer's email to us: we are its addressee
        name = _clean(to["name"])
        if name and "@" not in name and name.casefold() not in _NOT_NAMES \
                and not _TEAM.search(name):
            return name
    lines = own.strip().splitlines()
    if len(lines) > 1 and re.fullmatch(rf"\s*{_WORD}(?: {_WORD})?\s*", lines[-1]) \
            and lines[-1].strip().casefold() not in _NOT_NAMES and not _LEGAL.search(lines[-1]) \
            and lines[-1].split()[-1].casefold() not in _TITLES \
            and not _TITLES & set(lines[-2].casefold().split()):
        return lines[-1].strip()  # a bare name signing the note off, not a signature's company
    for lower in _LOWER_CSM.finditer(own):  # "csm is rory but ... - kat", "ahmed's their csm"
        name = lower["name"] or lower["owner"] or lower["aside"]
        if not set(name.casefold().split()) & (_NOT_NAMES | _LOWER_STOP | _NO_ONE):
            return name
    low = _LOWER_SIGN_OFF.search(own.rstrip())
    if low and low["name"] not in _NOT_NAMES | _LOWER_STOP:
        return low["full"] or low["name"]
    return _introduced(_FILLERS.sub("", own))


def _introduced(text: str) -> str | None:
    """The writer of a lower-case note who introduces themself as its CSM, or at its start."""
    claimed = bool(_SELF_CSM.search(text))  # "... i'm the csm btw it's noor"
    for match in _LOWER_INTRO.finditer(text):
        name = match["name"]
        if name in _NOT_NAMES | _LOWER_STOP | _FUNCTION_WORDS | _PRONOUNS | _NO_ONE \
                or name.endswith(("ing", "ed")):
            continue
        opening = match.start() <= 40
        if (match["opens"] is None and match.end() < len(text)
                and not re.match(r",? (?:by the way,? )?(?:the|their) csm", text[match.end():])):
            if not (claimed and (opening or "csm" in text[max(0, match.start() - 30):])):
                continue
        elif match["opens"] and not opening and not claimed:
            continue
        return name
    return None


def _account_in(text: str, people: set[str], common: frozenset[str]) -> str | None:
    """The best-scoring company-shaped name of the text; a name mentioned again scores more,
    and one ever named as a competitor or vendor never wins."""
    domains = {d.replace("-", "").casefold() for d in _DOMAIN.findall(text)}
    best: dict[str, float] = {}
    mentions: dict[str, int] = {}
    rivals: set[str] = set()
    written: dict[str, str] = {}
    for match in _spans(text):
        name = _clean(match.text)
        key = name.casefold()
        if (not name or key in _NOT_NAMES or key.split()[0] in _NOT_NAMES or name[0].isdigit()
                or key in people or any(key in p or p in key for p in people if len(p) > 3)):
            continue
        before = _FILLERS.sub("", text[max(0, match.start - 40): match.start])
        after = _FILLERS.sub("", text[match.end: match.end + 30])
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
    return next((name for name, _, _ in _lower_names(_FILLERS.sub("", text), common)
                 if name.casefold() not in people), None)


def _lower_names(text: str, common: frozenset[str],
                 ordinary: bool = False) -> Iterable[tuple[str, int, int]]:
    """Names typed in lower case, with where they start and end: not ordinary words ("billing is
    down", "reporting module is slow") unless joined by "&" ("fig & thistle want..."), and
    without a leading "lol" or "yep"."""
    for match in _LOWER_NAME.finditer(text):
        name, start = match["name"].rstrip("."), match.start("name")
        while name.split()[0] in _LEADING and " " in name:  # "so one thing on brisco"
            start += len(name.split()[0]) + 1
            name = name.split(" ", 1)[1].lstrip()
        inner = _INNER_LEAD.match(name)  # "down at oakfield ag"
        if inner and inner.end() < len(name):
            start, name = start + inner.end(), name[inner.end():]
        last = name.split()[-1]
        name = _trimmed(name)
        words = name.split()
        if words[0] in _NOT_NAMES | _LOWER_STOP | _TITLES or _PRONOUNS & set(words):
            continue
        everyday = all(w in common or w in _LOWER_STOP for w in words)
        owned = len(words) > 1 and text.startswith("'s", match.end("name")) \
            and last not in _NOT_NAMES | _LOWER_STOP  # "bright side dental's", not "there's"
        phrase = len(words) > 5 or bool(_FUNCTION_WORDS & set(words))  # "said if"
        if "&" in words or not everyday or owned or (ordinary and not phrase):
            yield name, start, start + len(name)


_INNER_LEAD = re.compile(rf"^.*\s(?:{'|'.join(sorted(_LOWER_LEADS))})\s+")
# Words before a lower-case name that are no part of it; not "the" ("the moss collective").
_LEADING = _NOT_NAMES | _LOWER_LEADS | (_LOWER_STOP - {"the", "a", "an"})


def _trimmed(name: str) -> str:
    """A lower-case name without the words after it that are no part of one: "bluegill
    outfitters escalation - ..." names "bluegill outfitters", and "sorrel & pine champion (Dee)"
    "sorrel & pine"."""
    while " " in name and name.split()[-1] in _NOT_NAMES | _TITLES | _CONTACTS:
        name = name.rsplit(" ", 1)[0].rstrip()
    return name


_CONTACTS = frozenset("champion contact sponsor buyer ppl people folks users".split())
# Words of a phrase, never of a name made of ordinary words: "like four days which".
_FUNCTION_WORDS = frozenset("""a an the in if not which who what when where why how to is are
    was were be been said like but or than then just very really also about into after before
    because while still only even since until above below over under across through""".split())
# Never a word of a name typed in lower case: "pls call me re: ...", "sev1 channel pls".
_PRONOUNS = frozenset("i me my we our us you your he she his her they them their pls please"
                      .split())


def _cues(name: str, before: str, after: str, domains: set[str],
          common: frozenset[str]) -> dict[str, bool]:
    """What one mention of a name, with the text before and after it, says about it: the
    rules' score adds these up, and the ranker reads them as features."""
    words = name.casefold().split()
    legal = bool(_LEGAL.search(name))
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
        "job title": words[-1] in _TITLES,  # "Office Manager", "Procurement Lead"
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


def _candidates(seen: _Seen, common: frozenset[str]) -> list[Candidate]:
    text, labelled, people, ours = seen.text, seen.labelled, seen.people, seen.ours
    chosen = (seen.rules_account or "").casefold()
    domains = {d.replace("-", "").casefold() for d in _DOMAIN.findall(text)}
    found: dict[str, Candidate] = {}

    def add(name: str, start: int, end: int) -> Candidate | None:
        key = name.casefold()
        person = re.sub(r"\s+\d[\d:.]*$", "", key)  # "Darnell Fitch 10" of "Darnell Fitch  10:06"
        quantity = _QUANTITY.match(key) and not _ORDINAL_NAME.match(name)  # "42nd Street Media"
        if not key.strip() or quantity or _DATED.match(key) or _PERIOD.match(key) \
                or person in people or any(
                set(key.split()) <= set(p.split()) for p in people) or any(
                re.match(rf"{re.escape(o)}(?:$|[\s,.])", key) for o in ours):
            return None  # a person, or our own company: "Larkwire, Inc." on the CSM's signature
        if text[start - 1: start] == "(" and text[end: end + 1] == ")" and _ROLE.search(name):
            return None  # a role: "Sienna Brooks (Director CS)"
        candidate = found.setdefault(key, Candidate(name, {}, set(), set()))
        candidate.features["mentions"] = candidate.features.get("mentions", 0.0) + 1
        candidate.note("first position", 1 - start / max(len(text), 1))
        line_start = text.rfind("\n", 0, start) + 1
        line = text[line_start: text.find("\n", end) if "\n" in text[end:] else None]
        candidate.note("first line", float(line_start == 0))
        subject = re.match(r"\s*(?:subject|re|fwd?):", line, re.I)
        candidate.note("subject line", float(bool(subject)))
        candidate.note("quoted", float(line.lstrip().startswith(">")))
        before = _FILLERS.sub("", text[max(0, start - 40): start])
        after = _FILLERS.sub("", text[end: end + 30])
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

    for span in _spans(text):
        run = len(span.text.split())
        for start, end in _pieces(text, span):
            name = _clean(text[start:end])
            if not name or name.casefold() in _NOT_NAMES \
                    or name.casefold().split()[0] in _NOT_NAMES:
                continue
            the = re.search(r"\bThe\s+$" if " " in name else r"\bthe\s+$",
                            text[max(0, start - 4): start], 0 if " " in name else re.I)
            for written, at in ((name, start), *([(text[start - 4: end].strip(), start - 4)]
                                                 if the else [])):  # "the Hive"
                candidate = add(written, at, end)
                if candidate is not None:
                    left_out = run - len(text[start:end].split())
                    candidate.note("whole run", float(left_out == 0))
                    candidate.note("words left out", float(np.log1p(left_out)))
                    candidate.note("starts with 'the'", float(written[:4].casefold() == "the "))
    unfilled = _FILLERS.sub(lambda filler: " " * len(filler[0]), text)  # "on vantora um they"
    for name, start, end in _lower_names(unfilled, common, ordinary=True):
        add(name, start, end)
    for match in _LOWER_PAIR.finditer(text):
        if match[0].casefold() not in found:
            add(match[0], match.start(), match.end())
    heading = _HEADING.match(text)
    if heading and heading["name"].split()[0] not in _NOT_NAMES | _LOWER_LEADS \
            and not _PRONOUNS & set(heading["name"].split()):
        name = _trimmed(heading["name"])
        candidate = add(name, heading.start("name"), heading.start("name") + len(name))
        if candidate is not None:
            candidate.note("heading")
    for match in _SCRIPT_NAME.finditer(text):
        name, start = match[0], match.start()
        if company := _JAPANESE_COMPANY.search(name):
            name, start = company[0], start + company.start()
        elif _HIRAGANA.search(name):
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


# Two words joined by "&" in lower case, wherever they sit: "sorrel & pine champion (Dee)".
_LOWER_PAIR = re.compile(r"(?<![\w&'’-])[a-z][\w'’-]+ ?& ?[a-z][\w'’-]+(?![\w&'’-])")
# A short lower-case phrase that opens a note before a colon or a dash: "tiny giant games: ...",
# "marguerite's bakehouse — owner annoyed ...".
_HEADING = re.compile(r"\s*(?P<name>[a-z0-9][\w'’&.-]*(?: [\w'’&.-]+){1,3}?)\s*(?::\s|\s[—–-]\s)")
_FULL_DOMAIN = re.compile(r"(?:@|\b(?:www\.|https?://))(?P<domain>(?P<name>[a-z0-9-]+)"
                          r"(?:\.[a-z0-9-]+)+)", re.I)


def _pieces(text: str, span: _Span) -> list[tuple[int, int]]:
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

"""What a name looks like in a pasted escalation note, for the account and the CSM readers
alike: capitalised runs with their legal forms, names in other scripts, the words that are never
names, and the people an email's headers, greetings, signatures and role notes name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.parsing.text import chat_lines

UPPER = "A-Z\u00C0-\u00DE\u0100-\u017F"
_SCRIPT_FORM = "有限公司|株式会社|有限会社|주식회사|ООО|ОАО|ПАО|АО|شركة|医療法人|合同会社"
# "O'Shea" and "Adebayo-Clarke" are one word, and so is "O'Malley's" before a capital ("O'Malley's
# Hardware"); "I'm", "Ltd's" and "Group's" end at the apostrophe.
WORD = (rf"(?:(?:[{UPPER}]\.){{2,}}|St\.(?= [{UPPER}])|[{UPPER}]\w*(?:['’][{UPPER}]\w*)?"
         rf"(?:(?<=s)['’](?= [{UPPER}]))?"
         rf"(?:(?<!Group)(?<!Holdings)(?<!Partners)['’]s(?= [{UPPER}][a-z]))?(?:-\w+)*"
         rf"|\d+[A-Za-z]*)")
# Words of one name are joined by spaces, never by a tab: tabs separate a table's cells.
_PARTICLES = frozenset(
    "de des da do dos das di del della van von der den du la le y et und am im of bin binti"
    .split())
# The small words between a person's names: "de la", "van der", "bin".
NAME_PARTICLE = r"(?: (?:de|da|do|dos|das|di|del|della|van|von|der|den|du|la|le|el|y|bin|binti))"
# A person's name of up to four words, with the particles between them: "Maria José de Souza".
PERSON = rf"{WORD}(?:{NAME_PARTICLE}* {WORD}){{0,3}}"
_JOIN = (rf"(?: +(?:&|{'|'.join(sorted(_PARTICLES))}) +| +and +(?!I\b)"
         r"| +[dl]['’](?=[A-Z])| +| *[&+] *"
         r"|, +(?=(?:LLC|Inc|Ltd|LLP|GmbH|S\.A\.|SA|S\.L\.)(?!\w)))")
FORM = (r"(?:SARL|SAC|Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|AG|S\.?A\.? de C\.?V\.?"
         r"|S\.A\.C\.|S\.?A\.?(?:S\.?)?|S\.?p\.?A\.?|SpA|B\.?V\.?|N\.?V\.?|A/S|AS|AB|Oy|K\.?K\.?|PLC|plc|LLP|LP"
         r"|C[Oo]\.(?=[\s,?!;:)]|$)|Co-op|Corp\.?|Ltda\.?|Lda\.?|S\.L\.U\.|S\.R\.L\.?|S\.?L\.?|JSC|SE|Srl"
         r"|S\.r\.l\.|S\.C\.|KG|OÜ|ASA|A\.Ş\.?|Pty|Pvt\.?|Sp\. z o\.o\.|W\.L\.L\.|ehf\.?"
         r"|hf\.|Pte\.? Ltd\.?|Pte\.?|Kft\.?|Bros\.?|PC|Zrt\.?|s\.r\.o\.|a\.s\.|d\.o\.o\.|d\.d\."
         r"|Α\.Ε\.|mbH|Sdn\.? Bhd\.?|P\.C\.|e\.K\.)(?!\w)")
_PART = rf"(?:{FORM}|\((?:UK|US|EU|Pty|Pvt)\)|#\d+|{WORD})"
SPAN = re.compile(rf"(?<![\w@.'’]){WORD}(?:{_JOIN}{_PART}){{0,6}}")
LEGAL = re.compile(rf"(?:^|\s){FORM}$|\((?:Pty|Pvt)\)|{_SCRIPT_FORM}")
# A name in another script ("株式会社ミドリ精工", "ООО «Белая Берёза»"): a run of its letters.
SCRIPT = ("\u0370-\u03FF\u0400-\u04FF\u0590-\u05FF\u0600-\u06FF\u0E00-\u0E7F"
           "\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF")
SCRIPT_NAME = re.compile(rf"[{SCRIPT}«][{SCRIPT}«»]+(?:[ \t]+[{SCRIPT}«][{SCRIPT}«»]*){{0,4}}")
# A Japanese company, without the particles that follow it ("株式会社ミナト精機の佐藤です",
# "大和精工株式会社の件で"): its name is written in kanji and katakana, never hiragana.
KANJI_KANA = "\u30A0-\u30FF\u3400-\u9FFF々"
HIRAGANA = re.compile("[\u3040-\u309F]")
JAPANESE_COMPANY = re.compile(rf"(?:株式会社|有限会社|合同会社)[{KANJI_KANA}]+"
                               rf"|[{KANJI_KANA}]+?(?:株式会社|有限会社|合同会社)")
# Words that say nobody is named: "CSM: (unassigned)", "no idea who the CSM is here".
NO_ONE = frozenset("is was has will not unassigned vacant tbd tbc assigned listed here none"
                    .split())
LOWER_STOP = frozenset("""the a an our their my your this that these those everything
    something nothing nobody everyone someone all some any its it one""".split())
# Voice-note fillers, left out when reading a name's context: "with uh Granite Peak".
FILLERS = re.compile(r"\b(?:um+|uh+|er+|erm|hmm|ähm|äh)(?!\w),?[ \t]*", re.I)
# A lower-case word said twice in a row, as people do in speech: "ines ines vaz"; not an
# introduction, whose repeated name leads to the surname ("it's oto, oto berg").
STUTTER = re.compile(r"(?<!\bit's )(?<!\bits )(?<!\bthis is )(?<!\bi'm )(?<!\bim )(?<!\bme, )"
                     r"(?<!\bcsm, )"
                     r"\b([a-zà-ÿ][a-zà-ÿ'’-]*)(?:[ \t]*[,—–]?[ \t]+\1\b)+")
# People named by an email's headers or greeting: a customer contact, or (To:) us.
FROM = re.compile(r"^\s*>?\s*(?:from|von|de|van|差出人)\s?[:：]\s*(?P<name>[^<\n,]+)",
                   re.I | re.M)
TO = re.compile(r"^\s*(?:to|an|à|para|aan|宛先)\s?[:：]\s*(?P<name>[^<\n;,]+)", re.I | re.M)
GREETING = re.compile(
    rf"^\s*(?:hi|hello|hey|dear)\s+(?:mr\.?|ms\.?|mrs\.?|dr\.?)?\s*(?P<name>{WORD}"
    rf"(?:\s{WORD})?)\s*[,!]", re.I | re.M)
DOMAIN = re.compile(r"@(?P<domain>[a-z0-9-]+)\.", re.I)
# A role in brackets makes the name before it a person: "Karen Whitfield (VP Ops)".
ROLE = re.compile(r"\b(?:vp|ceo|cfo|cto|coo|ciso|md|it|ops|admin|champion|manager|mgr|lead|head"
                   r"|security|eng"
                   r"|director|officer|engineer|ae|gm|owner|founder|president|controller"
                   r"|analyst|sponsor|contact|sre|pm|procurement|legal|counsel|finance"
                   r"|deal desk|support|on-call|dir|principal|rep|sales|accountant"
                   r"|consultant|coordinator|specialist|assistant|associate|revops)\b", re.I)
ROLE_THEN_NAME = re.compile(
    r"\b(?:their|our|the customer's)\s+(?:[a-z]+\s+)?(?:champion|controller|contact|admin|cto"
    r"|ceo|cfo|coo|cio|ciso|vp|director|manager|lead|head|owner|founder|dev|developer|engineer|buyer"
    rf"|sponsor)\s+(?P<name>{WORD}(?: {WORD})?)")
# Not a person: "To: CS Escalations", "Deal Desk".
QUEUE = re.compile(r"\b(?:queue|team|desk|tier \d|l\d|support|pool(?:ed)?)\b", re.I)
TEAM = re.compile(r"\b(?:escalations?|desk|team|support|leadership|leads?|success|ops|help"
                   r"|inbox|alerts?|cs)\b", re.I)
NOT_NAMES = frozenset("""i me my we our us you your yours he she his her they them their it its this
    that these those there here as hi hey hello dear thanks cheers regards best team all speaker
    everyone anyone someone nobody nothing none no yes ok okay so um uh quick urgent fyi re fwd fw
    sorry sent date subject from to cc monday tuesday wednesday thursday friday saturday sunday
    today tomorrow yesterday morning yep yeah yup nope nah lol january february march april may june
    july august september october november december sev severity csm customer client account support
    engineering sales finance product security legal qa ops it hr vp ceo cfo cto coo ciso api sso ui
    ux pdf csv sla p1 p2 p3 p4 eod cob asap call notes update heads note escalation escalating
    escalate internal recap attendees forwarded original message ours theirs usd eur gbp jpy cad aud
    chf inr sgd nzd sek nok dkk brl mxn zar""".split())
OPENERS = frozenset("""sev1 sev2 sev3 sev4 p1 p2 p3 p4
    escalating escalate escalation urgent re fwd fw notes call quick update
    fyi hi hey hello ugh omg so okay ok um uh morning flagging logging csm
    escalo escalando escalamos escalade""".split())
TITLES = frozenset("""manager officer director lead head controller developer engineer founder
    president vp chief coordinator administrator admin analyst specialist supervisor owner
    principal executive ceo cfo cto coo ciso editor assistant""".split())
# Two shouted words after a written one end a name: the rest of the line is in capitals.
_SHOUTED = re.compile(rf"(?<=[a-z]) (?!{FORM}\b)[A-Z]{{3,}}\b(?= [A-Z0-9]{{2,}}\b)")
# A legal form whose full stop is its own ("Inc.", "S.A.S."), not the sentence's ("SpA.", "GmbH.").
_DOTTED = re.compile(r"(?:\.\w+|\b(?:Inc|Co|Corp|Ltd|Bros|Ltda|Lda|Pvt|Pte|Kft|Zrt|ehf|hf|Bhd))\.$",
                     re.I)


def clean(value: str) -> str:
    value = " ".join(value.split())
    dotted = re.search(rf"\b{FORM}\.?$", value) and _DOTTED.search(value)
    kept = "." if dotted or re.search(r"\s[A-Z]\.$", value) else ""  # "Zoe T."
    value = re.sub(r"^(?:the|The)\s+", "", value.strip(" .,:;-–—*_\"'“”").rstrip(" (")) + kept
    value = re.sub(r"(?<=\.) I$", "", value)  # "Kaur Ltd. I" of "... Kaur Ltd. I called them"
    return re.sub(r"(?:'s|’s)$", "", value)


@dataclass(frozen=True)
class Span:
    """A run of capitalised words, and where it sits in the text."""

    text: str
    start: int
    end: int


def spans(text: str) -> list[Span]:
    """Capitalised runs, without an opening word that only starts the sentence
    ("Escalating Halvorsen Hotels" -> "Halvorsen Hotels")."""
    out = []
    for match in SPAN.finditer(text):
        start, words = match.start(), match[0].split(" ")
        if len(words) > 1 and words[0].casefold() in OPENERS:
            start += len(words[0]) + 1
            while len(words) > 2 and words[1] in _PARTICLES | {"and"}:  # "CSM de Grupo X"
                start, words = start + len(words[1]) + 1, words[1:]
        end = match.end()
        shout = _SHOUTED.search(text, start, end)  # "Gorse Hill Pottery OWNER RANG"
        if shout is not None:
            end = shout.start()
        out.append(Span(text[start: end].rstrip(), start, start + len(text[start: end].rstrip())))
    return [span for span in out if span.text.strip()]


_NAME_ENDS = re.compile(rf"{WORD}\s*$")  # a name just before: "Al Roy (Acme, CTO)"


def named_people(text: str) -> set[str]:
    """Names the text gives to people (senders, greetings, signatures), casefolded."""
    out = {clean(m["name"]).casefold() for m in FROM.finditer(text)}
    out |= {clean(name).casefold() for name, _ in chat_lines(text)}
    out |= {clean(name).casefold() for name in re.findall(r"Speaker \d+ \(([^)\n]+)\)", text)}
    out |= {clean(m["name"]).casefold() for m in TO.finditer(text)}
    out |= {clean(m["name"]).casefold() for m in GREETING.finditer(text)}
    for name, role in re.findall(rf"\b({WORD}(?: {WORD}){{0,2}}) \(([^)\n]{{2,40}})\)", text):
        if not LEGAL.search(name) and ROLE.search(role):
            out.add(name.casefold())  # "Karen Whitfield (VP Ops)": a person with a role
    for match in ROLE_THEN_NAME.finditer(text):
        out.add(match["name"].casefold())  # "their controller Maggie Doyle"
    for match in re.finditer(rf"\(({WORD} {WORD}),[^)\n]{{2,40}}\)", text):
        if ROLE.search(match[0]) and not _NAME_ENDS.search(text, 0, match.start()):
            out.add(match[1].casefold())  # "(Ruth Kessler, Dir. RevOps)", not "Al Roy (Acme, CTO)"
    for match in re.finditer(rf"(?:^|\n)[ \t>]*({WORD} {WORD})[ \t]*\n[ \t>]*[A-Z][^\n]{{2,60}}",
                             text):
        if not LEGAL.search(match[1]):
            out.add(match[1].casefold())  # a signature's name line above its title line
    return out


# Words of a phrase, never of a name made of ordinary words: "like four days which".
FUNCTION_WORDS = frozenset("""a an the in if not which who what when where why how to is are
    was were be been said like but or than then just very really also about into after before
    because while still only even since until above below over under across through""".split())
# Never a word of a name typed in lower case: "pls call me re: ...", "sev1 channel pls".
PRONOUNS = frozenset("i me my we our us you your he she his her they them their pls please"
                      " i'm i've i'll we're we've they're you're he's she's".split())

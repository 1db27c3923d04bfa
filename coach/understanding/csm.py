"""Our CSM in a pasted note, from the surest source the text has: a signature's title, a label,
a chat speaker or an email's sender who says so, "me (Ingrid)", a name the text says is the CSM
("Y is the CSM on X", "Y (CSM)", "Y owns the account"), the sender of a note to colleagues;
then weaker cues: the addressee of a customer's email, a name signing the note off, a
lower-case note's writer who introduces themself."""

from __future__ import annotations

import re

from coach.parsing.text import chat_lines, without_note
from coach.understanding.labels import field_of, misspelt_field
from coach.understanding.name_shapes import (
    DOMAIN,
    FROM,
    FUNCTION_WORDS,
    LEGAL,
    LOWER_STOP,
    NAME_PARTICLE,
    NO_ONE,
    NOT_NAMES,
    PERSON,
    PRONOUNS,
    ROLE,
    SCRIPT,
    STUTTER,
    TEAM,
    TITLES,
    TO,
    UPPER,
    WORD,
    clean,
    spans,
)

# Our CSM named in another script: "中村(CSM)".
_SCRIPT_CSM = re.compile(rf"(?:^|(?<=[\s、。,:：]))(?P<name>[{SCRIPT}]{{1,12}}"
                         rf"(?:[ \u3000][{SCRIPT}]{{1,12}})?)[ \t]*[(（](?i:csm)[)）]", re.M)
# "csm @Mina Park", "CSM: @Dana Li", "@Mina Park is their CSM", "@Mina Park your account X".
_CSM_AT = re.compile(rf"\b(?i:csm)\s*[:=-]?\s*@(?P<name>{WORD}(?: {WORD})?)"
                     rf"|@(?P<told>{PERSON}),?[ \t]+(?i:(?:is|who'?s|as) "
                     r"(?:the |their |our )?csm\b|your (?:account|customer|client)\b"
                     r"|you have this one\b|you'?re (?:the |their )csm\b"
                     r"|(?:this one|it|this)['’]?s yours\b)"
                     rf"|\b(?i:cc)(?:'?ing)?:?[ \t]+@?(?P<copied>{PERSON})[ \t]+"
                     r"(?i:as (?:the |their )?csm)\b")
# A labelled CSM written as the writer: "CSM: me (Olu)", "owner: me, Fatima".
ME = re.compile(r"^(?:me|myself|yours truly|ich|moi|yo|eu)\s*"
                r"(?:\((?P<name>[^)]+)\)|,\s*(?P<named>.+))", re.I)
# In prose: "attendees: me (Ingrid), Mr. Patel", "Owner is me, Fatima."
_ME_NAMED = re.compile(rf"\b(?:me|my account) \((?P<name>{WORD}(?: {WORD})?)\)"
                       rf"|\b(?i:owner|csm) (?:is|:|=) me,[ \t]*(?P<named>{WORD}(?: {WORD})?)")
# The writer says nobody is the CSM: "there is no CSM for them", "their CSM left".
_NO_CSM = re.compile(r"\bno (?:named |assigned |dedicated )?(?:csm|account owner)\b"
                     r"(?! (?:yet|knows|said))|\bcsm (?:has )?left\b"
                     r"|\b(?:couldn'?t|could not|can'?t|cannot) find (?:a|an|the) (?:csm|owner)\b"
                     r"|\bnot the csm\b|\b(?:(?:don'?t|do not) (?:\w+ )?know|not sure|no idea)"
                     r" who (?:the csm is|owns|has)\b"
                     r"|\b(?:don'?t|doesn'?t|do not|does not) (?:\w+ ){0,3}have an? "
                     r"(?:csm|account owner)\b",
                     re.I)
# A handover names the new owner after an arrow or "to": "Jess Harlow → Marcus Delgado".
_HANDOVER = re.compile(r"\bhand(?:ing)?[ -]?(?:over|off)\b|\bhanding\b|\bownership change", re.I)
HANDED_TO = re.compile(rf"(?:(?:{WORD}|\)|\bme|\bmoves|\bgoes)\s*(?:→|->|=>|\bto\b)"
                        rf"|\bnow owned by)\s*(?:To:\s*)?@?(?P<name>{WORD}(?: {WORD})?)")
# The writer stands in for the CSM: "I'm covering for Ode", "I'm covering Ana Li's accounts".
_COVERING = re.compile(rf"\b(?i:i'?m|i am|i'll be) (?i:covering|standing in) (?:(?i:for) )?"
                       rf"(?P<name>{PERSON})(?:['’]s (?i:accounts?|book|customers|patch)\b"
                       r"|(?!['’\w]))")
# The new owner before the verb: "As agreed, Sofie takes over Nordhavn from me".
_TAKES_OVER = re.compile(rf"(?P<name>{WORD}(?: {WORD})?) (?:takes|is taking|will take) over\b")
# Context that makes a name our CSM.
_CSM_BEFORE = re.compile(
    r"(?:\b(?:i'm|i am|im|it's|its|this is|my name is|me =|me:|me is|csm is|signed)\s*"
    r"|\bit's me\s+|\bcsm(?: note| notes| update)?\s*\(\s*|\(\s*csm:?\s+|(?:^|\n)\s*[-–—]+\s*"
    r"|\bcsm,?\s+"
    r"|\bi(?:'?m| am) (?:the|their) csm(?: here| on (?:this|it))?\s*[-–—:,]\s*"
    r"|(?:thanks|cheers|regards|best|thx)[,!]?\s*)$", re.I)
# Said outright before the name: "Their CSM, Y", "CSM on record: Y", "CSM per Salesforce: Y".
_CSM_TOLD = re.compile(r"(?:\b(?:the|their|our|his|her|\w+'s) (?:csm|account owner)"
                       r"(?: (?:on|for) (?:the|this|that|their) account)?(?:,| is)"
                       r"|\bcsm (?:on|of) (?:record|file)\s*:"
                       r"|\bcsm (?:per|in|from) [\w.]+\s*:)\s*$", re.I)
_CSM_AFTER = re.compile(
    r"^(?:,? (?:who(?:'s| is)? )?(?:is )?(?:the |their |your |our )?(?:csm|customer success manager"
    r"|account owner)"
    r"\b(?!\s*(?:is\b|=|:)|\s+(?-i:[A-Z][a-z]+ [A-Z][a-z]+))"  # not "X, CSM Rita Cole"
    r"|\s*\((?:the |their |our |\w+ )?(?:csm|account owner)(?:\s*[),]|(?-i: [a-z][\w-]*){1,3}\)"
    r"| (?:for|on|of) [^()\n]{1,40}\))"
    r"|\s*,\s*csm\b(?!\s+(?-i:[A-Z][a-z]+ [A-Z][a-z]+))"
    r"|['’]s (?:the |their |our |your )(?:csm|account owner)\b(?!\s+(?-i:[A-Z]))"
    r"|,?\s+(?:who )?owns (?:(?:the|this|their|that) (?:account|relationship)\b|this one\b"
    r"|(?-i:[A-Z]))"
    r"|,?\s*\(?(?:since |as |because )?(?:he|she|they)(?:'s| is| are) (?:the |their |our )csm\b"
    r"|\s+is still the (?:account )?csm\b|\s+has (?:them|the account|this one)\b"
    r"|,?\s+(?:ela|ele|elle|il|sie|er) (?:é|est|ist|es) (?:a|o|la|le|die|der|el) csm\b"
    r"|\s+is looking after (?:them|the account|(?-i:[A-Z]))"
    r"|\s+is (?:covering|acting) as (?:the )?csm\b"
    r"|\s+(?:has taken|took|takes) over as (?:the )?csm\b"
    r"|,\s*(?:our|their|the) (?:customer success|cs) (?:contact|manager|person|lead)\b"
    r"|,\s*customer success(?: manager)?\s*$"
    r"|\s+csm\b(?!\s*[:=])"
    r"|\s+(?:ist|es|est|é) (?:der|die|unser|el|la|su|le|leur|o|a) csm\b"
    r"|\s+here\b|\s*\n\s*customer success|\s+[-–—]\s+csm\b"
    r"|,? (?:calling|by the way)|\s*,\s*(?:the )?csm on\b|,? i'm (?:the|their) csm"
    r"|\s*\(me\)|\s*\|\s*customer success"
    r"|,?\s+can you (?:take|own|pick up) (?:this|it|point|the lead|ownership)\b)", re.I)
_SELF_CSM = re.compile(r"\bi(?:'?m| am) (?:their |the |her |his |your |the account's )?"
                       r"(?:csm|account owner)\b"
                       r"|\b(?:that|this one|it)'?s (?:one of )?mine\b|\bis (?:my account|mine)\b"
                       r"|\bcsm there\b"
                       r"|\bas (?:the |their )?csm\b|\bi(?:'ll)? own (?:this|it|the account)\b"
                       r"|\b(?:account owner|csm)\s*[:=-]\s*me\b"
                       r"|\bmy account|\bone of my accounts\b|\byep,? mine\b|\bmy champion\b"
                       r"|\b(?:soy|sou) (?:su|el|la|o|a|seu|sua) csm\b", re.I)
_SIGNED_AS_CSM = re.compile(
    rf"(?:^|\n)[ \t>]*(?P<name>{WORD}(?: {WORD}){{1,2}})(?:[ \t]*\n[ \t>]*|[ \t]*[|–—][ \t]*)"
    r"(?i:(?:senior |sr\.? |lead )?(?:csm|customer success manager))\b(?![ \t]*[:=])")
# A transcript's speaker: "Speaker 1 (Ollie Brennan): ...", "Ilse Van Damme: ...".
_SPEAKER = re.compile(r"^[ \t]*(?:Speaker \d+ \((?P<named>[^)\n]+)\)|(?P<name>[A-Z][\w'’.-]+"
                      r"(?: [A-Z][\w'’.-]*){1,3}))[ \t]*:(?P<said>[^\n]*)", re.M)
# A chat's speaker known by one name ("Bex: I own the account btw"), when one speaks twice.
_SOLO_SPEAKER = re.compile(r"^[ \t]*(?P<name>[A-Z](?:[a-z'’-]+)?)[ \t]*:(?P<said>[^\n]*)", re.M)
# In a chat, a colleague telling someone they are the CSM: "ok Abebe, you're the CSM", "Arjun, as
# CSM keep them updated" (the name is the addressee), or "you're the CSM so you lead" (no name:
# the one they answer).
_YOU_CSM = re.compile(rf"(?:\b(?P<name>{WORD}),\s*)?(?i:(?:you'?re|you are|as) (?:still )?"
                      r"(?:the |their )?(?:csm|account owner))\b")
# Whose CSM someone is: "the", "their", "Delacroix's".
_WHOSE = r"(?:the |their |our |[\w'’-]+['’]s )?"
# A colleague told so in prose: "Ole-Petter, as their CSM, can you call them today".
_AS_CSM = re.compile(rf"(?P<name>{PERSON}),[ \t]*(?i:as {_WHOSE}csm|you'?re (?:the |their )csm"
                     r"|you have this one|you own (?:this|it|the account))\b")
# The one a note is written to, greeted on its first line: "Kat, ...", "Hi Sam,", "Ivo —", "Dear
# Noor,", "@Ana Ruiz fyi ...".
_GREETED = re.compile(rf"[ \t]*(?:(?i:hi|hey|hello|dear|hej|hola|hallo|bonjour|ciao|ol[áa]"
                      rf"|(?:good )?morning),?[ \t]+)?@?(?P<name>{PERSON})[ \t]*"
                      r"(?:[,!]|[ \t]?[—–](?:[ \t]|$)|(?=[ \t]+(?i:fyi|heads[ -]up|quick)\b))")
_HEADER = re.compile(r"^[ \t]*(?:subject|re|fwd?|to|from|cc|date|sent|an|von|betreff|gesendet"
                     r"|objet|asunto|assunto|onderwerp|aan|van)[ \t]*:", re.I)
# What tells the note's reader that they are the CSM: "you're their CSM", "your X account".
_YOURS = re.compile(r"\b(?:you(?:'re| are|'ve been| have been) (?:still )?(?:the |their |our |a )?"
                    r"(?:[a-z]+ )?(?:csm|customer success manager|account (?:manager|owner))\b"
                    rf"|\bas {_WHOSE}csm\b|\byou (?:now )?own\b|\byour (?:[\w&.,'’-]+ )"
                    r"{0,5}account\b|\b(?:over|on|escalating|pass(?:ing)? (?:it|this) on) to you\b"
                    r"|\bcan you (?:pick up|take over)\b|\btold (?:him|her|them) you'?d\b"
                    r"|\byou(?:'re| are) looking after\b|\byou have this one\b"
                    r"|\b(?:this one|it|this)['’]?s yours\b|\binto your book\b)", re.I)


def customer_reader(text: str, account: str) -> str | None:
    """Our CSM as the reader of the customer's own email: the one it greets, when its sign-off
    names the account ("Hi Sam, ... Pia Holm / Finance Lead, Pell Farms Ltd")."""
    own = _own_part(text)
    tail = [line.casefold() for line in own.strip().splitlines() if 0 < len(line.strip()) < 70]
    if _NO_CSM.search(own) or not any(account.casefold() in line for line in tail[-4:]):
        return None
    reader = addressee(own) or _copied(own)  # "Dear Sam," or, to a support inbox, "Cc: Sam Lee"
    return reader if reader and reader.casefold() not in account.casefold() else None


_CC = re.compile(r"^[ \t]*cc[ \t]*:[ \t]*(?P<name>[^<\n;,]+?)[ \t]*(?:<[^>\n]*>)?[ \t]*$",
                 re.I | re.M)


def _copied(text: str) -> str | None:
    """The one colleague copied on an email (a name, not an address or a team)."""
    copied = _CC.search(text)
    name = clean(copied["name"]) if copied else ""
    return name if re.fullmatch(PERSON, name) and not TEAM.search(name) else None


def addressee(text: str) -> str | None:
    """Who a note is written to: the name greeting its first line (after any mail headers),
    in the fullest form the text writes it; else its one To: recipient."""
    for line in text.splitlines():
        if not line.strip() or _HEADER.match(line):
            continue
        greeted = _GREETED.match(line)
        name = greeted["name"] if greeted else ""
        if name and not name.isupper() \
                and not {name.casefold(), name.split()[0].casefold()} & NOT_NAMES \
                and not TEAM.search(name) and not LEGAL.search(name) and not field_of(name) \
                and not misspelt_field(name):
            return fullest(name, text)
        break
    to = TO.search(text)
    name = clean(to["name"]) if to else ""
    if name and "@" not in name and name.casefold() not in NOT_NAMES and not TEAM.search(name):
        return name
    return None
# The part of a note its writer wrote: what comes before a quoted or forwarded message.
_QUOTED_PART = re.compile(r"^\s*(?:On [^\n]{5,100} wrote:|-{2,} ?(?:Original|Forwarded) Message|>"
                          r"|(?:from|de|von|van|da)\s?:[^\n]*\n\s*(?:sent|date|datum|data|fecha"
                          r"|envoyé|gesendet)\s?:)", re.I | re.M)
# A lower-case sign-off ending the note: "... not urgent. -sam", "-raj (csm)".
_LOWER_SIGN_OFF = re.compile(r"(?:^|\s)[-–—/]+ ?(?P<name>(?:[a-z]\. ?)?[a-z][a-z'-]{1,20})"
                             r"(?: ?\((?P<full>[A-Z][\w'’-]+ [A-Z][\w'’-]+)?[^)\n]*\))?\s*$")
_TALK = r"(?:but|and|or|who|so|yeah|he|she|they|we|i|is|was)"  # words that go on past a name
# A CSM named in lower case after the word: "csm ingrid vos", "csm noah friedman, already added".
_LOWER_CSM = re.compile(r"(?:(?<!\bno )(?<!\bthe )\bcsm\s*(?:[:=]|is)?|\bthe csm is)[ \t]+"
                        r"(?!(?:for|on|of|at|now|too|again|going|since|until|field|name|role"
                        r"|column|slot)\b)"
                        rf"(?P<name>[a-z][\w'’-]+"
                        rf"(?:{NAME_PARTICLE}* (?!{_TALK}\b)[a-z][\w'’-]+)?)"
                        rf"(?=[,.;]|\s*$|\s+\(me\)|\s+{_TALK}(?:'s|'m)?\b)"
                        r"|\b(?<!['’])(?<!\bby the )"
                        r"(?!(?:and|or|but|so|while|because)\b)"
                        r"(?P<owner>(?:(?<=\bfor )[a-z][a-z-]+ )?[a-z][a-z-]+)"
                        r"(?:['’]s (?:the|their)| (?:our|their)| (?:she|he)['’]s the) csm\b"
                        rf"|\b(?!{_TALK}\b|the\b|that\b|then\b)(?P<named>[a-zà-ÿ][a-zà-ÿ-]+"
                        rf"{NAME_PARTICLE}* [a-zà-ÿ][a-zà-ÿ-]+)(?: is|,? who'?s|,? who is)"
                        r" (?:the|their|our) csm\b"
                        rf"|\bi'?m (?P<intro>[a-zà-ÿ][a-zà-ÿ-]+{NAME_PARTICLE}*"
                        r" [a-zà-ÿ][a-zà-ÿ-]+), (?:the|their|our) csm\b"
                        r"|\bcsm \((?P<aside>[a-z][a-z'-]+)\)", re.I)
# A lower-case note whose writer says who they are: "hey it's nia i'm the csm", "hi its omar
# calling from the airport", "... this is lena by the way the csm".
_LOWER_INTRO = re.compile(r"\b(?:i'?m (?:the|their) csm,|it'?s me,|this is|it'?s|i'?m|i am"
                          r"|my name is|hier ist|ich bin|to me,"
                          r"|(?:hi|hey|hello|ok|okay|so),?(?= [a-z][a-z'-]{1,20},? here\b))"
                          r" (?P<name>[a-zà-ÿ][a-zà-ÿ'-]{1,20})"
                          r"(?:(?=,? (?:by the way,? )?(?:the|their) csm\b)|(?P<opens>,? (?:here"
                          r"|calling|recording|from|with|by the way|(?:and )?(?:i'?m|i am))\b"
                          r"|,? (?P=name) (?P<surname>[a-zà-ÿ][a-zà-ÿ'-]{1,20})(?![\w-])))?")


def _own_part(text: str) -> str:
    """What the writer wrote: the text before a quoted or forwarded message, after the
    writer's own mail header when the paste starts with one."""
    quoted = _QUOTED_PART.search(text)
    if quoted and not text[: quoted.start()].strip():
        quoted = _QUOTED_PART.search(text, quoted.end())
    return text[: quoted.start()] if quoted else text


def _noted_csm(text: str) -> str | None:
    """The attendee noted as the CSM: "Wes Hale (Acme – CSM)", "Ana Li (new CSM from today)";
    not the outgoing one."""
    for match in _NOTED_CSM.finditer(text):
        if re.search(r"(?i)\b(?:outgoing|former|previous|old|ex)\b", match["note"]):
            continue
        inner = _INNER_CSM.match(match["note"])  # "Acme SL (me = Ana Li, CSM)"
        if inner and (inner["me"] or LEGAL.search(match["name"]) or match["name"].isupper()):
            return inner["name"]
        if not (LEGAL.search(match["name"]) or match["name"].isupper()):
            return match["name"]
    return None


_INNER_CSM = re.compile(rf"(?P<me>(?i:me)\s*[=:]\s*)?(?P<name>{WORD} {WORD})\s*[,–—-]")
_NOTED_CSM = re.compile(rf"(?P<name>{PERSON}) \((?P<note>(?:[^()\n]{{1,40}}?"
                        r"[,–—-]\s*)?(?:new |outgoing )?(?i:csm|customer success manager)"
                        r"(?:\s+[a-z][^()\n]{0,30})?)\)")


def _speaker_csm(text: str) -> str | None:
    """In a pasted chat ("[09:15] Priya: yes, I'm their CSM"), the speaker who says so, or the
    one a colleague tells so ("Arjun, as CSM keep them updated"; "you're the CSM, you lead")."""
    speakers: list[str] = []
    asked = False  # the line before asked whose account it is
    for name, said in _chat(text):
        speaker = clean(without_note(name))  # "Marisol Ortega (CSM)"
        turned = re.sub(r"^([\w'’-]+), ([\w'’-]+)$", r"\2 \1", speaker)  # "Moreau, Ines"
        speaker = turned if turned in text else speaker  # as written elsewhere, else as it is
        if note := _CSM_NOTE.search(name):
            return clean(without_note(name[: note.start()]))  # "Valentina Ruiz (Tallyline CSM)"
        told = _YOU_CSM.search(said)
        if told and (mentioned := _MENTION.search(said)):
            named = mentioned["name"]  # "@Ana Ruiz, can you own it as CSM?"
            return next((s for s in speakers if s.startswith(named)), named)  # "@Ruiz, Ana"
        if told and told["name"] and told["name"].casefold() not in NOT_NAMES:
            return next((s for s in speakers if s.split()[0] == told["name"]), told["name"])
        if told and re.search(r"(?i)\byou", told[0]):
            return next((s for s in reversed(speakers) if s != speaker), None)
        if _SELF_CSM.search(said) and not _WHO_OWNS.search(said) \
                or (asked and _ITS_ME.match(said)):  # not "who's the CSM there?"
            named = _ME_ANSWER.match(said)
            if named and named["name"].casefold() not in NOT_NAMES:
                return named["name"]  # "who owns X?" - "Me - Emi"
            return speaker  # "me, why", "Me, I sent it"
        if asked and re.fullmatch(PERSON, said.strip(" .!")) and " " in said.strip():
            return said.strip(" .!")  # "who's CSM on X?" - "Yuki Tanaka-Brennan"
        named_answer = _NAMED_ANSWER.match(said) if asked else None
        if named_answer:  # "who's the csm?" - "it's kofi kofi mensah"
            name = STUTTER.sub(r"\1", named_answer["name"])
            if not set(name.casefold().split()) & (NOT_NAMES | PRONOUNS | FUNCTION_WORDS
                                                   | LOWER_STOP | NO_ONE):
                return name
        answer = _THATS_HIS.match(said)
        if asked and answer and answer["name"].casefold() not in NOT_NAMES:
            return answer["name"]  # "whose account is X?" - "that's Jordan Okafor's"
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
            if m["name"].casefold() not in NOT_NAMES and field_of(m["name"]) is None
            and misspelt_field(m["name"]) is None]
    names = [name for name, _ in solo]
    return solo if len(set(names)) < len(names) else []


_WHO_OWNS = re.compile(r"\b(?:who(?:'s| is)? (?:owns?|the csm|csm)|whose account"
                       r"|(?:is this|this is) (?:your|ur) account)\b[^\n]*(?:\?|$)", re.I)
# The answers that name the owner: "yes mine", "that's me", "which is Ana's account".
_ITS_ME = re.compile(r"\W*(?:(?:yes|yep|yeah)\W+)?(?:that'?s |it'?s )?(?:me|mine)\b", re.I)
_WHOSE_ACCOUNT = re.compile(rf"\b(?i:which is|that'?s|it'?s|it is|this is) (?P<name>{WORD})['’]s"
                            r" account\b")
# A colleague addressed by handle: "@Ana Ruiz, can you own it as CSM?".
_MENTION = re.compile(rf"@(?P<name>{WORD}(?: {WORD})?)")
# "Valentina Ruiz (Tallyline CSM)", "Inês Duarte — Customer Success"
_CSM_NOTE = re.compile(r"\((?:[^)]* )?csm\)$|\s[—–-]\s*(?:customer success|csm)\b[^\n]*$", re.I)
_ME_ANSWER = re.compile(rf"\W*(?i:me)\s*[-–—,:]\s*(?P<name>{WORD}(?: {WORD})?)")  # "Me - Emi"
_NAMED_ANSWER = re.compile(r"\W*(?:(?:yes|yeah|yep)\W+)?(?:it'?s|that'?s|that would be)\s+"
                           r"(?P<name>[a-z][\w'’-]+(?: [a-z][\w'’-]+){0,2})(?<!['’]s)[.!]?\s*$",
                           re.I)
_THATS_HIS = re.compile(rf"\W*(?:(?i:that'?s|it'?s)\s+)?(?P<name>{WORD}(?: {WORD})?)['’]s\b")


_SURNAMES = rf"(?:{NAME_PARTICLE}* [{UPPER}][a-zß-ÿ'’-]+)+"


def fullest(name: str, text: str) -> str:
    """Our CSM's name in the fullest form the text writes it: "Lena" -> "Lena Fischer" when
    the attendees list "Lena Fischer (CSM)"; initials "A.K." -> "Aleksandra Kowalczyk"."""
    longer = re.search(rf"(?<![\w@]){re.escape(name)}{_SURNAMES}", text)
    if longer and re.fullmatch(PERSON, longer[0]) and not LEGAL.search(longer[0]) \
            and not NOT_NAMES & set(longer[0].casefold().split()):
        return longer[0]  # "Ana Sofía" -> "Ana Sofía Reyes", "Joost" -> "Joost van den Berg"
    if " " in name:
        return name
    initials = re.sub(r"[^A-Z]", "", name) if re.fullmatch(r"(?:[A-Z]\.?){2,3}", name) else ""
    for span in spans(text):
        words = clean(span.text).split()
        if len(words) < 2 or not re.fullmatch(PERSON, " ".join(words)) or LEGAL.search(span.text) \
                or any(w.casefold() in NOT_NAMES for w in words[1:]):
            continue
        if words[0].casefold() == name.casefold() \
                or (initials and "".join(w[0] for w in words) == initials):
            return " ".join(words)
    return name


def _internal_sender(text: str) -> str | None:
    """The sender of an email to colleagues (a team alias, a role, our own domain): our CSM."""
    sender, to = FROM.search(text), TO.search(text)
    if not sender or not to:
        return None
    end = text.find("\n", to.start())
    line = text[to.start(): end if end >= 0 else None]
    theirs, ours = DOMAIN.search(text[sender.start(): to.start()]), DOMAIN.search(line)
    same = bool(theirs and ours and theirs[1].casefold() == ours[1].casefold())
    name = clean(sender["name"])
    # A team or role addressee means colleagues, unless the sender writes from outside.
    undressed = "@" not in text[sender.start(): to.start()]
    if (same or (undressed and (TEAM.search(line) or ROLE.search(line)))) and "@" not in name:
        return name or None
    return None


def _signature_csm(text: str) -> str | None:
    """A signature's name above its title line ("Adaeze Okonkwo\nCSM – West Africa") or
    beside it ("Joel Abernathy | Senior CSM | Tallyline")."""
    match = _SIGNED_AS_CSM.search(text)
    if not match or match["name"].casefold() in NOT_NAMES or field_of(match["name"]):
        return None  # "Account Name | CSM Owner | ...": a table's header
    return clean(match["name"])


def _claimed_by_sender(text: str) -> str | None:
    """The sender of an email that says "I'm the CSM" (not a chat: its speakers say so)."""
    sender = FROM.search(text)
    said = text[sender.end():] if sender else ""
    if sender and not chat_lines(text) and _SELF_CSM.search(said) and not _AS_CSM.search(said):
        name = clean(sender["name"])
        return name if name and "@" not in name and not TEAM.search(name) else None
    return None


def our_csm(text: str, labelled: dict[str, str], people: set[str]) -> str | None:
    """Our CSM, from the surest source a text has: a signature's title, a label, "csm @Y", an
    attendee noted "(Acme – CSM)", a chat speaker or an email's sender who says so; the new
    owner of a handover; "which is Y's account"; a name the text says is the CSM ("Y is the
    CSM on X", "Y (CSM)"); "me (Ingrid)"; the addressee told "you're the CSM";
    a strong cue (a sign-off ending the note); nobody when the text says there is none; then
    the sender of a note to colleagues, weaker cues, the addressee of a customer's email, a
    name signing the note off."""
    script = _SCRIPT_CSM.search(text) or _CSM_AT.search(text)
    found = (_signature_csm(text) or labelled.get("csm")
             or (script and (script["name"] or script["told"] or script["copied"]))
             or _noted_csm(text) or _speaker_csm(text) or _claimed_by_sender(text))
    if found:
        return found
    own = _own_part(text)
    handed = (HANDED_TO.search(own) if _HANDOVER.search(own) else None) \
        or _TAKES_OVER.search(own)
    if handed and handed["name"].casefold() not in NOT_NAMES and not TEAM.search(handed["name"]):
        return handed["name"]  # "Handover: ... from me (Ana) to Sean Murphy", "Jess → Marcus"
    covered = _COVERING.search(own)
    if covered and covered["name"].casefold() not in NOT_NAMES:
        return covered["name"]  # the writer only covers
    whose = _WHOSE_ACCOUNT.search(own)
    if whose and whose["name"].casefold() not in NOT_NAMES:
        return whose["name"]  # "for Acme, which is Anneke's account"
    cued = _cued_csm(text, own, people)
    if cued and cued[0] >= 6:
        return cued[1]  # told outright: "Sean is the CSM going forward"
    me = _ME_NAMED.search(own)
    if me:
        return me["name"] or me["named"]  # "attendees: me (Ingrid)", "Owner is me, Fatima."
    named = _AS_CSM.search(own)
    if named and named["name"].casefold() not in NOT_NAMES:
        return named["name"]  # "Ole, as their CSM, can you call them today"
    reader = addressee(own) if _YOURS.search(own) else None
    if reader:
        return reader  # "Kat, Emberly's sync is broken ... You're the CSM so ...", "your X account"
    if cued and cued[0] >= 3:
        return cued[1]
    if _NO_CSM.search(own):
        return None  # not the sender who says so
    return _internal_sender(text) or (cued[1] if cued else None) or _signed_off(text, own)


def _cued_csm(text: str, own: str, people: set[str]) -> tuple[int, str] | None:
    """The name the strongest CSM cues introduce, with its score (6 or more: told outright, as
    "Y (CSM)"; 3 or more: a strong cue, as a sign-off ending the note)."""
    best: tuple[int, str] | None = None
    senders = {clean(m["name"]).casefold() for m in FROM.finditer(text)}
    for match in spans(text):
        name = clean(match.text)
        titled = bool(re.search(r"\s(?:CSM|Csm)$", name))  # "Maya Singh CSM, legal looped in"
        name = name[:-4] if titled else name
        if not name or name[0].isdigit() or TEAM.fullmatch(name) \
                or {name.casefold(), name.casefold().split()[0]} \
                & (NOT_NAMES | senders) or LEGAL.search(name) \
                or set(name.casefold().split()) <= TITLES:
            continue  # a customer signing their own email is not our CSM
        before = text[max(0, match.start - 30): match.start]
        after = text[match.end: match.end + 40]
        said = titled or bool(_CSM_AFTER.match(after) or _CSM_TOLD.search(before))  # "Y here"
        # "... is slow. - Tomasz", "/Noor" ending the note or its first paragraph
        line = text[text.rfind("\n", 0, match.start) + 1: match.start]
        signed = bool(re.search(r"\s[-–—/]+\s*$", before)) and match.start < len(own) and (
            not own[match.end:].strip() or bool(re.match(r"[ \t]*\n[ \t]*\n", after))) \
            and len(name.split()) <= 3 and not re.match(r"\s*\w+\s?:", line)
        quoted = text[text.rfind("\n", 0, match.start) + 1:].lstrip().startswith(">")
        if not said and match.start >= len(own) and "csm" not in before.casefold():
            continue  # a forwarded message's sign-off: the customer's
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


def _other_role(name: str, text: str) -> bool:
    """Whether the text's signature of `name` gives them another role than CSM: "Gabriel Ruiz
    / Account Executive, LATAM"."""
    title = re.search(rf"^[ \t]*{re.escape(name)}[ \t]*\n[ \t]*(?P<title>[^\n]+)", text, re.M)
    return bool(title and ROLE.search(title["title"]) and not re.search(
        r"(?i)customer success|\bcsm\b|account manager", title["title"]))


def writer(text: str) -> str | None:
    """Who wrote a note whose CSM label says "me": the name signing it off."""
    return _signed_off(text, text)


def _signed_off(text: str, own: str) -> str | None:
    """The addressee of a customer's email, else a name signing the writer's part off, else a
    CSM named in lower case ("csm is rory"), else a lower-case sign-off ("- kat")."""
    to = TO.search(text)
    if to and FROM.search(text):  # a customer's email to us: we are its addressee
        name = clean(to["name"])
        if name and "@" not in name and name.casefold() not in NOT_NAMES \
                and not TEAM.search(name) and not _other_role(name, text):
            return name
    lines = own.strip().splitlines()
    if len(lines) > 1 and re.fullmatch(rf"\s*{WORD}(?: {WORD})?\s*", lines[-1]) \
            and lines[-1].strip().casefold() not in NOT_NAMES and not LEGAL.search(lines[-1]) \
            and lines[-1].split()[-1].casefold() not in TITLES \
            and not TITLES & set(lines[-2].casefold().split()):
        return lines[-1].strip()  # a bare name signing the note off, not a signature's company
    for lower in _LOWER_CSM.finditer(own):  # "csm is rory but ... - kat", "ahmed's their csm"
        name = lower["name"] or lower["owner"] or lower["aside"] or lower["named"] or lower["intro"]
        if not set(name.casefold().split()) & (NOT_NAMES | LOWER_STOP | NO_ONE | FUNCTION_WORDS
                                               | PRONOUNS):
            given = re.search(rf"\b(?:this is|it'?s|i'?m|i am)\s+(?:[a-z]+,? )?(?:no,? )?"
                              rf"([a-z][a-z'-]+) {re.escape(name)}\b", own)
            return f"{given[1]} {name}" if given and " " not in name else name  # "leo grant"
    low = _LOWER_SIGN_OFF.search(own.rstrip())
    if low and low["name"] not in NOT_NAMES | LOWER_STOP:
        return low["full"] or low["name"]
    return _introduced(own)


def _introduced(text: str) -> str | None:
    """The writer of a lower-case note who introduces themself as its CSM, or at its start."""
    claimed = bool(_SELF_CSM.search(text))  # "... i'm the csm btw it's noor"
    for match in _LOWER_INTRO.finditer(text):
        name = match["name"]
        if name in NOT_NAMES | LOWER_STOP | FUNCTION_WORDS | PRONOUNS | NO_ONE \
                or name.endswith(("ing", "ed")):
            continue
        if _introduces(match, text, claimed):
            return f"{name} {match['surname']}" if match["surname"] else name
    return None


# "this is leo, csm for acme", "its leo again csm for", "hi it's noor, the csm".
_BEFORE_ROLE = re.compile(r",? (?:again,? |by the way,? )?(?:(?:the|their|your) )?"
                          r"(?:csm|customer success)\b")


def _introduces(match: re.Match[str], text: str, claimed: bool) -> bool:
    """Whether "it's noor" introduces the writer: an opener ("noor here") at the note's start
    or in a note whose writer claims the CSM; else at the end, before "the csm", or beside
    the claim."""
    opening = match.start() <= 40
    if match["surname"]:  # "it's leo, leo grant, so ..."
        return True
    if match["opens"]:  # "... this is leo by the way" ends the note
        return opening or claimed or not text[match.end():].strip(" .,!")
    return (match.end() == len(text)
            or bool(_BEFORE_ROLE.match(text, match.end()))
            or claimed and (opening or "csm" in text[max(0, match.start() - 30):]))

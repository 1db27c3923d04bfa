"""Triage: when the judge is unsure, a few yes/no questions a week-one CSM can answer.

The coach asks at most three (knowledge/triage.yaml), one per turn, then grades again with
the answers added to what it knows. The user can end it at any time: a level they state is
taken as chosen; "accept", or any reply that is not an answer, takes the current proposal
(choosing a level clears the questions still lined up: see drafting.set_severity).
"""

from __future__ import annotations

import re

from coach.content.library import Triage, TriageQuestion
from coach.domain import Button, Classification
from coach.domain.session import CoachSession, TriageAnswer, YesNo

_YES = re.compile(r"^(?:y|yes|yeah|yep|yup|sure|correct|right|true|they are|it is|they have|"
                  r"all|everyone|everybody|most|many|all of them|all users|the whole \w+|"
                  r"\d{3,}|\d+,\d{3})\b", re.I)
_NO = re.compile(r"^(?:n|no|nope|nah|not really|not at all|false|none|nobody|no one|they aren't|"
                 r"it isn't|they can|one|a few|few|some|just one|only one|a couple|two|three|"
                 r"\d{1,2})\b", re.I)
_UNSURE = re.compile(r"^(?:not sure|unsure|don'?t know|dunno|no idea|maybe|unknown|idk|"
                     r"i'?m not sure|can'?t tell|not yet)\b", re.I)
ANSWER_BUTTONS = [Button(id="yes", label="Yes"), Button(id="no", label="No"),
                  Button(id="not-sure", label="Not sure")]


def should_start(session: CoachSession, judged: Classification | None) -> bool:
    """Unsure, and nobody has chosen the level or been asked yet."""
    progress, ticket = session.progress, session.ticket
    unsure = judged.unsure if judged is not None else ticket.severity_unsure
    return unsure and not progress.severity_confirmed and not progress.triage


def proposal(session: CoachSession) -> int:
    """The level on the table: the ticket's, else the judge's suggestion."""
    suggestion = session.progress.suggestion
    return session.ticket.severity or (suggestion.severity if suggestion else 1)


def plan(session: CoachSession, triage: Triage) -> None:
    """Line up the questions for the current proposal (the more severe side of the choice)."""
    session.progress.triage_plan = [q.key for q in triage.for_level(proposal(session))]


def read_answer(text: str) -> YesNo | None:
    """Yes, no or unsure; None when the reply is not an answer to a triage question."""
    said = " ".join(text.strip().casefold().replace("-", " ").split())
    if _UNSURE.match(said):
        return "unsure"
    if _YES.match(said):
        return "yes"
    if _NO.match(said):
        return "no"
    return None


def record(session: CoachSession, question: TriageQuestion, answer: YesNo) -> None:
    """Keep the answer and move past the question."""
    session.progress.triage.append(
        TriageAnswer(key=question.key, question=question.ask, answer=answer)
    )
    session.progress.triage_plan = [k for k in session.progress.triage_plan if k != question.key]


def heard(session: CoachSession, triage: Triage) -> str:
    """What the answers add to the text the coach grades, one sentence each."""
    sentences = []
    for answer in session.progress.triage:
        question = triage.question(answer.key)
        if question is not None and answer.answer != "unsure":
            sentences.append(question.yes if answer.answer == "yes" else question.no)
    return " ".join(sentences)


def summary(session: CoachSession) -> str:
    """The answers as the rationale keeps them: "Triage answers: Is ...? no; ..."."""
    parts = [f"{a.question} {a.answer}" for a in session.progress.triage]
    return "Triage answers: " + "; ".join(parts) + "." if parts else ""

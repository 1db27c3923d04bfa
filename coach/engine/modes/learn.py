"""Learn mode: the framework's six areas in order, each a short cited lesson and a check."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field

from coach.content.sections import AREAS
from coach.domain import Button, Model, Reply
from coach.engine.inputs import command_word, escape
from coach.engine.modes.base import Context
from coach.training.lessons import Lesson, load_lessons
from coach.training.wording import full_stop

NEXT_WORDS = {"next", "skip", "next-lesson", "skip-lesson", "continue-to-next", "move-on"}
CHECK_WORDS = {"check", "continue", "ready", "quiz", "check-question", "test-me", "ok", "got-it"}
# After an answer, "continue" and "ok" mean go on; these still mean "the check question again".
RECHECK_WORDS = {"check", "quiz", "check-question", "test-me", "retry", "try-again", "again"}
PREVIOUS_WORDS = {"previous-lesson", "back-a-lesson", "last-lesson", "go-back-a-lesson",
                  "prev", "earlier-lesson"}
LETTERS = "abcdef"
# Words around a letter chosen at a check question: "b i guess?", "its c right?", "i'd say a"
HEDGES = {"i", "guess", "think", "its", "it", "s", "is", "right", "maybe", "probably", "answer",
          "option", "the", "hmm", "um", "uh", "my", "go", "with", "id", "d", "say", "pick",
          "choose", "definitely", "correct", "surely", "then", "ok", "so", "or", "would", "be"}
_QUESTION = re.compile(r"\?\s*$|^(?:what|how|why|when|who|whom|which|where|can|could|should|"
                       r"is|are|do|does|must|may|explain|tell me)\b", re.IGNORECASE)
_JUMP = re.compile(r"^(?:go|jump|skip|take me|move|switch)?\s*(?:to|ahead to|back to)?\s*"
                   r"(?:the\s+)?(?:lesson\s+(?:on|about)\s+)?(?P<area>.+?)(?:\s+lesson)?$",
                   re.IGNORECASE)


class LearnState(Model):
    """Progress through the lessons, kept in `session.data("learn")`."""

    index: int = Field(default=0, ge=0, description="Position in AREAS.")
    phase: Literal["lesson", "check", "feedback", "finished"] = "lesson"
    completed: list[str] = Field(default_factory=list, description="Areas whose lesson was read.")
    correct: dict[str, bool] = Field(default_factory=dict, description="Check result per area.")


class LearnMode:
    """Teaches criteria, severity, response, communication, tracking and review, in order."""

    name = "learn"
    label = "Learn the framework"
    topic = "the lesson"

    def __init__(self, knowledge_dir: Path | None = None) -> None:
        self._knowledge_dir = knowledge_dir

    @cached_property
    def lessons(self) -> dict[str, Lesson]:
        from coach.settings import get_settings  # read on first use, never at import

        return load_lessons(self._knowledge_dir or get_settings().knowledge_dir)

    def starts(self, text: str) -> bool:
        return False  # asked for by meaning: the mode reader (coach.understanding.modes)

    def enter(self, ctx: Context, text: str) -> list[Reply]:
        state = self._state(ctx)
        area = self._area_in(text)
        if area is not None:
            return [self._lesson(ctx, state, AREAS.index(area))]
        if state.phase == "finished":
            state.index, state.phase = 0, "lesson"
        lead = "Welcome back. " if state.completed else ""
        return [self._lesson(ctx, state, state.index, lead)]

    def interject(self, ctx: Context, text: str) -> list[Reply] | None:
        """A question asked in any other mode is answered from the knowledge base, with sources."""
        if ctx.act is None or ctx.act.label != "question":  # read before any mode sees it
            return None  # (a likeliest question no mode took is answered, even if unsure)
        answer = ctx.brain.answer(text, ctx.on_token, ctx.session.framework)
        return [Reply(text=escape(answer.answer), citations=answer.sources, notice=answer.notice)]

    def handle(self, ctx: Context, text: str) -> list[Reply] | None:
        state, word = self._state(ctx), command_word(text)
        if state.phase == "check":
            choice = self._choice(state, text)
            if choice is not None:
                return [self._feedback(ctx, state, choice)]
        if word in NEXT_WORDS:
            return [self._advance(ctx, state, "Skipped ahead. " if word.startswith("skip") else "")]
        if word in PREVIOUS_WORDS:
            return [self._lesson(ctx, state, max(0, state.index - 1))]
        if state.phase == "feedback":
            if word in RECHECK_WORDS:
                return [self._check(ctx, state)]
            if word in CHECK_WORDS:  # "continue", "ok", "got it": on to the next lesson
                return [self._advance(ctx, state, "")]
        if word in CHECK_WORDS and state.phase in ("lesson", "check"):
            return [self._check(ctx, state)]
        area = self._area_named(text)
        if area is not None:
            return [self._lesson(ctx, state, AREAS.index(area))]
        if _QUESTION.search(text) or state.phase == "finished":
            return self._answer(ctx, text)
        return None

    def prompt(self, ctx: Context) -> Reply:
        state = self._state(ctx)
        if state.phase == "check":
            return self._check(ctx, state)
        if state.phase == "finished":
            return self._finished(ctx, state)
        return self._lesson(ctx, state, state.index)

    def _lesson(self, ctx: Context, state: LearnState, index: int, lead: str = "") -> Reply:
        lesson = self.lessons[AREAS[index]]
        state.index, state.phase = index, "lesson"
        if lesson.area not in state.completed:
            state.completed.append(lesson.area)
        self._save(ctx, state)
        points = "\n".join(f"- **{escape(heading)}.** {escape(first)}"
                           for heading, first in lesson.key_points())
        text = (f"{lead}**Lesson {index + 1} of {len(AREAS)}: {lesson.title}**\n\n{points}\n\n"
                "Ask me anything about it, say `check` for the check question, `skip` to move "
                "on, `previous lesson`, or name an area to jump there.")
        buttons = [Button(id="check", label="Check question"), Button(id="skip", label="Skip")]
        if index > 0:
            buttons.append(Button(id="previous lesson", label="Previous lesson"))
        return Reply(text=text, buttons=buttons, citations=lesson.citations())

    def _check(self, ctx: Context, state: LearnState) -> Reply:
        lesson = self.lessons[AREAS[state.index]]
        state.phase = "check"
        self._save(ctx, state)
        options = enumerate(lesson.check.choices)
        choices = "\n".join(f"{LETTERS[i]}) {escape(c)}" for i, c in options)
        buttons = [Button(id=LETTERS[i], label=f"{LETTERS[i]}) {c}")
                   for i, c in enumerate(lesson.check.choices)]
        text = f"**Check: {lesson.title}**\n\n{escape(lesson.check.question)}\n\n{choices}"
        return Reply(text=text, buttons=[*buttons, Button(id="skip", label="Skip")])

    def _choice(self, state: LearnState, text: str) -> int | None:
        check = self.lessons[AREAS[state.index]].check
        word = command_word(text).removeprefix("answer-").removeprefix("option-")
        kept = [w for w in word.split("-") if w not in HEDGES]  # "b i guess?", "its c right?"
        if len(kept) == 1 and len(kept[0]) == 1:
            word = kept[0]
        if len(word) == 1 and word in LETTERS[: len(check.choices)]:
            return LETTERS.index(word)
        if word.isdigit() and 1 <= int(word) <= len(check.choices):
            return int(word) - 1
        folded = " ".join(text.casefold().split())
        return next((i for i, c in enumerate(check.choices) if folded and folded in c.casefold()
                     and len(folded) > 12), None)

    def _feedback(self, ctx: Context, state: LearnState, choice: int) -> Reply:
        lesson = self.lessons[AREAS[state.index]]
        check = lesson.check
        right = choice == check.answer
        state.correct[lesson.area], state.phase = right, "feedback"
        self._save(ctx, state)
        correct = f"{LETTERS[check.answer]}) {escape(check.choices[check.answer])}"
        verdict = "Correct." if right else full_stop(f"Not quite: the answer is {correct}")
        last = state.index == len(AREAS) - 1
        label = "Finish" if last else f"Next: {self.lessons[AREAS[state.index + 1]].title}"
        buttons = [Button(id="next", label=label)]
        again = ""
        if not right:
            again = " Say `check` to try the question again, or `next` to go on."
            buttons.append(Button(id="check", label="Try the check again"))
        return Reply(text=f"{verdict} {full_stop(escape(check.explanation))}{again}",
                     buttons=buttons, citations=lesson.citations()[:1])

    def _advance(self, ctx: Context, state: LearnState, lead: str) -> Reply:
        if state.index + 1 >= len(AREAS):
            return self._finished(ctx, state)
        return self._lesson(ctx, state, state.index + 1, lead)

    def _finished(self, ctx: Context, state: LearnState) -> Reply:
        state.phase = "finished"
        self._save(ctx, state)
        right = sum(state.correct.values())
        text = (f"You have been through {len(state.completed)} of {len(AREAS)} areas and got "
                f"{right} of {len(state.correct)} check questions right. Ask me anything, name "
                "an area to go over it again, or practise on scenarios.")
        return Reply(text=text, buttons=[Button(id="practice", label="Practice on scenarios"),
                                         Button(id="learn criteria", label="Start again")])

    def _answer(self, ctx: Context, text: str) -> list[Reply]:
        answer = ctx.brain.answer(text, ctx.on_token, ctx.session.framework)
        return [Reply(text=escape(answer.answer), citations=answer.sources, notice=answer.notice),
                self._reminder(ctx)]

    def _reminder(self, ctx: Context) -> Reply:
        state = self._state(ctx)
        title = self.lessons[AREAS[state.index]].title
        buttons = [Button(id="check", label="Check question"), Button(id="skip", label="Skip")]
        if state.phase == "check":
            return self._check(ctx, state)
        if state.phase == "feedback":
            buttons = [Button(id="next", label="Next"), Button(id="check", label="Check again")]
        elif state.phase != "lesson":
            buttons = [Button(id="next", label="Next")]
        said = f"Back to **{title}**: ask another question, or carry on."
        return Reply(text=said, buttons=buttons)

    def _area_named(self, text: str) -> str | None:
        match = _JUMP.match(" ".join(text.strip().rstrip(".!").split()))
        wanted = match.group("area").casefold() if match else ""
        for area, lesson in self.lessons.items():
            if wanted in (area, lesson.title.casefold()) or wanted == f"{area} lesson":
                return area
        return None

    def _area_in(self, text: str) -> str | None:
        """An area named anywhere in a short request: "teach me about review"."""
        folded = text.casefold()
        return next((a for a, lesson in self.lessons.items()
                     if re.search(rf"\b{a}\b", folded) or lesson.title.casefold() in folded), None)

    def _state(self, ctx: Context) -> LearnState:
        return LearnState.model_validate(ctx.session.data(self.name))

    def _save(self, ctx: Context, state: LearnState) -> None:
        ctx.go(self.name, state.phase)
        ctx.session.mode_data[self.name] = state.model_dump(mode="json")

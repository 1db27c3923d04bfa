"""Practice mode: grade realistic scenarios (severity, owner, response time) and get scored."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from pydantic import Field

from coach.domain import Artifact, Button, Citation, Model, Reply, SeverityFramework, hours_text
from coach.engine.inputs import command_word, escape
from coach.engine.modes.base import Context
from coach.tailoring.guide import load_guide
from coach.training.lessons import Lesson, load_lessons
from coach.training.scenarios import Scenario, load_scenarios, pick_round
from coach.training.scoring import PracticeAnswer, ScenarioScore, read_answer, score_answer
from coach.training.summary import PracticeSummary, summarise

ROUND_SIZE = 5
STOP_WORDS = {"stop", "finish", "end", "done", "summary", "end-round", "finish-round"}
SKIP_WORDS = {"skip", "pass", "next", "skip-scenario"}
AGAIN_WORDS = {"again", "practice-again", "another-round", "new-round", "more"}
ASK = ("What severity is it, who owns it, and how fast must the first response go out? "
       "E.g. `sev 2, the director, 4 hours`.")
# The sections that teach what a weak spot is about.
REVISIT_SECTIONS = {
    "severity": ("How to choose a severity level", "Re-grading up or down"),
    "response": ("Response time targets by severity", "Business hours versus 24x7 coverage"),
    "criteria": ("Anti-pattern: sitting on it", "Anti-pattern: escalating everything"),
}
_SIZE = re.compile(r"\b(\d{1,2})\s+scenarios?\b", re.IGNORECASE)


class PracticeState(Model):
    """The practice mode's private state, kept in `session.data("practice")`."""

    round: list[str] = Field(default_factory=list, description="Scenario ids of this round.")
    position: int = 0
    answer: PracticeAnswer = Field(default_factory=PracticeAnswer)
    results: list[ScenarioScore] = Field(default_factory=list)
    rounds_done: int = 0


class PracticeMode:
    """Presents scenarios from the bank, scores each answer, and sums up the round."""

    name = "practice"
    label = "Practice on scenarios"
    topic = "practice"

    def __init__(self, knowledge_dir: Path | None = None) -> None:
        self._knowledge_dir = knowledge_dir

    @cached_property
    def _dir(self) -> Path:
        from coach.settings import get_settings  # read on first use, never at import

        return self._knowledge_dir or get_settings().knowledge_dir

    @cached_property
    def bank(self) -> dict[str, Scenario]:
        return {s.id: s for s in load_scenarios(self._dir)}

    def starts(self, text: str) -> bool:
        return False  # asked for by meaning: the mode reader (coach.understanding.modes)

    def enter(self, ctx: Context, text: str) -> list[Reply]:
        state = self._state(ctx)
        if state.round and state.position < len(state.round):
            ctx.go(self.name, "answer")
            return [self._present(ctx, state, "Picking up where you left off.\n\n")]
        size = _SIZE.search(text)
        return self._new_round(ctx, state, int(size.group(1)) if size else ROUND_SIZE)

    def handle(self, ctx: Context, text: str) -> list[Reply] | None:
        state, word = self._state(ctx), command_word(text)
        if ctx.session.step == "done":
            return self._new_round(ctx, state, ROUND_SIZE) if word in AGAIN_WORDS else None
        if word in STOP_WORDS:
            return [self._finish(ctx, state)]
        if word in SKIP_WORDS:
            state.position, state.answer = state.position + 1, PracticeAnswer()
            return self._next(ctx, state, "Skipped; it is not scored.\n\n")
        if ctx.is_act("question"):
            return None  # answered by the engine, not scored; the scenario waits
        answer = read_answer(text, ctx.session.framework, self._roles(), state.answer)
        if ctx.is_act("situation") and answer.severity is None:
            return None  # another situation told, not a level: the engine offers a ticket
        if answer == state.answer:
            return self._ask_brain(ctx, text) if text.rstrip().endswith("?") else None
        state.answer = answer
        if answer.missing():
            self._save(ctx, state)
            return [self._ask_missing(ctx, answer)]
        return self._grade(ctx, state)

    def prompt(self, ctx: Context) -> Reply:
        state = self._state(ctx)
        if ctx.session.step == "done" or state.position >= len(state.round):
            return Reply(text="Start another round?", buttons=_again_buttons([]))
        return self._present(ctx, state)

    def _new_round(self, ctx: Context, state: PracticeState, size: int) -> list[Reply]:
        size = max(1, min(size, len(self.bank)))
        ids = pick_round(tuple(self.bank.values()), state.rounds_done, size)
        fresh = PracticeState(round=ids, rounds_done=state.rounds_done)
        ctx.go(self.name, "answer")
        intro = (f"A round of {len(ids)} scenarios, scored against "
                 f"**{escape(ctx.session.framework.name)}**. `skip` a scenario or `stop` any "
                 "time.\n\n")
        return [self._present(ctx, fresh, intro)]

    def _present(self, ctx: Context, state: PracticeState, lead: str = "") -> Reply:
        scenario = self.bank[state.round[state.position]]
        self._save(ctx, state)
        text = (f"{lead}**Scenario {state.position + 1} of {len(state.round)}: "
                f"{escape(scenario.title)}**\n\n{escape(scenario.situation)}\n\n{ASK}")
        return Reply(text=text, buttons=_level_buttons(ctx.session.framework))

    def _ask_missing(self, ctx: Context, answer: PracticeAnswer) -> Reply:
        missing = answer.missing()
        words = {"severity": "the severity", "owner": "the owner", "response": "the response time"}
        framework = ctx.session.framework
        buttons = {"severity": _level_buttons(framework), "owner": _owner_buttons(framework),
                   "response": _time_buttons(framework)}[missing[0]]
        said = " and ".join(words[m] for m in missing)
        return Reply(text=f"Noted. Now {said}?", buttons=buttons)

    def _grade(self, ctx: Context, state: PracticeState) -> list[Reply]:
        scenario = self.bank[state.round[state.position]]
        score = score_answer(scenario, state.answer, ctx.session.framework)
        state.results.append(score)
        state.position, state.answer = state.position + 1, PracticeAnswer()
        lines = "\n".join(f"- **{p.part.capitalize()}** ({p.score:g}/1): {escape(p.note)}"
                          for p in score.parts)
        text = (f"**Score: {score.total:g} / 3**\n\n{lines}\n\nWhy: {escape(scenario.why)}")
        artifact = Artifact(kind="score", title=f"Practice: {scenario.title}",
                            data=score.model_dump(mode="json"))
        return [Reply(text=text, artifacts=[artifact]), *self._next(ctx, state)]

    def _next(self, ctx: Context, state: PracticeState, lead: str = "") -> list[Reply]:
        if state.position >= len(state.round):
            return [self._finish(ctx, state, lead)]
        return [self._present(ctx, state, lead)]

    def _finish(self, ctx: Context, state: PracticeState, lead: str = "") -> Reply:
        summary = summarise(state.results, ctx.session.framework.name)
        state.round, state.position = [], 0
        state.rounds_done += 1
        state.results, state.answer = [], PracticeAnswer()
        self._save(ctx, state)
        ctx.go(self.name, "done")
        lessons = load_lessons(self._dir)
        data = summary.model_dump(mode="json")
        artifact = Artifact(kind="score", title="Practice summary", data=data)
        return Reply(text=lead + _summary_text(summary, lessons), artifacts=[artifact],
                     citations=_revisit_citations(summary, lessons),
                     buttons=_again_buttons([lessons[a] for a in summary.revisit]))

    def _ask_brain(self, ctx: Context, text: str) -> list[Reply]:
        answer = ctx.brain.answer(text, ctx.on_token, ctx.session.framework)
        return [Reply(text=escape(answer.answer), citations=answer.sources, notice=answer.notice),
                self.prompt(ctx)]

    def _roles(self) -> dict[str, list[str]]:
        return load_guide(self._dir).owner_aliases()

    def _state(self, ctx: Context) -> PracticeState:
        return PracticeState.model_validate(ctx.session.data(self.name))

    def _save(self, ctx: Context, state: PracticeState) -> None:
        ctx.session.mode_data[self.name] = state.model_dump(mode="json")


def _summary_text(summary: PracticeSummary, lessons: dict[str, Lesson]) -> str:
    if not summary.results:
        return "Round over; no scenario was answered, so there is no score."
    parts = ", ".join(f"{p} {v:.0%}" for p, v in summary.by_part.items())
    weak = "\n".join(f"- {escape(w)}" for w in summary.weak_spots) or "- none: well done"
    revisit = ", ".join(lessons[a].title for a in summary.revisit) or "nothing; try another round"
    return (f"**Round complete: {summary.score:g} of {summary.out_of:g} ({summary.percent}%)** "
            f"against {escape(summary.framework)}.\n\nBy part: {parts}.\n\nWeak spots:\n{weak}"
            f"\n\nLessons to revisit: {revisit}.")


def _revisit_citations(summary: PracticeSummary, lessons: dict[str, Lesson]) -> list[Citation]:
    cited = []
    for area in summary.revisit:
        for heading in REVISIT_SECTIONS.get(area, ()):
            if lessons[area].section(heading) is not None:
                cited.append(Citation(file=lessons[area].file, section=heading))
    return cited


def _again_buttons(revisit: list[Lesson]) -> list[Button]:
    buttons = [Button(id=f"learn {lesson.area}", label=f"Revisit: {lesson.title}")
               for lesson in revisit]
    return [*buttons, Button(id="practice-again", label="Another round")]


def _level_buttons(framework: SeverityFramework) -> list[Button]:
    return [Button(id=f"sev {lvl.level}", label=f"Severity {lvl.level} ({lvl.name})")
            for lvl in framework.levels]


def _owner_buttons(framework: SeverityFramework) -> list[Button]:
    owners = dict.fromkeys(lvl.owner for lvl in framework.levels)
    return [Button(id=owner, label=owner) for owner in owners]


def _time_buttons(framework: SeverityFramework) -> list[Button]:
    times = dict.fromkeys(hours_text(lvl.response_hours) for lvl in framework.levels)
    return [Button(id=t, label=t) for t in times]

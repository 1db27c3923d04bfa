"""How the tailor mode shows a framework, its changes and its exports."""

from __future__ import annotations

from coach.domain import Artifact, Button, Reply, SeverityFramework, hours_text
from coach.engine.inputs import escape
from coach.engine.views.files import json_text
from coach.tailoring.guide import Question
from coach.tailoring.rules import Change

EDIT_EXAMPLES = ('"make severity 2 response 2 hours", "sev 3 owner is the Support Lead", '
                 '"add \'SSO broken\' as a sev 2 example", "rename level 1 to P1"')
SHOW_HINT = 'Say "show the framework" for the whole table.'
SKIP = Button(id="skip", label="Skip this question")
ACCEPT = Button(id="accept", label="Accept this framework")
EXPORT = Button(id="export-framework", label="Export framework")
FIELD_WORDS = {"owner": "owner", "response_hours": "response", "definition": "definition",
               "examples": "examples"}


def table(framework: SeverityFramework) -> str:
    """The framework as a Markdown table; every cell escaped, since edits carry user words."""
    rows = [f"**{escape(framework.name)}**", "",
            "| Level | Name | Definition | Response | Owner | Examples |",
            "|---|---|---|---|---|---|"]
    for lvl in framework.levels:
        examples = "; ".join(escape(e) for e in lvl.examples)
        rows.append(f"| {lvl.level} | {escape(lvl.name)} | {escape(lvl.definition)} "
                    f"| {hours_text(lvl.response_hours)} | {escape(lvl.owner)} | {examples} |")
    return "\n".join(rows)


def changes_text(changes: list[Change], from_seed: bool = True) -> str:
    """Every change a rule made, with its explanation."""
    if not changes:
        return ("The seed's levels already fit what you told me; nothing needed changing."
                if from_seed else "What you told me changes nothing else.")
    grouped: dict[tuple[str, str, str], list[int]] = {}
    for c in changes:  # one line for a rule that changed several levels alike
        grouped.setdefault((c.rule, c.field, c.why), []).append(c.level)
    lines = [f"- **Severity {_numbers(levels)} {FIELD_WORDS[field]}** ({rule}): {escape(why)}"
             for (rule, field, why), levels in grouped.items()]
    heading = "What changed from the seed, and why:" if from_seed else "What changed now, and why:"
    return heading + "\n" + "\n".join(lines)


def _numbers(levels: list[int]) -> str:
    """[2] -> "2"; [2, 3, 4] -> "2, 3 and 4"."""
    words = [str(n) for n in levels]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def artifact(framework: SeverityFramework, title: str) -> Artifact:
    """The framework as a card and a JSON download."""
    return Artifact(kind="framework", title=title, data=framework.model_dump(mode="json"))


def question_reply(question: Question, lead: str = "") -> Reply:
    """One tailoring question with its quick replies and a skip button."""
    buttons = [Button(id=c.id, label=c.label) for c in question.choices]
    return Reply(text=f"{lead}{question.text}", buttons=[*buttons, SKIP])


def proposal_reply(framework: SeverityFramework, changes: list[Change], dropped: list[str],
                   lead: str, from_seed: bool = True, undone: list[Change] | None = None
                   ) -> Reply:
    """The proposal: what changed and why (and what no longer applies), the table, and how to
    accept or edit it."""
    parts = [lead, changes_text(changes, from_seed)]
    if undone:  # nothing changes silently: a rule that stopped applying is named
        parts.append("No longer applies, so back as the seed has it:\n" + "\n".join(
            f"- **Severity {c.level} {FIELD_WORDS[c.field]}** ({c.rule})" for c in undone))
    # The whole table with the first proposal; after that only what changed, and the table
    # when asked for.
    parts.append(table(framework) if from_seed else SHOW_HINT)
    if dropped:
        parts.append("These edits of yours no longer fit and were dropped:\n"
                     + "\n".join(f"- {escape(d)}" for d in dropped))
    parts.append(f"Accept it, or change it in words, e.g. {EDIT_EXAMPLES}.")
    return Reply(text="\n\n".join(p for p in parts if p), buttons=[ACCEPT, EXPORT],
                 artifacts=[artifact(framework, "Proposed severity framework")])


def export_files(framework: SeverityFramework, changes: list[Change]) -> dict[str, str]:
    """File name -> content: the framework as Markdown and as JSON."""
    markdown = f"# Severity framework\n\n{table(framework)}\n\n{changes_text(changes)}\n"
    data = json_text(framework.model_dump(mode="json"))
    return {"severity-framework.md": markdown, "severity-framework.json": data}

"""What one tailoring turn says: a framework edit, or answers about the company."""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.domain import SeverityFramework
from coach.tailoring.edits import FrameworkEdit, parse_framework_edit
from coach.tailoring.guide import Guide, QuestionKey
from coach.tailoring.profile_parser import Understood, understand

# Which question each profile field answers.
QUESTION_OF: dict[str, QuestionKey] = {
    "stage": "stage",
    "segments": "segments",
    "customer_count": "segments",
    "cs_team_size": "roles",
    "cs_roles": "roles",
    "coverage": "coverage",
    "timezone": "timezone",
    "contractual_slas": "slas",
    "critical_concerns": "concerns",
    "monthly_escalations": "volume",
}


@dataclass(frozen=True)
class TailorReading:
    """An edit to apply, or what the text told us about the company (never both)."""

    edit: FrameworkEdit | None = None
    heard: Understood = field(default_factory=Understood)


def read_offline(
    text: str, framework: SeverityFramework, guide: Guide, asked: QuestionKey | None
) -> TailorReading:
    """Rules and vocabulary only; an unreadable edit raises EditError with the reason."""
    edit = parse_framework_edit(text, framework)
    if edit is not None:
        return TailorReading(edit=edit)
    return TailorReading(heard=understand(text, guide, asked))

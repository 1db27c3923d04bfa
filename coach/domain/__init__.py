"""The domain: Pydantic models and pure rules. Imports nothing else of the coach.

Everything public is re-exported here, so callers write `from coach.domain import Reply`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from coach.domain.base import CoachError, Model, Text, describe_errors, plain_error
from coach.domain.framework import (
    LEVEL_REF,
    SeverityFramework,
    SeverityLevel,
    UnknownLevelError,
    framework_markdown,
    framework_problems,
    hours_text,
    level_number,
    level_ref,
    matched_level,
    parse_level_number,
)
from coach.domain.profile import (
    CompanyProfile,
    Concern,
    ContractualSLA,
    Coverage,
    Segment,
    Stage,
)
from coach.domain.replies import (
    Alternative,
    Answer,
    Artifact,
    Button,
    Citation,
    Classification,
    MessageDraft,
    Reply,
)
from coach.domain.ticket import (
    TICKET_FIELDS,
    ActionPlan,
    ActionStep,
    EscalationTicket,
    TicketDraft,
)

__all__ = [
    "TICKET_FIELDS",
    "ActionPlan",
    "ActionStep",
    "Alternative",
    "Answer",
    "Artifact",
    "Button",
    "Citation",
    "Classification",
    "CoachError",
    "CompanyProfile",
    "Concern",
    "ContractualSLA",
    "Coverage",
    "EscalationTicket",
    "MessageDraft",
    "Model",
    "Reply",
    "Segment",
    "SeverityFramework",
    "SeverityLevel",
    "Stage",
    "Text",
    "TicketDraft",
    "UnknownLevelError",
    "describe_errors",
    "framework_markdown",
    "framework_problems",
    "hours_text",
    "json_schemas",
    "parse_level_number",
    "LEVEL_REF",
    "level_number",
    "matched_level",
    "level_ref",
    "plain_error",
]


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every public model, by name."""
    models: list[type[BaseModel]] = [
        SeverityLevel,
        SeverityFramework,
        CompanyProfile,
        TicketDraft,
        EscalationTicket,
        ActionStep,
        ActionPlan,
        Citation,
        Answer,
        Classification,
        Button,
        MessageDraft,
        Artifact,
        Reply,
    ]
    return {model.__name__: model.model_json_schema() for model in models}

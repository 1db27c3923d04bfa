"""What the coach learns about a company while tailoring its severity levels."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from coach.domain.base import Model, Text

Stage = Literal["pre-seed", "seed", "series-a", "series-b", "growth", "enterprise"]
Segment = Literal["smb", "mid-market", "enterprise"]
Coverage = Literal["business-hours", "extended-hours", "24x7", "follow-the-sun"]
Concern = Literal["uptime", "data-sensitivity", "revenue-concentration", "compliance"]


class ContractualSLA(Model):
    """A response time already promised to customers in contracts."""

    severity: int = Field(ge=1, le=6, description="The level the promise applies to.")
    response_hours: float = Field(gt=0, description="Promised first-response time, in hours.")


class CompanyProfile(Model):
    """What the coach has learnt about the company while tailoring; every answer is optional."""

    stage: Stage | None = None
    segments: list[Segment] = Field(default_factory=list, description="Customer segment mix.")
    customer_count: int | None = Field(default=None, ge=0)
    cs_team_size: int | None = Field(default=None, ge=0)
    cs_roles: list[Text] = Field(default_factory=list, description="CS roles that exist.")
    coverage: Coverage | None = None
    timezone: str | None = None
    weekend_levels: list[int] = Field(
        default_factory=list,
        description='Levels staffed at weekends when the rest wait for Monday ("weekend '
        'coverage for sev 1 only": [1]); empty when no such limit was stated.')
    contractual_slas: list[ContractualSLA] = Field(default_factory=list)
    critical_concerns: list[Concern] = Field(default_factory=list)
    monthly_escalations: int | None = Field(default=None, ge=0)

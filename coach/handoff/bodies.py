"""The documented request bodies of each tool, as Pydantic models: every export is checked
against its model before it is written or sent.

- Zendesk: `POST /api/v2/tickets.json` (and `PUT /api/v2/tickets/{id}.json`).
- Jira Cloud / Service Management: `POST /rest/api/3/issue` (and `PUT .../issue/{key}`), the
  description in Atlassian Document Format.
- Salesforce: the fields of a Case (`POST /services/data/vXX.X/sobjects/Case`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from coach.domain.base import Model

Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_\-]+$", max_length=80)]
Line = Annotated[str, StringConstraints(min_length=1)]


class ZendeskComment(Model):
    body: Line
    public: bool = Field(default=False, description="An internal note: it holds internal detail.")


class ZendeskTicket(Model):
    subject: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    comment: ZendeskComment
    priority: Literal["urgent", "high", "normal", "low"]
    type: Literal["incident"] = "incident"
    tags: list[Tag] = Field(min_length=1)
    external_id: Line


class ZendeskRequest(Model):
    ticket: ZendeskTicket


class AdfText(Model):
    type: Literal["text"] = "text"
    text: Line


class AdfHeadingAttrs(Model):
    level: int = Field(ge=1, le=6)


class AdfHeading(Model):
    type: Literal["heading"] = "heading"
    attrs: AdfHeadingAttrs
    content: list[AdfText] = Field(min_length=1)


class AdfParagraph(Model):
    type: Literal["paragraph"] = "paragraph"
    content: list[AdfText] = Field(min_length=1)


class AdfListItem(Model):
    type: Literal["listItem"] = "listItem"
    content: list[AdfParagraph] = Field(min_length=1)


class AdfBulletList(Model):
    type: Literal["bulletList"] = "bulletList"
    content: list[AdfListItem] = Field(min_length=1)


AdfBlock = Annotated[AdfHeading | AdfParagraph | AdfBulletList, Field(discriminator="type")]


class AdfDocument(Model):
    type: Literal["doc"] = "doc"
    version: Literal[1] = 1
    content: list[AdfBlock] = Field(min_length=1)


class JiraKey(Model):
    key: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{0,9}$")]


class JiraName(Model):
    name: Line


class JiraFields(Model):
    project: JiraKey
    issuetype: JiraName
    summary: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    priority: JiraName
    labels: list[Annotated[str, StringConstraints(pattern=r"^\S+$", max_length=255)]]
    description: AdfDocument


class JiraRequest(Model):
    fields: JiraFields


class SalesforceCase(Model):
    """A Case's fields, named as the Salesforce REST API names them."""

    Subject: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    Description: Annotated[str, StringConstraints(min_length=1, max_length=32000)]
    Priority: Literal["High", "Medium", "Low"]
    Status: Literal["Escalated"] = "Escalated"
    IsEscalated: Literal[True] = True
    Origin: Literal["Escalation Coach"] = "Escalation Coach"
    SuppliedCompany: Annotated[str, StringConstraints(max_length=80)] | None = None

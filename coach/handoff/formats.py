"""An escalation in each tool's format: Zendesk, Jira, Salesforce (JSON request bodies, each
validated against its model in coach.handoff.bodies), CSV (one row per escalation; imports
into Jira's CSV importer through its Summary column) and Markdown (the ticket and its
timeline). Priorities come from the framework's `integrations` section, else the defaults."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from coach.domain import CoachError
from coach.domain.escalation import Escalation
from coach.domain.integrations import Tool, priority_map
from coach.engine.drafting import LABELS
from coach.engine.views.cards import ticket_markdown
from coach.handoff.bodies import (
    AdfBlock,
    AdfBulletList,
    AdfDocument,
    AdfHeading,
    AdfHeadingAttrs,
    AdfListItem,
    AdfParagraph,
    AdfText,
    JiraFields,
    JiraKey,
    JiraName,
    JiraRequest,
    SalesforceCase,
    ZendeskComment,
    ZendeskRequest,
    ZendeskTicket,
)
from coach.tracking.clocks import ClockState, calendar_of, clocks

Format = Literal["zendesk", "jira", "salesforce", "csv", "markdown"]
FORMATS: tuple[Format, ...] = get_args(Format)
SUFFIX = {"zendesk": "json", "jira": "json", "salesforce": "json", "csv": "csv",
          "markdown": "md"}
SUBJECT_LIMIT = 255
CLOCKS = ("first_response", "next_update", "resolution")


class ExportError(CoachError):
    """An escalation that cannot be put in a tool's format (e.g. a level it has no priority
    for)."""


def export(escalation: Escalation, fmt: Format, now: datetime, jira_project: str = "ESC",
           jira_issue_type: str = "Task") -> str:
    """The file's text in the format."""
    if fmt == "zendesk":
        return _json(zendesk(escalation).model_dump(mode="json"))
    if fmt == "jira":
        return _json(jira(escalation, jira_project, jira_issue_type).model_dump(mode="json"))
    if fmt == "salesforce":
        return _json(salesforce(escalation).model_dump(mode="json", exclude_none=True))
    if fmt == "csv":
        return csv_text([escalation], now)
    return markdown(escalation, now)


def file_name(escalation: Escalation, fmt: Format) -> str:
    account = re.sub(r"[^a-z0-9]+", "-", escalation.account.casefold()).strip("-")[:40]
    return f"escalation-{escalation.id}-{account or 'account'}-{fmt}.{SUFFIX[fmt]}"


def priority(escalation: Escalation, tool: Tool) -> str:
    """The tool's priority for the escalation's current level."""
    found = priority_map(escalation.framework.integrations, tool).get(str(escalation.severity))
    if found is None:
        raise ExportError(f"the framework maps no {tool} priority for severity "
                          f"{escalation.severity}; add it to its integrations section")
    return found


def subject(escalation: Escalation) -> str:
    """"Account: issue summary", cut on a word to 255 characters."""
    text = " ".join(f"{escalation.account}: {escalation.ticket.issue_summary}".split())
    if len(text) <= SUBJECT_LIMIT:
        return text
    cut = text[:SUBJECT_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return cut + "…"


def tags(escalation: Escalation) -> list[str]:
    return ["escalation", f"sev{escalation.severity}", "escalation-coach"]


def fields(escalation: Escalation) -> list[tuple[str, str | list[str]]]:
    """Every template field as (label, value), plain text, then status and times."""
    ticket, zone = escalation.ticket, _zone(escalation)
    level = escalation.framework.find(escalation.severity)
    found: list[tuple[str, str | list[str]]] = []
    for name, label in LABELS.items():
        value: Any = getattr(ticket, name)
        if name == "severity":
            value = f"{escalation.severity}" + (f" ({level.name})" if level else "")
        elif name == "actions_taken":
            value = list(value) or ["none recorded"]
        found.append((label, value if value else "not given"))
    found += [("Status", escalation.status),
              ("Created", _when(escalation.created_at, zone)),
              ("First response due", _when(ticket.response_due, zone)),
              ("Escalation Coach id", escalation.id)]
    return found


def plain_text(escalation: Escalation) -> str:
    lines = []
    for label, value in fields(escalation):
        if isinstance(value, list):
            lines += [f"{label}:", *(f"- {item}" for item in value)]
        else:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


def zendesk(escalation: Escalation) -> ZendeskRequest:
    return ZendeskRequest(ticket=ZendeskTicket.model_validate({
        "subject": subject(escalation),
        "comment": ZendeskComment(body=plain_text(escalation)),
        "priority": priority(escalation, "zendesk"), "tags": tags(escalation),
        "external_id": f"escalation-coach-{escalation.id}"}))


def jira(escalation: Escalation, project: str, issue_type: str) -> JiraRequest:
    blocks: list[AdfBlock] = []
    for label, value in fields(escalation):
        blocks.append(AdfHeading(attrs=AdfHeadingAttrs(level=3), content=[AdfText(text=label)]))
        if isinstance(value, list):
            blocks.append(AdfBulletList(content=[
                AdfListItem(content=[AdfParagraph(content=[AdfText(text=item)])])
                for item in value]))
        else:
            blocks.append(AdfParagraph(content=[AdfText(text=value)]))
    return JiraRequest(fields=JiraFields(
        project=JiraKey(key=project), issuetype=JiraName(name=issue_type),
        summary=subject(escalation), priority=JiraName(name=priority(escalation, "jira")),
        labels=tags(escalation), description=AdfDocument(content=blocks)))


def salesforce(escalation: Escalation) -> SalesforceCase:
    return SalesforceCase.model_validate({
        "Subject": subject(escalation), "Description": plain_text(escalation)[:32000],
        "Priority": priority(escalation, "salesforce"),
        "SuppliedCompany": escalation.account[:80]})


CSV_COLUMNS = ("Summary", "Escalation ID", *LABELS.values(), "Priority", "Status", "Created",
               *(f"{name.replace('_', ' ').capitalize()} {part}" for name in CLOCKS
                 for part in ("state", "due")))


def csv_text(escalations: Sequence[Escalation], now: datetime) -> str:
    """A header row and one row per escalation (Jira's CSV importer reads the Summary)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for escalation in escalations:
        zone, found = _zone(escalation), clocks(escalation, now)
        values = dict(fields(escalation))
        states: list[ClockState | None] = [found.first_response, found.next_update,
                                           found.resolution]
        writer.writerow([
            subject(escalation), escalation.id,
            *("; ".join(v) if isinstance(v := values[label], list) else v
              for label in LABELS.values()),
            priority(escalation, "jira"), escalation.status,
            _when(escalation.created_at, zone),
            *(cell for state in states for cell in (
                state.state if state else "not started",
                _when(state.due, zone) if state and state.due else ""))])
    return out.getvalue()


def markdown(escalation: Escalation, now: datetime) -> str:
    """The ticket as the chat exports it, then its status, clocks and timeline."""
    zone, found = _zone(escalation), clocks(escalation, now)
    rows = ["| When | Who | What |", "|---|---|---|"]
    for event in escalation.timeline():
        what = event.kind + (f" → {event.status}" if event.status and event.kind == "status"
                             else "") + (f" → severity {event.severity}"
                                         if event.kind == "severity" else "")
        said = f": {event.text}" if event.text else ""
        rows.append(f"| {_shown(event.at, zone)} | {event.by} | "
                    f"{(what + said).replace('|', '/')} |")
    states = [("First response", found.first_response), ("Next update", found.next_update),
              ("Resolution", found.resolution)]
    clock_lines = [f"- {name}: {state.state}" + (f", due {_shown(state.due, zone)}"
                                                 if state.due else "")
                   for name, state in states if state is not None]
    return (ticket_markdown(escalation.ticket, escalation.framework)
            + f"\n\n## Status\n**{escalation.status}**, severity {escalation.severity} "
            f"(escalation #{escalation.id})\n\n" + "\n".join(clock_lines)
            + "\n\n## Timeline\n" + "\n".join(rows) + "\n")


def _zone(escalation: Escalation) -> ZoneInfo:
    return ZoneInfo(calendar_of(escalation.framework).timezone)


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _shown(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M %Z}"


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

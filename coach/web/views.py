"""What the browser shows for a `Reply`: Markdown, buttons, download files and cited sources.

UI-agnostic views that `app.py` maps one-to-one onto Chainlit messages and elements. Download
contents come from the engine's own exports, so the terminal and the browser agree.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from coach.answering.levels import MATRIX_FILE, describe, section_name
from coach.content.frameworks import seed_framework
from coach.content.sections import load_chunks
from coach.domain import (
    ActionPlan,
    Artifact,
    Button,
    Citation,
    EscalationTicket,
    MessageDraft,
    Reply,
    SeverityFramework,
    framework_markdown,
)
from coach.domain.review import PostEscalationReview
from coach.engine.views.files import json_text, plan_files, review_files, slug, ticket_files
from coach.tracking.metric_tables import csv_text, tables
from coach.tracking.metrics import Metrics
from coach.web.charts import Figure, charts

# Welcome-screen starters: (label, what pressing it types). The typed words are mode ids.
STARTERS = (
    ("Learn the framework", "learn"),
    ("Practice", "practice"),
    ("Tailor my severity levels", "tailor"),
    ("Draft an escalation ticket", "ticket"),
    ("My tickets", "my tickets"),
    ("My frameworks", "my frameworks"),
    ("Dashboard", "dashboard"),
)
_MIME = {".md": "text/markdown", ".json": "application/json"}
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>\s*", re.I)


@dataclass(frozen=True)
class Download:
    """A file offered for download."""

    name: str
    mime: str
    content: bytes


@dataclass(frozen=True)
class Source:
    """A cited section of knowledge/ (or the framework in use), shown closed under the message."""

    name: str
    text: str


@dataclass(frozen=True)
class View:
    """One rendered message."""

    markdown: str
    buttons: list[Button] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    export: bool = False  # files asked for: offered again even if offered before
    charts: list[tuple[str, Figure]] = field(default_factory=list)  # shown inline


def reply_view(reply: Reply, framework: SeverityFramework, knowledge_dir: Path) -> View:
    """A Reply as one message: text, notice, buttons, downloads of its artifacts, sources
    (shown by the page under the text, each opened by a click)."""
    parts = [reply.text] if reply.text else []
    if reply.notice:
        parts.append(f"*{reply.notice}*")
    sources = cited_sources(reply.citations, knowledge_dir, framework)
    files = [d for artifact in reply.artifacts for d in downloads(artifact, framework)]
    return View("\n\n".join(parts), list(reply.buttons), _unique(files), sources, reply.export,
                dashboard_charts(reply))


def downloads(artifact: Artifact, framework: SeverityFramework) -> list[Download]:
    """Markdown and JSON files for a confirmed ticket, plan or framework; text for a message."""
    if artifact.kind == "ticket":
        ticket = EscalationTicket.model_validate(artifact.data)
        return _files(ticket_files(ticket, framework))
    if artifact.kind == "action_plan":
        plan = ActionPlan.model_validate(artifact.data)
        return _files(plan_files(plan))
    if artifact.kind == "framework":
        shown = SeverityFramework.model_validate(artifact.data)
        stem = f"framework-{slug(shown.name)}"
        return _files({f"{stem}.md": framework_markdown(shown) + "\n",
                       f"{stem}.json": json_text(shown.model_dump(mode="json"))})
    if artifact.kind == "review":
        review = PostEscalationReview.model_validate(artifact.data["review"])
        return _files(review_files(str(artifact.data["account"]), review))
    if artifact.kind == "message":
        draft = MessageDraft.model_validate(artifact.data)
        return _files({f"{slug(draft.title)}.md": f"# {draft.title}\n\n{draft.text}\n"})
    if artifact.kind == "handoff":
        return _files({str(k): str(v) for k, v in artifact.data["files"].items()})
    if artifact.kind == "dashboard":
        found = tables(Metrics.model_validate(artifact.data["metrics"]))
        return _files({f"escalation-metrics-{name}.csv": csv_text(found[name])
                       for name in ("levels", "weekly")})
    return []


def dashboard_charts(reply: Reply) -> list[tuple[str, Figure]]:
    """The charts of the reply's dashboard, as Plotly figure documents."""
    return [chart for artifact in reply.artifacts if artifact.kind == "dashboard"
            for chart in charts(Metrics.model_validate(artifact.data["metrics"]))]


def first_offers(view: View, offered: set[str]) -> list[Download]:
    """The view's files not offered before in this conversation (`offered` remembers them): a
    version of a ticket or framework is offered once, however often it is shown, and again
    only when asked for (`export`)."""
    fresh = []
    for file in view.downloads:
        key = hashlib.sha256(file.name.encode() + b"\0" + file.content).hexdigest()
        if key not in offered or view.export:
            offered.add(key)
            fresh.append(file)
    return fresh


def cited_sources(citations: list[Citation], knowledge_dir: Path,
                  framework: SeverityFramework | None = None) -> list[Source]:
    """Each cited section once, with its text: from knowledge/, or for a level of the
    framework in use (the seed's or a tailored one), that level as it now stands."""
    texts = dict(_section_texts(knowledge_dir))
    if framework is not None:
        for file in (MATRIX_FILE, f"framework: {framework.name}"):
            texts.update({(file, section_name(lvl)): describe(lvl) for lvl in framework.levels})
    seen: dict[str, Source] = {}
    for citation in citations:
        name = f"{citation.file} § {citation.section}"
        text = texts.get((citation.file, citation.section), f"{citation.file}, {citation.section}")
        seen.setdefault(name, Source(name, text))
    return list(seen.values())


def offline_page(html: str) -> str:
    """Chainlit's page without links to other hosts (Google Fonts, the KaTeX CDN)."""
    return _EXTERNAL_LINK.sub("", html)


def too_large_text(size: int, limit: int) -> str:
    """The answer to a message over the size limit: nothing of it was read or kept."""
    return (f"That message is {size / 1_048_576:.1f} MiB; I read messages up to "
            f"{limit / 1_048_576:.1f} MiB, so I set it aside unread and nothing changed. "
            "Paste the part that matters: the account, what happened, and when.")


UNEXPECTED = ("Something went wrong on our side, so that message was not answered. The "
              "conversation so far is kept: try again.")


def failure_text(error: Exception) -> str:
    """What the user is told when their work could not be saved or loaded."""
    return (f"**Not saved:** {error}\n\nYour conversation is still here. Try again in a moment; "
            "if it keeps failing, type `export` to keep a copy of your ticket.")


@lru_cache(maxsize=4)
def _section_texts(knowledge_dir: Path) -> dict[tuple[str, str], str]:
    texts = {(c.file, c.section): c.text for c in load_chunks(knowledge_dir)}
    for level in seed_framework(knowledge_dir).levels:  # cited by answers about a level
        texts[(MATRIX_FILE, section_name(level))] = describe(level)
    return texts


def _files(files: dict[str, str]) -> list[Download]:
    return [Download(name, _MIME.get(Path(name).suffix, "text/plain"), text.encode())
            for name, text in files.items()]


def _unique(files: list[Download]) -> list[Download]:
    return list({d.name: d for d in files}.values())

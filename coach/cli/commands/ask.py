"""`coach ask QUESTION`: answer a question about the framework, with citations."""

from __future__ import annotations

import argparse

from coach.brains.factory import make_brain
from coach.cli.commands.common import (
    active_framework,
    add_framework_option,
    print_json,
    require_text,
)
from coach.settings import get_settings

OFFLINE_NOTICE = (
    "answered offline from the knowledge base: no LLM is configured "
    "(set OPENAI_API_KEY or COACH_LLM_BASE_URL for answers in the model's own words)"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("ask", help="answer a question about the escalation framework")
    parser.add_argument("question")
    add_framework_option(parser)
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    question = require_text(args.question, "question")
    settings = get_settings()
    framework = active_framework(args.framework, settings)
    answer = make_brain(settings).answer(question, framework=framework)
    if answer.mode == "offline" and answer.notice is None:
        answer.notice = OFFLINE_NOTICE
    if args.json:
        print_json(answer.model_dump(exclude_none=True))
        return 0
    print(answer.answer)
    for n, source in enumerate(answer.sources, start=1):
        print(f"  [{n}] {source.file} — {source.section}")
    if answer.notice:
        print(f"({answer.notice})")
    return 0

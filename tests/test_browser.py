"""The coach in a real browser: sign in, draft a ticket, download it, restart, and privacy."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from coach.content.frameworks import seed_framework
from coach.domain import EscalationTicket
from coach.domain.review import PostEscalationReview
from coach.handoff.bodies import JiraRequest
from coach.settings import Settings
from coach.web import demo
from coach.web.store import Store
from tests.chat_page import ASSISTANT, ChatPage
from tests.conftest import KNOWLEDGE
from tests.live_server import (
    LiveServer,
    add_user,
    is_local,
    keep_log,
    launch,
    playwright_sync,
    screenshots_on_failure,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

__all__ = ["playwright_sync"]  # the fixture, imported for pytest

ALICE, BOB = ("alice", "alice-password-1"), ("bob", "bob-password-22")


def start_for_alice_and_bob(tmp_path: Path, playwright: Any) -> tuple[Path, LiveServer, Any]:
    """A data directory with Alice (a leader) and Bob (a CSM) as users, a server on it, and a
    browser."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    add_user(data_dir, *ALICE, role="leader")
    add_user(data_dir, *BOB)
    return data_dir, LiveServer(data_dir).start(), launch(playwright)


def draft_initech_ticket(chat: ChatPage) -> None:
    """The ticket conversation: starter, answers, a button, one correction, confirmation."""
    chat.starter("Draft an escalation ticket", "Which account")
    chat.say("Initech", "What is wrong")
    chat.say("Since 08:00 UTC the Initech reporting API returns errors on every request.", "cost")
    # The coach suggests a level, or asks triage questions when unsure; a stated level ends both.
    chat.say("300 analysts cannot build the board report due Friday; $400k ARR.", "Severity")
    chat.say("make it a 2", "CSM")
    chat.say("Dana Lee", "tried so far")
    chat.say("Support restarted the API workers", "Anything else tried")
    chat.say("engineering is investigating", "Anything else tried")  # one action per message
    chat.press("That's all", "outcome")
    chat.say("Restore the reporting API", "deadline")
    chat.say("within 2 days", "Confirm it, or tell me what to change")
    chat.say("actually the account is Initech Corp", "Initech Corp")
    chat.press("Confirm ticket", "Ticket confirmed")


def download_json(chat: ChatPage, tmp_path: Path) -> EscalationTicket:
    """Download the confirmed ticket's JSON file and validate it against the schema."""
    with chat.page.expect_download() as info:
        chat.page.get_by_text("ticket-initech-corp.json", exact=True).last.click()
    path = tmp_path / "downloaded.json"
    info.value.save_as(path)
    return EscalationTicket.model_validate_json(path.read_text(encoding="utf-8"))


def open_thread(chat: ChatPage, name: str) -> str:
    """Open a thread from the history sidebar; returns its id from the URL."""
    chat.page.get_by_text(name, exact=True).first.click()
    chat.page.wait_for_url("**/thread/**")
    return str(chat.page.url.rsplit("/", 1)[-1])


def test_ticket_conversation_survives_a_restart_and_stays_private(
    tmp_path: Path, playwright_sync: Any
) -> None:
    started = time.monotonic()
    data_dir, server, browser = start_for_alice_and_bob(tmp_path, playwright_sync)
    outside: list[str] = []
    pages: list[Any] = []

    def record(request: Any) -> None:
        if not is_local(request.url):
            outside.append(request.url)

    try:
        with screenshots_on_failure("browser", pages):
            alice_ctx = browser.new_context(accept_downloads=True)
            alice_ctx.on("request", record)
            pages.append(alice_ctx.new_page())
            chat = ChatPage(pages[0], server.url)
            chat.sign_in(*ALICE)
            draft_initech_ticket(chat)
            card = chat.wait_for("Escalation ticket: Initech Corp")
            assert "Dana Lee" in card and "Severity:" in card
            ticket = download_json(chat, tmp_path)
            assert (ticket.account, ticket.severity, ticket.csm) == ("Initech Corp", 2, "Dana Lee")
            chat.wait_for("Tracking it as escalation #1")  # the ticket is tracked
            chat.say("sent Initech Corp an update", "Logged a customer update")
            chat.say("export Initech Corp", "ready to import")  # hand-off files
            with chat.page.expect_download() as info:
                chat.page.get_by_text("escalation-1-initech-corp-jira.json").last.click()
            info.value.save_as(tmp_path / "jira.json")
            JiraRequest.model_validate_json((tmp_path / "jira.json").read_text(encoding="utf-8"))
            for name in ("zendesk.json", "salesforce.json", "csv.csv", "markdown.md"):
                assert chat.page.get_by_text(f"escalation-1-initech-corp-{name}").count()
            board = chat.press("My escalations", "Your escalations")
            assert "Initech Corp" in board and "response achieved" in board
            chat.say("Initech Corp resolved: API workers patched", "post-escalation review")
            chat.press("Start the review", "The timeline")
            chat.say("ok", "what happened")
            chat.say("The reporting API failed for a day after a config change.", "impact")
            chat.say("300 analysts lost 6 hours; $400k ARR at risk", "Why did it happen")
            chat.say("the new config had no validation", "why did that happen")
            chat.say("that's the root cause", "find out")
            chat.say("the customer told us", "went well")
            chat.say("fast first response", "went badly")
            chat.say("no status page entry", "Action items")
            chat.say("1: Dana Lee by Dec 18", "Next")
            chat.say("done", "recorded")
            with chat.page.expect_download() as info:
                chat.page.get_by_text("review-initech-corp.json", exact=True).last.click()
            info.value.save_as(tmp_path / "review.json")
            review = PostEscalationReview.model_validate_json(
                (tmp_path / "review.json").read_text(encoding="utf-8"))
            assert review.root_cause == "the new config had no validation"

            # A second conversation, left half-drafted.
            chat.page.click("#new-chat-button")
            confirm = chat.page.get_by_role("button", name="Confirm")
            if confirm.count():
                confirm.first.click()
            chat.page.wait_for_selector("#starters")
            chat.say("I need to escalate Umbrella Corp", "What is wrong")

            server.stop()
            server = LiveServer(data_dir, server.port).start()

            chat.page.goto(server.url + "/")
            chat.page.wait_for_selector("#chat-input")
            open_thread(chat, "I need to escalate Umbrella Corp")
            chat.wait_for("What is wrong")  # the thread replayed from the history
            status = chat.say("status", "being drafted")
            assert "Umbrella Corp" in status
            listing = chat.say("my tickets", "Your saved tickets")
            assert "Initech Corp" in listing
            chat.press("Open Initech Corp (severity 2)", "Escalation ticket: Initech Corp")
            alice_thread = open_thread(chat, "ticket")
            chat.wait_for("Ticket confirmed")

            bob_ctx = browser.new_context()
            bob_ctx.on("request", record)
            pages.append(bob_ctx.new_page())
            bob = ChatPage(pages[1], server.url)
            bob.sign_in(*BOB)
            assert "You have no saved tickets yet" in bob.say("my tickets", "no saved tickets")
            assert bob.say("my escalations", "No tracked escalations yet")  # Alice's are hers
            assert bob.say("open ticket 1", "no saved ticket")
            sidebar = bob.page.locator("#root").inner_text()
            assert "Umbrella" not in sidebar and "Initech" not in sidebar
            bob.page.goto(f"{server.url}/thread/{alice_thread}")
            bob.page.wait_for_timeout(2000)
            assert "Initech" not in bob.page.locator("#root").inner_text()
            assert chat.csp_violations() == [] and bob.csp_violations() == []
    finally:
        browser.close()
        server.stop()
        keep_log(server, "browser")
    assert outside == [], f"requests left localhost: {outside}"
    refused = "Authorization for the thread failed"  # Bob opening Alice's thread, refused
    assert refused in server.log.read_text()
    assert server.problems(expected=(refused,)) == [], "errors in the server log"
    print(f"\nbrowser test: {time.monotonic() - started:.1f}s")


def test_tailoring_diffs_a_team_framework_and_sources_that_open_when_clicked(
    tmp_path: Path, playwright_sync: Any
) -> None:
    """A lead tailors: an edit shows only what changed; once accepted, another user's new
    conversation is on it; an answer's sources stay closed until clicked."""
    _, server, browser = start_for_alice_and_bob(tmp_path, playwright_sync)
    pages: list[Any] = []
    try:
        with screenshots_on_failure("browser-team", pages):
            pages.append(browser.new_context().new_page())
            lead = ChatPage(pages[0], server.url)
            lead.sign_in(*ALICE)
            lead.starter("Tailor my severity levels", "stage")
            lead.say("We're a Series B selling to mid-market; a head of CS and 6 CSMs; "
                     "9-6 ET weekdays", "Here is a framework tailored to you")
            edited = lead.say("make sev 3 respond within 8 hours", "24 hours → 8 hours")
            assert "show the framework" in edited
            message = lead.page.locator(ASSISTANT).filter(has_text="24 hours → 8 hours").last
            assert message.locator("table").count() == 0  # the diff, not the whole table
            lead.press("Accept this framework", "is now your active framework")

            pages.append(browser.new_context().new_page())
            csm = ChatPage(pages[1], server.url)
            csm.sign_in(*BOB)
            assert "Series B" in csm.say("status", "Framework:")
            csm.say("who owns a severity 1 escalation?", "Head of CS")
            source = csm.page.get_by_text("[1] framework: Escalation framework for").last
            source.wait_for(timeout=30_000)
            cited = csm.page.get_by_text("is owned by the Head of CS")  # the team's level
            assert cited.count() == 1  # the answer only: the source's text is closed
            assert csm.page.get_by_role("dialog").count() == 0  # no panel opened by itself
            source.click()
            cited.nth(1).wait_for(timeout=10_000)
            for chat in (lead, csm):
                assert chat.csp_violations() == []
    finally:
        browser.close()
        server.stop()
        keep_log(server, "browser-team")
    assert server.problems() == [], "errors in the server log"


CHART_TEXT_AND_PAGE = """() => {
  const title = document.querySelector('.js-plotly-plot .gtitle');
  const probe = document.createElement('span');
  probe.className = 'text-foreground';
  document.body.appendChild(probe);
  const page = getComputedStyle(probe).color;
  probe.remove();
  return [title ? getComputedStyle(title).fill : null, page];
}"""


def test_the_dashboard_draws_three_charts_offline_in_both_themes(
    tmp_path: Path, playwright_sync: Any
) -> None:
    """Demo data, "show me the dashboard": three inline Plotly charts, drawn without a click
    and without any request leaving the machine; their text takes each theme's colour."""
    data_dir, server, browser = start_for_alice_and_bob(tmp_path, playwright_sync)
    store = Store.for_settings(Settings(data_dir=data_dir, _env_file=None))
    demo.seed(store, seed_framework(KNOWLEDGE), 80, 11, 90, datetime.now(UTC))
    store.engine.dispose()
    outside: list[str] = []
    pages: list[Any] = []
    colours = {}
    try:
        with screenshots_on_failure("browser-dashboard", pages):
            for theme in ("light", "dark"):
                context = browser.new_context(accept_downloads=True)
                context.on("request", lambda r: outside.append(r.url) if not is_local(r.url)
                           else None)
                context.add_init_script(f"localStorage.setItem('vite-ui-theme', '{theme}')")
                pages.append(context.new_page())
                chat = ChatPage(pages[-1], server.url)
                chat.sign_in(*ALICE)
                text = chat.say("show me the dashboard", "Team escalation dashboard")
                assert "First response on time" in text and "At risk now" in text
                plots = chat.page.locator(".js-plotly-plot")
                plots.nth(2).locator(".main-svg").first.wait_for(timeout=30_000)
                assert plots.count() == 3
                titles = chat.page.locator(".js-plotly-plot .gtitle").all_text_contents()
                assert sorted(titles) == ["Escalations opened per week, by level",
                                          "SLA attainment by level and clock",
                                          "Time to first response (covered time)"]
                colours[theme] = chat.page.evaluate(CHART_TEXT_AND_PAGE)
                with chat.page.expect_download() as info:
                    chat.page.get_by_text("escalation-metrics-levels.csv", exact=True).last.click()
                info.value.save_as(tmp_path / f"levels-{theme}.csv")
                assert (tmp_path / f"levels-{theme}.csv").read_text().startswith("level,opened")
                assert chat.csp_violations() == []
    finally:
        browser.close()
        server.stop()
        keep_log(server, "browser-dashboard")
    assert outside == [], f"requests left localhost: {outside}"
    (light_text, light_page), (dark_text, dark_page) = colours["light"], colours["dark"]
    assert light_text == light_page and dark_text == dark_page and light_text != dark_text
    assert server.problems() == [], "errors in the server log"

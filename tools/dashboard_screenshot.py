"""The README's dashboard screenshot: demo data in a fresh data directory, a leader signed
in, "show me the dashboard", a full-page screenshot to docs/dashboard.png.

Run: .venv/bin/python -m tools.dashboard_screenshot (needs /usr/bin/chromium)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from coach.content.frameworks import seed_framework
from coach.settings import Settings
from coach.web import demo
from coach.web.store import Store
from tests.chat_page import ChatPage
from tests.live_server import REPO_ROOT, LiveServer, add_user, launch

OUT = REPO_ROOT / "docs" / "dashboard.png"


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="coach-shot-"))
    add_user(data_dir, "lead", "lead-password-1", role="leader")
    store = Store.for_settings(Settings(data_dir=data_dir, _env_file=None))
    demo.seed(store, seed_framework(REPO_ROOT / "knowledge"), 150, 2026, 90, datetime.now(UTC))
    store.engine.dispose()
    server = LiveServer(data_dir).start()
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 2700})
            chat = ChatPage(page, server.url)
            chat.sign_in("lead", "lead-password-1")
            chat.say("show me the dashboard", "Team escalation dashboard")
            page.locator(".js-plotly-plot").nth(2).locator(".main-svg").first.wait_for()
            page.wait_for_timeout(1500)
            OUT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(OUT), full_page=True)
            browser.close()
    finally:
        server.stop()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""Driving the Chainlit page like a user: sign in, type, press buttons, read the coach's replies."""

from __future__ import annotations

import time
from typing import Any

ASSISTANT = '.step[data-step-type="assistant_message"]'
TIMEOUT = 30.0
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


class ChatPage:
    """One browser tab on the coach."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        page.add_init_script(RECORD_CSP_VIOLATIONS)

    def csp_violations(self) -> list[str]:
        """What the Content-Security-Policy blocked on this page so far."""
        return [str(v) for v in self.page.evaluate("window.__cspViolations || []")]

    def sign_in(self, name: str, password: str) -> None:
        self.page.goto(self.base_url + "/")
        self.page.wait_for_selector("#email")
        self.page.fill("#email", name)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("#chat-input", timeout=TIMEOUT * 1000)

    def replies(self) -> list[str]:
        return [str(t) for t in self.page.locator(ASSISTANT).all_inner_texts()]

    def say(self, text: str, expect: str) -> str:
        """Type a message; return the first new reply text that contains `expect`."""
        seen = len(self.replies())
        self._send(text)
        return self.wait_for(expect, after=seen)

    def _send(self, text: str) -> None:
        """Fill and submit; the page may re-render the input while a new chat connects."""
        for _ in range(5):
            self.page.fill("#chat-input", text)
            try:
                self.page.locator("#chat-submit").click(timeout=3000)
                return
            except Exception as exc:  # Playwright's TimeoutError: the input was reset, refill
                last = exc
        raise AssertionError(f"could not send {text!r}") from last

    def press(self, label: str, expect: str) -> str:
        """Press the newest button with this label."""
        seen = len(self.replies())
        self.page.get_by_role("button", name=label, exact=True).last.click()
        return self.wait_for(expect, after=seen)

    def starter(self, label: str, expect: str) -> str:
        seen = len(self.replies())
        self.page.locator("#starters").get_by_text(label, exact=True).click()
        return self.wait_for(expect, after=seen)

    def wait_for(self, expect: str, after: int = 0, timeout: float = TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for text in self.replies()[after:]:
                if expect in text:
                    return text
            self.page.wait_for_timeout(100)
        raise AssertionError(f"no reply containing {expect!r}; last: {self.replies()[-3:]}")

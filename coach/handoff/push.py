"""Pushing an escalation to Zendesk or Jira: the first push creates the ticket (one POST),
every later one updates it (one PUT); nothing else is requested.

- Zendesk: Basic `{email}/token:{token}`; `POST {url}/api/v2/tickets.json`, then
  `PUT {url}/api/v2/tickets/{id}.json`.
- Jira: Basic `{email}:{token}`; `POST {url}/rest/api/3/issue`, then
  `PUT {url}/rest/api/3/issue/{key}`.

A timeout, 401/403, 429 (its Retry-After is honoured within a budget), a 5xx or a reply that
is not what the API documents is one plain sentence (`PushError`); the caller records the push
only after a reply that says it worked. Tokens never appear in what is raised or logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr

from coach.domain import CoachError
from coach.domain.escalation import Escalation
from coach.handoff.formats import jira, zendesk
from coach.settings import Settings

Target = Literal["zendesk", "jira"]
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class PushError(CoachError):
    """A push that did not happen; the escalation is unchanged."""


@dataclass(frozen=True)
class Account:
    """Where and as whom to push."""

    target: Target
    url: str
    email: str
    token: SecretStr

    def auth(self) -> tuple[str, str]:
        user = f"{self.email}/token" if self.target == "zendesk" else self.email
        return user, self.token.get_secret_value()


@dataclass(frozen=True)
class Pushed:
    ref: str  # "zendesk:123", "jira:ESC-7"
    link: str
    created: bool


def account(settings: Settings, target: Target) -> Account:
    """The target's settings, checked: all three set, and https (http only for loopback)."""
    url, email, token = ((settings.zendesk_url, settings.zendesk_email, settings.zendesk_token)
                         if target == "zendesk" else
                         (settings.jira_url, settings.jira_email, settings.jira_token))
    prefix = f"COACH_{target.upper()}"
    if not (url and email and token):
        raise PushError(f"pushing to {target.capitalize()} needs {prefix}_URL, {prefix}_EMAIL "
                        f"and {prefix}_TOKEN")
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
        raise PushError(f"{prefix}_URL must start with https:// (http:// only for this machine)")
    return Account(target, url.rstrip("/"), email, token)


def last_ref(escalation: Escalation, target: Target) -> str | None:
    """The ticket an earlier push made in the target, if any ("123" or "ESC-7")."""
    refs = [e.ref for e in escalation.timeline() if e.kind == "pushed" and e.ref
            and e.ref.startswith(f"{target}:")]
    return refs[-1].split(":", 1)[1] if refs else None


def push(escalation: Escalation, to: Account, settings: Settings,
         sleep: Callable[[float], None] = time.sleep) -> Pushed:
    """Create or update the escalation's ticket in the target."""
    known = last_ref(escalation, to.target)
    if to.target == "zendesk":
        body = zendesk(escalation).model_dump(mode="json")
        path = f"/api/v2/tickets/{known}.json" if known else "/api/v2/tickets.json"
    else:
        body = jira(escalation, settings.jira_project,
                    settings.jira_issue_type).model_dump(mode="json")
        path = f"/rest/api/3/issue/{known}" if known else "/rest/api/3/issue"
    reply = _send(to, "PUT" if known else "POST", path, body, settings, sleep)
    if known:
        ref = known
    elif to.target == "zendesk":
        ref = str(_field(reply, to, "ticket", "id"))
    else:
        ref = str(_field(reply, to, "key"))
    link = (f"{to.url}/agent/tickets/{ref}" if to.target == "zendesk"
            else f"{to.url}/browse/{ref}")
    return Pushed(ref=f"{to.target}:{ref}", link=link, created=not known)


def _send(to: Account, method: str, path: str, body: dict[str, Any], settings: Settings,
          sleep: Callable[[float], None]) -> dict[str, Any]:
    name = to.target.capitalize()
    waited = 0.0
    with httpx.Client(timeout=settings.push_timeout, auth=to.auth(),
                      headers={"Accept": "application/json"}) as client:
        while True:
            try:
                reply = client.request(method, to.url + path, json=body)
            except httpx.TimeoutException:
                raise PushError(f"{name} did not answer within {settings.push_timeout:g} s; "
                                "nothing was pushed") from None
            except httpx.HTTPError as exc:
                raise PushError(f"{name} could not be reached ({exc.__class__.__name__}); "
                                "nothing was pushed") from None
            if reply.status_code != 429:
                break
            wait = _retry_after(reply)
            if wait is None or waited + wait > settings.push_wait_budget:
                raise PushError(f"{name} is limiting requests (429) for longer than we wait; "
                                "try again later")
            sleep(wait)
            waited += wait
    if reply.status_code in (401, 403):
        raise PushError(f"{name} refused the credentials ({reply.status_code}); check "
                        f"COACH_{to.target.upper()}_EMAIL and _TOKEN")
    if reply.status_code >= 500:
        raise PushError(f"{name} failed ({reply.status_code}); nothing was pushed, try again")
    if reply.status_code not in (200, 201, 204):
        raise PushError(f"{name} refused the ticket ({reply.status_code})")
    if reply.status_code == 204 or method == "PUT" and not reply.content:
        return {}
    try:
        found = reply.json()
    except ValueError:
        raise PushError(f"{name} answered with something that is not JSON") from None
    if not isinstance(found, dict):
        raise PushError(f"{name} answered with something unexpected")
    return found


def _retry_after(reply: httpx.Response) -> float | None:
    try:
        return max(0.0, float(reply.headers.get("Retry-After", "")))
    except ValueError:
        return None


def _field(reply: dict[str, Any], to: Account, *path: str) -> Any:
    found: Any = reply
    for key in path:
        found = found.get(key) if isinstance(found, dict) else None
    if found in (None, "") or not isinstance(found, int | str):
        raise PushError(f"{to.target.capitalize()} answered without the ticket's "
                        f"{path[-1]}; check it there before pushing again")
    return found

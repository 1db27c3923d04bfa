"""Shared fixtures. Every test runs offline: no .env, no API key, a private data directory.

The network is refused by force: during every test, a socket may connect only to this
machine's loopback (127.0.0.1, ::1, and "localhost", which names them), or be a Unix socket
or a socketpair. Servers a test starts in a subprocess are theirs to bind as they like.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_socket import socket_allow_hosts

from coach.brains.offline import OfflineBrain
from coach.cli.commands.serve import app_root
from coach.content.frameworks import seed_framework
from coach.domain import SeverityFramework
from coach.domain.clock import Clock, fixed_clock
from coach.settings import Settings, get_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO_ROOT / "knowledge"
EVAL = REPO_ROOT / "tests" / "eval" / "dev"
FROZEN = REPO_ROOT / "tests" / "eval" / "test"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # a Thursday

# Importing Chainlit (app.py, in the handler tests) writes its folders into its app root:
# give it one of its own, as `coach serve` does, never the checkout.
_CHAINLIT_ROOT = Path(tempfile.mkdtemp(prefix="coach-chainlit-"))
atexit.register(shutil.rmtree, _CHAINLIT_ROOT, True)
os.environ["CHAINLIT_APP_ROOT"] = str(app_root(Settings(data_dir=_CHAINLIT_ROOT, _env_file=None),
                                               REPO_ROOT))

LOOPBACK = ["127.0.0.1", "::1", "localhost"]
_LLM_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_LLM_API_KEY", "COACH_LLM_BASE_URL")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test is set up: loopback TCP only (lifted after the test)."""
    socket_allow_hosts(LOOPBACK, allow_unix_socket=True)


@pytest.fixture(scope="session", autouse=True)
def _offline_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Force offline mode and keep everything the coach writes in a temporary folder."""
    saved = dict(os.environ)
    for name in _LLM_VARIABLES:
        os.environ.pop(name, None)
    os.environ["COACH_LLM"] = "offline"
    # One index for the whole session: built once, reused by every test that reads it.
    os.environ["COACH_DATA_DIR"] = str(tmp_path_factory.mktemp("coach-data"))
    get_settings.cache_clear()
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings as the tests see them: offline, no .env file, session data directory."""
    return Settings(_env_file=None)


@pytest.fixture(scope="session")
def seed() -> SeverityFramework:
    return seed_framework(KNOWLEDGE)


@pytest.fixture
def clock() -> Clock:
    return fixed_clock(NOW)


@pytest.fixture(scope="session")
def brain(settings: Settings) -> OfflineBrain:
    """One offline brain (and so one index build) for the whole test session."""
    return OfflineBrain(settings)

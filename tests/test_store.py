"""The store: users with bcrypt hashes, saved conversations and work, transactions, schemas."""

from __future__ import annotations

import dataclasses
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect

from coach.cli.commands.serve import auth_secret
from coach.cli.main import main
from coach.content.frameworks import seed_framework
from coach.domain import TicketDraft
from coach.domain.session import CoachSession
from coach.settings import Settings
from coach.web.chat_history import async_url
from coach.web.store import SaveError, StaleSession, Store, StoreError, UserError, Work
from tests.conftest import KNOWLEDGE


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(f"sqlite:///{tmp_path / 'coach.db'}", busy_timeout=5)
    opened.migrate()
    opened.add_user("alice", "alice-password")
    opened.add_user("bob", "bob-password")
    return opened


def session_with_account(account: str) -> CoachSession:
    session = CoachSession(framework=seed_framework(KNOWLEDGE))
    session.ticket = TicketDraft(account=account)
    return session


def test_passwords_are_bcrypt_hashes_and_checked(store: Store, tmp_path: Path) -> None:
    assert store.check_password("alice", "alice-password")
    assert not store.check_password("alice", "bob-password")
    assert not store.check_password("nobody", "alice-password")
    raw = sqlite3.connect(tmp_path / "coach.db").execute("SELECT password_hash FROM coach_users")
    hashes = [row[0] for row in raw]
    assert all(h.startswith("$2b$") for h in hashes) and "alice-password" not in hashes
    assert store.user_names() == ["alice", "bob"]


@pytest.mark.parametrize(
    ("name", "password", "problem"),
    [("alice", "another-pass", "already exists"), ("bad name", "long-enough", "not a valid"),
     ("carol", "short", "too short"), ("carol", "x" * 73, "too long")],
)
def test_bad_users_are_refused_in_plain_words(
    store: Store, name: str, password: str, problem: str
) -> None:
    with pytest.raises(UserError, match=problem):
        store.add_user(name, password)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(store: Store) -> None:
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_session_round_trips_and_belongs_to_its_user(store: Store) -> None:
    store.save("alice", "thread-1", session_with_account("Globex"), [])
    loaded = store.load_session("alice", "thread-1")
    assert loaded is not None and loaded.session.ticket.account == "Globex"
    assert loaded.version == 1
    with pytest.raises(StaleSession):  # a writer that read nothing, after the first save
        store.save("alice", "thread-1", session_with_account("Other"), [], 0)
    assert store.load_session("bob", "thread-1") is None


def test_work_is_saved_once_per_key_and_only_its_owner_sees_it(store: Store) -> None:
    ticket = Work("ticket", "thread-1:t0", "Globex (severity 2)", {"account": "Globex"}, "thread-1")
    session = session_with_account("Globex")
    version = 0
    for _ in range(3):
        version = store.save("alice", "thread-1", session, [ticket], version)
    edited = dataclasses.replace(ticket, title="Globex Inc (severity 2)", data={"account": "Inc"})
    store.save("alice", "thread-1", session, [edited], version)
    saved = store.list_work("alice", "ticket")
    assert [(w.title, w.data) for w in saved] == [("Globex Inc (severity 2)", {"account": "Inc"})]
    assert store.list_work("bob", "ticket") == []
    assert store.get_work("bob", "ticket", saved[0].id) is None
    assert store.get_work("alice", "framework", saved[0].id) is None


def test_a_failed_save_raises_and_writes_nothing(store: Store) -> None:
    store.save("alice", "thread-1", session_with_account("Before"), [])
    bad = Work("ticket", "k", "unsaveable", {"when": object()}, "thread-1")
    with pytest.raises(SaveError):
        store.save("alice", "thread-1", session_with_account("After"), [bad], 1)
    loaded = store.load_session("alice", "thread-1")
    assert loaded is not None and loaded.session.ticket.account == "Before"
    assert store.list_work("alice", "ticket") == []


def test_an_unknown_user_or_broken_database_is_a_store_error(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(StoreError, match="could not read"):
        store.load_session("alice", "t")
    store.migrate()
    with pytest.raises(StoreError, match="no user named"):
        store.save("ghost", "t", session_with_account("X"), [])


def test_chat_history_schema_has_a_column_for_every_chainlit_field(tmp_path: Path) -> None:
    from chainlit.element import ElementDict
    from chainlit.step import StepDict
    from chainlit.types import Feedback

    url = f"sqlite:///{tmp_path / 'chat.db'}"
    Store.open(url).migrate()
    Store.open(url).migrate()  # idempotent
    columns = {t: {c["name"] for c in inspect(Store.open(url).engine).get_columns(t)}
               for t in ("steps", "elements", "feedbacks", "threads", "users")}
    assert set(StepDict.__annotations__) - {"feedback"} <= columns["steps"]
    assert set(ElementDict.__annotations__) <= columns["elements"]
    assert {f.name for f in dataclasses.fields(Feedback)} <= columns["feedbacks"]
    assert async_url(url) == f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}"


def test_the_auth_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, auth_secret=None)  # type: ignore[call-arg]
    first = auth_secret(settings)
    assert len(first) >= 32 and auth_secret(settings) == first
    assert stat.S_IMODE(settings.auth_secret_file.stat().st_mode) == 0o600


def test_users_command_adds_prompts_and_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from coach.settings import get_settings

    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    answers = iter(["prompted-pass", "prompted-pass"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    try:
        assert main(["users", "add", "carol", "--password", "carol-password"]) == 0
        assert main(["users", "add", "dave"]) == 0
        assert main(["users", "add", "carol", "--password", "whatever-1"]) == 2
        assert main(["users", "list"]) == 0
        out = capsys.readouterr()
        assert out.out.splitlines()[-2:] == ["carol\tcsm", "dave\tcsm"]
        assert "already exists" in out.err
        assert Store.open(f"sqlite:///{tmp_path / 'coach.db'}").check_password(
            "dave", "prompted-pass")
    finally:
        get_settings.cache_clear()

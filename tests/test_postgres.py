"""The store and Chainlit's history on a real PostgreSQL server that the test starts itself."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine

from coach.content.frameworks import seed_framework
from coach.domain import TicketDraft
from coach.domain.session import CoachSession
from coach.web import migrations
from coach.web.chat_history import async_url, sync_url
from coach.web.store import StaleSession, Store, UserError
from coach.web.throttle import SignInThrottle
from tests.conftest import KNOWLEDGE
from tests.services import postgres
from tests.test_migrations import check_upgrade_keeps_old_data


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with postgres() as url:
        yield url


def test_store_on_postgresql(postgres_url: str) -> None:
    store = Store.open(postgres_url)
    store.migrate()
    store.add_user("alice", "alice-password")
    store.add_user("bob", "bob-password")
    assert store.check_password("alice", "alice-password")
    session = CoachSession(framework=seed_framework(KNOWLEDGE))
    session.ticket = TicketDraft(account="Globex")
    assert store.save("alice", "thread-1", session, []) == 1
    with pytest.raises(StaleSession):  # a second tab that read the state before that save
        store.save("alice", "thread-1", session, [], 0)
    loaded = store.load_session("alice", "thread-1")
    assert loaded is not None and loaded.session.ticket.account == "Globex"
    assert store.load_session("bob", "thread-1") is None
    seed = seed_framework(KNOWLEDGE)
    tailored = seed.model_copy(update={"name": "Tailored", "timezone": "America/New_York"})
    store.adopt_framework(tailored.name, tailored.model_dump(mode="json"), "alice")
    assert store.team_framework(seed)[0] == tailored  # the team's framework, on PostgreSQL
    store.adopt_framework(seed.name, None, "bob")
    assert store.team_framework(seed)[0] == seed
    assert [v.accepted_by for v in store.framework_versions()] == ["bob", "alice"]
    throttle = SignInThrottle(store, max_failures=2)  # the sign-in counters, shared by workers
    for _ in range(2):
        assert throttle.retry_after("mallory", "203.0.113.9") is None
        throttle.failed("mallory", "203.0.113.9")
    wait = throttle.retry_after("Mallory", "198.51.100.2")
    assert wait is not None and 0 < wait <= 900


def test_chat_history_on_postgresql_through_the_async_driver(postgres_url: str) -> None:
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
    from chainlit.user import User

    Store.open(postgres_url).migrate()

    async def round_trip() -> str | None:
        layer = SQLAlchemyDataLayer(async_url(postgres_url))
        await layer.create_user(User(identifier="alice"))
        found = await layer.get_user("alice")
        await layer.engine.dispose()
        return found.identifier if found else None

    assert asyncio.run(round_trip()) == "alice"
    store = Store.open(postgres_url)  # the gate's question: whose thread is this?
    assert store.thread_owner("0b7e4c1e-58a4-4a43-9a77-0c9f6d3c2f10") is None
    store.engine.dispose()


def _new_database(postgres_url: str, name: str) -> str:
    admin = create_engine(sync_url(postgres_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"


def test_migrations_on_postgresql(postgres_url: str) -> None:
    old = create_engine(sync_url(_new_database(postgres_url, "before_migrations")))
    check_upgrade_keeps_old_data(old)  # checked, stamped and upgraded, rows kept
    old.dispose()
    fresh_url = _new_database(postgres_url, "fresh")
    stores = [Store.open(fresh_url) for _ in range(3)]  # three workers starting at once
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(Store.migrate, stores))
    assert migrations.current(stores[0].engine) == migrations.head()
    stores[0].add_user("Alice", "alice-password")
    with pytest.raises(UserError, match="already exists"):
        stores[1].add_user("alice", "other-password")
    for store in stores:
        store.engine.dispose()

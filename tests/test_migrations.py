"""Migrations: a fresh database, one made before migrations existed, and the mapped tables
matching the newest schema. tests/test_postgres.py runs the same on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from coach.web import migrations
from coach.web.store import Store
from coach.web.tables import Base

# The schema as the coach made it before migrations (create_all of that version's tables).
BEFORE_MIGRATIONS = [
    "CREATE TABLE coach_users (id INTEGER PRIMARY KEY, name VARCHAR(64) UNIQUE NOT NULL, "
    "password_hash VARCHAR(100) NOT NULL, created_at DATETIME NOT NULL)",
    "CREATE TABLE coach_sessions (user_id INTEGER NOT NULL REFERENCES coach_users(id) ON "
    "DELETE CASCADE, thread_id VARCHAR(64) NOT NULL, data TEXT NOT NULL, updated_at DATETIME "
    "NOT NULL, PRIMARY KEY (user_id, thread_id))",
    "CREATE TABLE coach_work (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES "
    "coach_users(id) ON DELETE CASCADE, kind VARCHAR(20) NOT NULL, key VARCHAR(200) NOT NULL, "
    "title VARCHAR(200) NOT NULL, data JSON NOT NULL, thread_id VARCHAR(64), updated_at "
    "DATETIME NOT NULL)",
    "INSERT INTO coach_users VALUES (1, 'alice', 'x', '2026-01-01 00:00:00')",
    "INSERT INTO coach_users VALUES (2, 'Alice', 'y', '2026-01-02 00:00:00')",
    "INSERT INTO coach_sessions VALUES (1, 't1', '{}', '2026-01-01 00:00:00')",
]


def columns(engine: sa.Engine) -> dict[str, set[str]]:
    inspector = sa.inspect(engine)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


def check_upgrade_keeps_old_data(engine: sa.Engine) -> None:
    """Shared with the PostgreSQL test: an unversioned database is checked, upgraded and
    stamped, its rows kept; users whose names collide keep their rows, the oldest the key."""
    with engine.begin() as db:
        for statement in BEFORE_MIGRATIONS:
            db.exec_driver_sql(statement.replace("DATETIME", "TIMESTAMP"))
    migrations.upgrade(engine)
    assert migrations.current(engine) == migrations.head()
    with engine.connect() as db:
        users = db.execute(sa.text("SELECT name, name_key, session_version FROM coach_users "
                                   "ORDER BY id")).all()
        sessions = db.execute(sa.text("SELECT thread_id, version FROM coach_sessions")).all()
    assert [tuple(u) for u in users] == [("alice", "alice", 0), ("Alice", None, 0)]
    assert [tuple(s) for s in sessions] == [("t1", 0)]
    found = columns(engine)
    for table in Base.metadata.sorted_tables:  # what the code maps is what the schema has
        assert {c.name for c in table.columns} == found[table.name], table.name
    assert {"users", "threads", "steps", "elements", "feedbacks"} <= set(found)


def test_an_unversioned_sqlite_database_is_checked_stamped_and_upgraded(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'old.db'}")
    check_upgrade_keeps_old_data(store.engine)
    store.end_sessions("ALICE")  # no exact match: the key's holder, the oldest
    assert (store.session_version("alice"), store.session_version("Alice")) == (1, 0)
    assert store.duplicate_names() == [["Alice", "alice"]]


def test_a_fresh_database_is_made_at_the_newest_schema_once(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'new.db'}")
    store.migrate()
    store.migrate()  # nothing left to do
    assert migrations.current(store.engine) == migrations.head()
    store.add_user("alice", "alice-password")
    assert store.session_version("Alice") == 0
    store.end_sessions("ALICE")
    assert store.session_version("alice") == 1


def test_the_newest_revision_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    assert migrations.head() == ScriptDirectory.from_config(migrations.config()).get_current_head()


def test_a_foreign_table_of_the_same_name_is_refused(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'foreign.db'}")
    with engine.begin() as db:
        db.exec_driver_sql("CREATE TABLE coach_users (id INTEGER PRIMARY KEY, email TEXT)")
    with pytest.raises(migrations.SchemaError, match="coach_users lacks"):
        migrations.upgrade(engine)

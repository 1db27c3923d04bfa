"""Schema migrations (Alembic) for the coach's tables and Chainlit's history tables.

`upgrade(engine)` brings any database to the newest schema, under a lock so that workers
starting together migrate once: a file lock beside a SQLite file, an advisory lock on
PostgreSQL. A database made before migrations existed has no version table: the baseline
creates only the tables it lacks, the columns of those it has are checked, and the upgrade
stamps it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from filelock import FileLock

from coach.domain import CoachError
from coach.locks import MIGRATIONS, advisory

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).resolve().parent
ADVISORY_LOCK = MIGRATIONS


class SchemaError(CoachError):
    """The database's tables are not what the migrations expect."""


# Alembic is imported when a database is opened for writing, not with every command: it costs
# a noticeable part of a second, and announces its plugins in the server's log.
logging.getLogger("alembic").setLevel(logging.WARNING)


def config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def head() -> str:
    """The newest revision. Each migration file is named after its revision ("0005_...py"),
    so this needs no Alembic import (tests/test_migrations.py checks Alembic agrees)."""
    return max(p.name.split("_", 1)[0] for p in (HERE / "versions").glob("[0-9]*_*.py"))


def current(engine: sa.Engine) -> str | None:
    """The database's revision; None before the first migration."""
    with engine.connect() as connection:
        return _revision(connection)


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest schema. A database already there costs one read and
    no Alembic import (every command that opens the store comes through here)."""
    if current(engine) == head():
        return
    from alembic import command

    with _locked(engine), engine.connect() as connection:
        cfg = config()
        cfg.attributes["connection"] = connection
        if _revision(connection) is None:
            _check_unversioned(connection)
        command.upgrade(cfg, "head")
        connection.commit()


def _revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _check_unversioned(connection: sa.Connection) -> None:
    """Tables made before migrations must have the baseline's columns."""
    expected = {
        "coach_users": {"id", "name", "password_hash", "created_at"},
        "coach_sessions": {"user_id", "thread_id", "data", "updated_at"},
        "coach_work": {"id", "user_id", "kind", "key", "title", "data", "thread_id",
                       "updated_at"},
        "steps": {"id", "threadId", "name", "type", "output"},
    }
    inspector = sa.inspect(connection)
    for table, columns in expected.items():
        if inspector.has_table(table):
            missing = columns - {c["name"] for c in inspector.get_columns(table)}
            if missing:
                raise SchemaError(f"the database's table {table} lacks {sorted(missing)}: it "
                                  "was not made by the coach; use another database")


@contextmanager
def _locked(engine: sa.Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with advisory(engine, ADVISORY_LOCK):
            yield
        return
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        with FileLock(database + ".migrate.lock"):
            yield
        return
    yield

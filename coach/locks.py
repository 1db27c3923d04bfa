"""Locks that every process of an installation shares: PostgreSQL's advisory lock when the
database is PostgreSQL (so workers on several machines take turns), else a file lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from filelock import FileLock

MIGRATIONS = 0x636F6163  # "coac": migrations, one number for every coach worker on a database
INDEX_BUILD = 0x636F6169  # "coai": building the knowledge index on a Chroma server


@contextmanager
def advisory(engine: sa.Engine, key: int) -> Iterator[None]:
    """PostgreSQL's session advisory lock `key`, held on a connection of its own."""
    with engine.connect() as holder:
        holder.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            holder.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@contextmanager
def shared_lock(database_url: str | None, key: int, fallback: Path) -> Iterator[None]:
    """The advisory lock `key` when `database_url` is PostgreSQL, else a file lock at
    `fallback` (enough for the workers of one machine)."""
    url = sa.engine.make_url(database_url) if database_url else None
    if url is None or url.get_backend_name() != "postgresql":
        fallback.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(fallback)):
            yield
        return
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with advisory(engine, key):
            yield
    finally:
        engine.dispose()

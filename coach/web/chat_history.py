"""The tables Chainlit 2.12's SQLAlchemy data layer reads and writes, created by us.

Chainlit does not create its schema, and only logs its database errors, so a missing column
silently loses history. Column names follow `StepDict`/`ElementDict`/`Feedback` of the pinned
version (tests/test_store.py checks that every field has a column).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    Text,
    Uuid,
    create_engine,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import make_url

metadata = MetaData()
_ID = Uuid(as_uuid=False)
_JSON = JSON().with_variant(JSONB(), "postgresql")
_TAGS = Text().with_variant(ARRAY(Text()), "postgresql")
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
_ASYNC_DRIVER_NAMES = {"aiosqlite", "asyncpg", "psycopg", "aiomysql", "asyncmy"}

Table(
    "users", metadata,
    Column("id", _ID, primary_key=True),
    Column("identifier", Text, nullable=False, unique=True),
    Column("metadata", _JSON, nullable=False),
    Column("createdAt", Text),
)
Table(
    "threads", metadata,
    Column("id", _ID, primary_key=True),
    Column("createdAt", Text),
    Column("name", Text),
    Column("userId", _ID, ForeignKey("users.id", ondelete="CASCADE")),
    Column("userIdentifier", Text),
    Column("tags", _TAGS),
    Column("metadata", _JSON),
)
Table(
    "steps", metadata,
    Column("id", _ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("threadId", _ID, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("parentId", _ID),
    Column("command", Text),
    Column("modes", _JSON),
    Column("streaming", Boolean, nullable=False),
    Column("waitForAnswer", Boolean),
    Column("isError", Boolean),
    Column("metadata", _JSON),
    Column("tags", _TAGS),
    Column("input", Text),
    Column("output", Text),
    Column("createdAt", Text),
    Column("start", Text),
    Column("end", Text),
    Column("generation", _JSON),
    Column("showInput", Text),
    Column("defaultOpen", Boolean),
    Column("autoCollapse", Boolean),
    Column("language", Text),
    Column("icon", Text),
    Column("indent", Integer),
)
Table(
    "elements", metadata,
    Column("id", _ID, primary_key=True),
    Column("threadId", _ID, ForeignKey("threads.id", ondelete="CASCADE")),
    Column("type", Text),
    Column("chainlitKey", Text),
    Column("path", Text),
    Column("url", Text),
    Column("objectKey", Text),
    Column("name", Text, nullable=False),
    Column("display", Text),
    Column("size", Text),
    Column("language", Text),
    Column("page", Integer),
    Column("props", _JSON),
    Column("autoPlay", Boolean),
    Column("playerConfig", _JSON),
    Column("forId", _ID),
    Column("mime", Text),
)
Table(
    "feedbacks", metadata,
    Column("id", _ID, primary_key=True),
    Column("forId", _ID, nullable=False),
    Column("threadId", _ID, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("value", Integer, nullable=False),
    Column("comment", Text),
)


def create_chat_schema(url: str) -> None:
    """Create Chainlit's history tables in the database at `url` if they are missing."""
    engine = create_engine(sync_url(url))
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()


def sync_url(url: str) -> str:
    """A plain "postgresql://" URL uses psycopg 3, the driver the lock installs."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def async_url(url: str) -> str:
    """The same database through an async driver, as Chainlit's data layer needs."""
    parsed = make_url(url)
    if parsed.get_driver_name() in _ASYNC_DRIVER_NAMES:
        return url
    driver = _ASYNC_DRIVERS.get(parsed.get_backend_name())
    if driver is None:
        return url
    return parsed.set(drivername=driver).render_as_string(hide_password=False)

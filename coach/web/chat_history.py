"""URLs for Chainlit's SQLAlchemy data layer, whose tables (Chainlit 2.12's users, threads,
steps, elements and feedbacks) the coach's migrations create: Chainlit does not make its schema,
and only logs its database errors, so a missing column would silently lose history
(tests/test_store.py checks that every field of the pinned version has a column).
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
_ASYNC_DRIVER_NAMES = {"aiosqlite", "asyncpg", "psycopg", "aiomysql", "asyncmy"}


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

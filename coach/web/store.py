"""SQLAlchemy persistence: users, saved work, and each conversation's `CoachSession`.

SQLite in the data dir by default (WAL, a busy timeout, `BEGIN IMMEDIATE` writes), or any
SQLAlchemy URL. Every save is one transaction; a failure raises `SaveError`, never passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Literal, cast

import bcrypt
from pydantic import ValidationError
from sqlalchemy import Engine, create_engine, delete, event, func, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from coach.domain import CoachError, SeverityFramework
from coach.domain.clock import Clock, coach_now
from coach.domain.session import CoachSession
from coach.private import private_dir, private_file
from coach.settings import SQLITE_FILE, Settings
from coach.web import migrations
from coach.web.chat_history import sync_url
from coach.web.tables import (
    SessionRow,
    SignInFailureRow,
    TeamFrameworkRow,
    UserRow,
    WorkRow,
)

Role = Literal["csm", "leader"]
ROLES: tuple[Role, ...] = ("csm", "leader")
WorkKind = Literal["ticket", "action_plan", "framework", "profile", "score"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
TEAM = "default"  # one team per installation today
MIN_PASSWORD = 8
# bcrypt only reads the first 72 bytes; longer passwords would silently collide.
MAX_PASSWORD_BYTES = 72


@cache
def _dummy_hash() -> bytes:
    """Checked when a user does not exist, so a wrong name costs as much as a wrong password."""
    return bcrypt.hashpw(b"not-a-password", bcrypt.gensalt())


class StoreError(CoachError):
    """The database could not be read or written. The message is a plain sentence for
    anyone; `detail` (the database's own words) is for logs and the operator's terminal."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class SaveError(StoreError):
    """A save failed and was rolled back: nothing of it was written."""


class StaleSession(SaveError):
    """Another writer (a second tab) saved the conversation since it was read."""

    def __init__(self, thread_id: str, found: int) -> None:
        super().__init__(f"the conversation {thread_id} moved on (version {found})")
        self.found = found


class UserError(CoachError):
    """A user that cannot be added: bad name, weak password, or the name is taken."""


@dataclass(frozen=True)
class Work:
    """A confirmed piece of work to save: upserted by (user, kind, key), so saved once."""

    kind: WorkKind
    key: str
    title: str
    data: dict[str, Any]
    thread_id: str | None = None


@dataclass(frozen=True)
class SavedSession:
    """A conversation's saved state and the version it was saved as."""

    session: CoachSession
    version: int


@dataclass(frozen=True)
class SavedWork:
    """A piece of work as stored, with its id for reopening."""

    id: int
    kind: str
    title: str
    data: dict[str, Any]
    thread_id: str | None
    updated_at: datetime


@dataclass(frozen=True)
class FrameworkVersion:
    """One version of the team's framework: `data` None means the installation's default."""

    id: int
    name: str
    data: dict[str, Any] | None
    accepted_by: str
    accepted_at: datetime


class Store:
    """Users and their saved work; build with `Store.open(url)`."""

    def __init__(self, engine: Engine, clock: Clock = coach_now) -> None:
        self.engine = engine
        self._clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, busy_timeout: float = 30.0) -> Store:
        """A store on any SQLAlchemy URL; SQLite files get WAL and a busy timeout."""
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": busy_timeout})
            _tune_sqlite(engine, busy_timeout)
        else:
            engine = create_engine(sync_url(url), pool_pre_ping=True)
        return cls(engine)

    @classmethod
    def for_settings(cls, settings: Settings) -> Store:
        """The settings' database at the newest schema (and the data directory, where
        SQLite's file lives), for commands that read or write it."""
        private_dir(settings.data_dir)
        if settings.database_url is None:
            for suffix in ("", "-wal", "-shm"):
                if not suffix or (settings.data_dir / (SQLITE_FILE + suffix)).exists():
                    private_file(settings.data_dir / (SQLITE_FILE + suffix))
        store = cls.open(settings.store_url, settings.sqlite_busy_timeout)
        store.migrate()
        return store

    def migrate(self) -> None:
        """Bring the database to the newest schema (coach.web.migrations), under a lock."""
        with self._failing(StoreError, "upgrade the database"):
            migrations.upgrade(self.engine)

    # --- users ---------------------------------------------------------------------------

    def add_user(self, name: str, password: str, role: Role = "csm") -> None:
        """Add a user with a bcrypt hash of their password. Names are trimmed, and unique
        however they are cased."""
        name = name.strip()
        _check_new_user(name, password)
        _check_role(role)
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()
        with self.transaction() as db:
            taken = db.scalar(select(UserRow.name).where(
                (UserRow.name_key == name_key(name)) | (UserRow.name == name)))
            if taken is not None:
                raise UserError(f"a user named {taken!r} already exists")
            db.add(UserRow(name=name, name_key=name_key(name), password_hash=hashed,
                           created_at=self._clock(), role=role, team_id=TEAM))

    def set_role(self, name: str, role: Role) -> str:
        """Give a user a role; returns their name as registered."""
        _check_role(role)
        with self.transaction() as db:
            row = _find_user(db, name)
            if row is None:
                raise UserError(f"no user named {name!r}; add one with `coach users add`")
            row.role = role
            return row.name

    def member(self, name: str) -> tuple[str, Role] | None:
        """A registered user's name (as registered) and role; None when it is not a user."""
        with self._failing(StoreError, "read users"), self._sessions() as db:
            row = _find_user(db, name)
            return (row.name, cast(Role, row.role)) if row is not None else None

    def users(self) -> list[tuple[str, Role]]:
        """Every user's name and role, sorted by name."""
        with self._failing(StoreError, "read users"), self._sessions() as db:
            return [(name, cast(Role, role)) for name, role in
                    db.execute(select(UserRow.name, UserRow.role).order_by(UserRow.name))]

    def check_password(self, name: str, password: str) -> str | None:
        """The user's name as registered when the name (in any case) and password match."""
        with self._failing(StoreError, "read users"), self._sessions() as db:
            row = _find_user(db, name)
        stored = row.password_hash.encode() if row else _dummy_hash()
        matches = bcrypt.checkpw(password.encode()[:MAX_PASSWORD_BYTES], stored)
        return row.name if matches and row is not None else None

    def user_names(self) -> list[str]:
        """Every user's name, sorted."""
        with self._failing(StoreError, "read users"), self._sessions() as db:
            return list(db.scalars(select(UserRow.name).order_by(UserRow.name)))

    def duplicate_names(self) -> list[list[str]]:
        """Users whose names differ only in case or padding (made before names were unique
        in that form), grouped."""
        groups: dict[str, list[str]] = {}
        for name in self.user_names():
            groups.setdefault(name_key(name), []).append(name)
        return [names for names in groups.values() if len(names) > 1]

    def session_version(self, name: str) -> int | None:
        """The user's current session version; None when there is no such user."""
        with self._failing(StoreError, "read users"), self._sessions() as db:
            row = _find_user(db, name)
            return row.session_version if row is not None else None

    def end_sessions(self, name: str) -> None:
        """Sign the user out everywhere: every token issued before now stops working."""
        with self.transaction() as db:
            row = _find_user(db, name)
            if row is not None:
                row.session_version += 1

    def thread_owner(self, thread_id: str) -> str | None:
        """Who owns a chat thread in Chainlit's history (None: no such thread, or no owner)."""
        with self._failing(StoreError, "read the thread"), self._sessions() as db:
            return db.execute(text('SELECT "userIdentifier" FROM threads WHERE "id" = :id'),
                              {"id": thread_id[:64]}).scalar()

    # --- conversations and work ----------------------------------------------------------

    def load_session(self, user: str, thread_id: str) -> SavedSession | None:
        """The saved state of a user's conversation and its version, or None when there is
        none."""
        with self._failing(StoreError, "read the conversation"), self._sessions() as db:
            row = db.get(SessionRow, (self._user_id(db, user), thread_id))
        if row is None:
            return None
        try:
            return SavedSession(CoachSession.model_validate_json(row.data), row.version)
        except ValidationError as exc:
            raise StoreError(f"the saved conversation {thread_id} cannot be read "
                             f"({exc.error_count()} problems)") from exc

    def save(self, user: str, thread_id: str, session: CoachSession, work: list[Work],
             version: int = 0) -> int:
        """Save the conversation state and its confirmed work in one transaction, if the
        saved state is still at `version` (0: not saved yet); returns the new version.
        Raises StaleSession when another writer saved first."""
        try:
            with self.transaction() as db:
                user_id, now = self._user_id(db, user), self._clock()
                data = session.model_dump_json()
                if version == 0:
                    db.add(SessionRow(user_id=user_id, thread_id=thread_id, data=data,
                                      updated_at=now, version=1))
                    db.flush()  # a row already there is an IntegrityError: stale
                else:  # one statement checks and writes, so two writers cannot both pass
                    written = db.execute(
                        update(SessionRow).where(
                            SessionRow.user_id == user_id, SessionRow.thread_id == thread_id,
                            SessionRow.version == version,
                        ).values(data=data, updated_at=now, version=version + 1)
                        .returning(SessionRow.version)
                    ).first()
                    if written is None:
                        raise StaleSession(thread_id, version)
                for item in work:
                    _upsert_work(db, user_id, item, now)
        except SaveError as exc:  # a first save when another tab saved first
            if isinstance(exc.__cause__, IntegrityError) and version == 0:
                raise StaleSession(thread_id, 1) from exc
            raise
        return version + 1

    def list_work(self, user: str, kind: WorkKind) -> list[SavedWork]:
        """A user's saved work of one kind, newest first."""
        with self._failing(StoreError, "read saved work"), self._sessions() as db:
            query = (
                select(WorkRow)
                .where(WorkRow.user_id == self._user_id(db, user), WorkRow.kind == kind)
                .order_by(WorkRow.updated_at.desc(), WorkRow.id.desc())
            )
            return [_saved(row) for row in db.scalars(query)]

    def get_work(self, user: str, kind: WorkKind, work_id: int) -> SavedWork | None:
        """One piece of the user's own work by id; another user's work is None."""
        with self._failing(StoreError, "read saved work"), self._sessions() as db:
            row = db.get(WorkRow, work_id)
            owned = row is not None and row.kind == kind and row.user_id == self._user_id(db, user)
            return _saved(row) if owned and row is not None else None

    # --- the team's framework ------------------------------------------------------------

    def adopt_framework(self, name: str, data: dict[str, Any] | None, accepted_by: str,
                        team: str = TEAM) -> FrameworkVersion:
        """Make a framework (None: the installation's default) the team's, as a new version."""
        row = TeamFrameworkRow(team_id=team, name=name[:200], data=data,
                               accepted_by=accepted_by[:64], accepted_at=self._clock())
        with self.transaction() as db:
            db.add(row)
        return _version(row)

    def framework_versions(self, team: str = TEAM, limit: int | None = None
                           ) -> list[FrameworkVersion]:
        """The team's framework versions, newest first."""
        query = (select(TeamFrameworkRow).where(TeamFrameworkRow.team_id == team)
                 .order_by(TeamFrameworkRow.id.desc()).limit(limit))
        with self._failing(StoreError, "read the team's framework"), self._sessions() as db:
            return [_version(row) for row in db.scalars(query)]

    def team_framework(self, default: SeverityFramework, team: str = TEAM
                       ) -> tuple[SeverityFramework, FrameworkVersion | None]:
        """The framework the team uses now (`default` until one is accepted), and the
        version that made it so."""
        versions = self.framework_versions(team, limit=1)
        latest = versions[0] if versions else None
        return version_framework(latest, default), latest

    def framework_version(self, version_id: int, team: str = TEAM) -> FrameworkVersion | None:
        """One version of the team's framework by id."""
        with self._failing(StoreError, "read the team's framework"), self._sessions() as db:
            row = db.get(TeamFrameworkRow, version_id)
            return _version(row) if row is not None and row.team_id == team else None

    # --- plumbing ------------------------------------------------------------------------

    # --- sign-in failures (throttling) -----------------------------------------------------

    def record_sign_in_failure(self, keys: list[tuple[str, str]], at: datetime,
                               forget_before: datetime) -> None:
        """Count one failure under each (kind, key); failures older than `forget_before` go."""
        with self.transaction() as db:
            db.execute(delete(SignInFailureRow).where(SignInFailureRow.at < forget_before))
            db.add_all(SignInFailureRow(kind=kind, key=key, at=at) for kind, key in keys)

    def sign_in_failures(self, kind: str, key: str, since: datetime) -> tuple[int, datetime | None]:
        """How many failures (kind, key) had after `since`, and the oldest of them."""
        with self._failing(StoreError, "read sign-in failures"), self._sessions() as db:
            count, oldest = db.execute(
                select(func.count(SignInFailureRow.id), func.min(SignInFailureRow.at)).where(
                    SignInFailureRow.kind == kind, SignInFailureRow.key == key,
                    SignInFailureRow.at > since)).one()
        return int(count), oldest

    def clear_sign_in_failures(self, kind: str, key: str) -> None:
        with self.transaction() as db:
            db.execute(delete(SignInFailureRow).where(SignInFailureRow.kind == kind,
                                                      SignInFailureRow.key == key))

    def _user_id(self, db: Session, user: str) -> int:
        row = _find_user(db, user)
        if row is None:
            raise StoreError(f"no user named {user!r}; add one with `coach users add`")
        return row.id

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction; any database failure is a SaveError, and nothing of it
        is written."""
        with self._failing(SaveError, "save"), self._sessions.begin() as db:
            yield db

    @contextmanager
    def reading(self, doing: str) -> Iterator[Session]:
        """A session for reads; a database failure is a StoreError saying what was `doing`."""
        with self._failing(StoreError, doing), self._sessions() as db:
            yield db

    @contextmanager
    def _failing(self, error: type[StoreError], doing: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            detail = " ".join(str(exc.orig if hasattr(exc, "orig") else exc).split())[:200]
            raise error(f"could not {doing}", detail) from exc


def name_key(name: str) -> str:
    """The form in which user names are unique: trimmed and case-folded."""
    return name.strip().casefold()[:64]


def _find_user(db: Session, name: str) -> UserRow | None:
    """A user by their exact name, else by the name in any case."""
    exact = db.scalar(select(UserRow).where(UserRow.name == name))
    return exact or db.scalar(select(UserRow).where(UserRow.name_key == name_key(name)))


def _upsert_work(db: Session, user_id: int, item: Work, now: datetime) -> None:
    found = db.scalar(
        select(WorkRow).where(
            WorkRow.user_id == user_id, WorkRow.kind == item.kind, WorkRow.key == item.key
        )
    )
    if found is None:
        db.add(WorkRow(user_id=user_id, kind=item.kind, key=item.key, title=item.title,
                       data=item.data, thread_id=item.thread_id, updated_at=now))
    elif found.data != item.data or found.title != item.title:
        found.data, found.title, found.updated_at = item.data, item.title, now


def _saved(row: WorkRow) -> SavedWork:
    return SavedWork(row.id, row.kind, row.title, dict(row.data), row.thread_id, row.updated_at)


def version_framework(version: FrameworkVersion | None, default: SeverityFramework
                      ) -> SeverityFramework:
    """The framework a team version holds; no version, or one back to the default: `default`."""
    if version is None or version.data is None:
        return default
    try:
        return SeverityFramework.model_validate(version.data)
    except ValidationError as exc:
        raise StoreError(f"the team's framework version {version.id} cannot be read "
                         f"({exc.error_count()} problems)") from exc


def _version(row: TeamFrameworkRow) -> FrameworkVersion:
    data = dict(row.data) if row.data is not None else None
    return FrameworkVersion(row.id, row.name, data, row.accepted_by, row.accepted_at)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"{role!r} is not a role: use {' or '.join(ROLES)}")


def _check_new_user(name: str, password: str) -> None:
    if not _NAME.match(name):
        raise UserError(
            f"{name!r} is not a valid user name: use 1-64 letters, digits, '.', '_', '@' or '-'"
        )
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise UserError(f"the password is too long: bcrypt uses at most {MAX_PASSWORD_BYTES} bytes")


def _tune_sqlite(engine: Engine, busy_timeout: float) -> None:
    """WAL so readers never wait on the writer; IMMEDIATE so writers queue instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


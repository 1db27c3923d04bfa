"""The coach's own tables (prefixed `coach_`, so they can share a database with chat history).

The schema itself is made and changed by the migrations in coach.web.migrations; these classes
map it, and must match the newest migration (tests/test_migrations.py checks that they do).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the coach's tables."""


class UserRow(Base):
    """Someone who can sign in; only a bcrypt hash of the password is kept."""

    __tablename__ = "coach_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    name_key: Mapped[str | None] = mapped_column(
        String(64), unique=True, doc="The name trimmed and case-folded; None for a duplicate "
        "that predates the rule.")
    password_hash: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    session_version: Mapped[int] = mapped_column(
        default=0, doc="Signing out adds one: tokens that carry an older version are refused.")
    team_id: Mapped[str] = mapped_column(String(64), default="default")
    role: Mapped[str] = mapped_column(String(16), default="csm", doc='"csm" or "leader".')


class SessionRow(Base):
    """The `CoachSession` of one conversation, as JSON, keyed by user and thread."""

    __tablename__ = "coach_sessions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("coach_users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(
        default=0, doc="Checked and raised by every save: a stale writer is refused.")


class WorkRow(Base):
    """Confirmed work: a ticket, action plan, framework, profile or practice score."""

    __tablename__ = "coach_work"
    __table_args__ = (
        Index("uq_coach_work_key", "user_id", "kind", "key", unique=True),
        Index("ix_coach_work_list", "user_id", "kind", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("coach_users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200), doc="Natural key: one row per piece of work.")
    title: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    thread_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamFrameworkRow(Base):
    """One version of a team's framework, newest id wins; appended, never changed.

    `data` None means the team went back to the installation's default (COACH_FRAMEWORK_FILE
    or the seed). One team per installation today; `team_id` keeps room for more.
    """

    __tablename__ = "coach_team_frameworks"
    __table_args__ = (Index("ix_coach_team_frameworks_team", "team_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    accepted_by: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SignInFailureRow(Base):
    """A failed sign-in, counted per user name and per client address for throttling."""

    __tablename__ = "coach_sign_in_failures"
    __table_args__ = (Index("ix_coach_sign_in_failures_key", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "user" or "address"
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class EscalationRow(Base):
    """A tracked escalation: its ticket and the framework it was created under, as JSON."""

    __tablename__ = "coach_escalations"
    __table_args__ = (Index("ix_coach_escalations_owner", "team_id", "owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(200))
    ticket: Mapped[dict[str, Any]] = mapped_column(JSON)
    framework: Mapped[dict[str, Any]] = mapped_column(JSON)
    framework_key: Mapped[str] = mapped_column(
        String(64), doc="A digest of `framework`: escalations under one framework share it.")
    summary: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, nullable=True, doc="The clocks' runs (coach.tracking.clocks.Runs), rewritten "
        "with each event; None, or unreadable, is rebuilt from the events.")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    demo: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(),
        doc="Written by `coach demo seed`; `coach demo clear` removes exactly these.")


class EscalationEventRow(Base):
    """One event of an escalation's timeline; appended, never changed."""

    __tablename__ = "coach_escalation_events"
    __table_args__ = (Index("ix_coach_escalation_events_escalation", "escalation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("coach_escalations.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    severity: Mapped[int | None] = mapped_column(nullable=True)
    category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ref: Mapped[str | None] = mapped_column(
        String(100), nullable=True, doc='A push\'s ticket in the other tool: "zendesk:123".')


class ReviewRow(Base):
    """A post-escalation review as recorded (coach.domain.review.PostEscalationReview)."""

    __tablename__ = "coach_reviews"
    __table_args__ = (Index("ix_coach_reviews_escalation", "escalation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("coach_escalations.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(64))


class NextStepRow(Base):
    """A tracked next step (coach.domain.review.NextStep)."""

    __tablename__ = "coach_next_steps"
    __table_args__ = (Index("ix_coach_next_steps_tracker", "team_id", "tracker", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    tracker: Mapped[str] = mapped_column(String(64), doc="The user whose list holds it.")
    escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("coach_escalations.id", ondelete="CASCADE"), nullable=True)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100))
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="open")
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

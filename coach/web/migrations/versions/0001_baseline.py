"""Baseline: the coach's tables and Chainlit 2.12's history tables, as they were before
migrations existed. A table that is already there (a database made by an earlier version) is
left as it is and checked by `coach.web.migrations.upgrade`.

Revision ID: 0001
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from coach.web.tables import UTCDateTime

revision = "0001"
down_revision = None

ID = sa.Uuid(as_uuid=False)
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TAGS = sa.Text().with_variant(ARRAY(sa.Text()), "postgresql")


def _table(name: str, *columns: sa.Column[Any]) -> None:
    if not sa.inspect(op.get_bind()).has_table(name):
        op.create_table(name, *columns)


def _index(name: str, table: str, columns: list[str], unique: bool = False) -> None:
    existing = {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes(table)}
    if name not in existing:
        op.create_index(name, table, columns, unique=unique)


def upgrade() -> None:
    _table("coach_users",
           sa.Column("id", sa.Integer, primary_key=True),
           sa.Column("name", sa.String(64), unique=True, nullable=False),
           sa.Column("password_hash", sa.String(100), nullable=False),
           sa.Column("created_at", UTCDateTime(), nullable=False))
    _table("coach_sessions",
           sa.Column("user_id", sa.Integer, sa.ForeignKey("coach_users.id", ondelete="CASCADE"),
                     primary_key=True),
           sa.Column("thread_id", sa.String(64), primary_key=True),
           sa.Column("data", sa.Text, nullable=False),
           sa.Column("updated_at", UTCDateTime(), nullable=False))
    _table("coach_work",
           sa.Column("id", sa.Integer, primary_key=True),
           sa.Column("user_id", sa.Integer, sa.ForeignKey("coach_users.id", ondelete="CASCADE"),
                     nullable=False),
           sa.Column("kind", sa.String(20), nullable=False),
           sa.Column("key", sa.String(200), nullable=False),
           sa.Column("title", sa.String(200), nullable=False),
           sa.Column("data", sa.JSON, nullable=False),
           sa.Column("thread_id", sa.String(64), nullable=True),
           sa.Column("updated_at", UTCDateTime(), nullable=False))
    _index("uq_coach_work_key", "coach_work", ["user_id", "kind", "key"], unique=True)
    _index("ix_coach_work_list", "coach_work", ["user_id", "kind", "updated_at"])
    _table("coach_team_frameworks",
           sa.Column("id", sa.Integer, primary_key=True),
           sa.Column("team_id", sa.String(64), nullable=False),
           sa.Column("name", sa.String(200), nullable=False),
           sa.Column("data", sa.JSON, nullable=True),
           sa.Column("accepted_by", sa.String(64), nullable=False),
           sa.Column("accepted_at", UTCDateTime(), nullable=False))
    _index("ix_coach_team_frameworks_team", "coach_team_frameworks", ["team_id", "id"])
    _table("coach_sign_in_failures",
           sa.Column("id", sa.Integer, primary_key=True),
           sa.Column("kind", sa.String(10), nullable=False),
           sa.Column("key", sa.String(200), nullable=False),
           sa.Column("at", UTCDateTime(), nullable=False))
    _index("ix_coach_sign_in_failures_key", "coach_sign_in_failures", ["kind", "key", "at"])
    _chainlit_tables()


def _chainlit_tables() -> None:
    _table("users",
           sa.Column("id", ID, primary_key=True),
           sa.Column("identifier", sa.Text, nullable=False, unique=True),
           sa.Column("metadata", JSON, nullable=False),
           sa.Column("createdAt", sa.Text))
    _table("threads",
           sa.Column("id", ID, primary_key=True),
           sa.Column("createdAt", sa.Text),
           sa.Column("name", sa.Text),
           sa.Column("userId", ID, sa.ForeignKey("users.id", ondelete="CASCADE")),
           sa.Column("userIdentifier", sa.Text),
           sa.Column("tags", TAGS),
           sa.Column("metadata", JSON))
    _table("steps",
           sa.Column("id", ID, primary_key=True),
           sa.Column("name", sa.Text, nullable=False),
           sa.Column("type", sa.Text, nullable=False),
           sa.Column("threadId", ID, sa.ForeignKey("threads.id", ondelete="CASCADE"),
                     nullable=False),
           sa.Column("parentId", ID),
           sa.Column("command", sa.Text),
           sa.Column("modes", JSON),
           sa.Column("streaming", sa.Boolean, nullable=False),
           sa.Column("waitForAnswer", sa.Boolean),
           sa.Column("isError", sa.Boolean),
           sa.Column("metadata", JSON),
           sa.Column("tags", TAGS),
           sa.Column("input", sa.Text),
           sa.Column("output", sa.Text),
           sa.Column("createdAt", sa.Text),
           sa.Column("start", sa.Text),
           sa.Column("end", sa.Text),
           sa.Column("generation", JSON),
           sa.Column("showInput", sa.Text),
           sa.Column("defaultOpen", sa.Boolean),
           sa.Column("autoCollapse", sa.Boolean),
           sa.Column("language", sa.Text),
           sa.Column("icon", sa.Text),
           sa.Column("indent", sa.Integer))
    _table("elements",
           sa.Column("id", ID, primary_key=True),
           sa.Column("threadId", ID, sa.ForeignKey("threads.id", ondelete="CASCADE")),
           sa.Column("type", sa.Text),
           sa.Column("chainlitKey", sa.Text),
           sa.Column("path", sa.Text),
           sa.Column("url", sa.Text),
           sa.Column("objectKey", sa.Text),
           sa.Column("name", sa.Text, nullable=False),
           sa.Column("display", sa.Text),
           sa.Column("size", sa.Text),
           sa.Column("language", sa.Text),
           sa.Column("page", sa.Integer),
           sa.Column("props", JSON),
           sa.Column("autoPlay", sa.Boolean),
           sa.Column("playerConfig", JSON),
           sa.Column("forId", ID),
           sa.Column("mime", sa.Text))
    _table("feedbacks",
           sa.Column("id", ID, primary_key=True),
           sa.Column("forId", ID, nullable=False),
           sa.Column("threadId", ID, sa.ForeignKey("threads.id", ondelete="CASCADE"),
                     nullable=False),
           sa.Column("value", sa.Integer, nullable=False),
           sa.Column("comment", sa.Text))


def downgrade() -> None:
    for name in ("feedbacks", "elements", "steps", "threads", "users", "coach_sign_in_failures",
                 "coach_team_frameworks", "coach_work", "coach_sessions", "coach_users"):
        op.drop_table(name)

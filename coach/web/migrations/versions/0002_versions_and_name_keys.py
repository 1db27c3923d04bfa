"""A saved conversation's version (optimistic concurrency), a user's session version (signing
out revokes their tokens), and user names unique however they are cased or padded.

Names that already collide ("Alice" and "alice") keep their rows: the oldest gets the key, the
others none, and `coach users list` reports them.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def name_key(name: str) -> str:
    """The form in which user names are unique: trimmed and case-folded."""
    return name.strip().casefold()


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of coach_users would drop the table, and SQLite's
    # foreign keys would cascade that to every saved conversation.
    op.add_column("coach_sessions",
                  sa.Column("version", sa.Integer, nullable=False, server_default="0"))
    op.add_column("coach_users", sa.Column("name_key", sa.String(64), nullable=True))
    op.add_column("coach_users", sa.Column("session_version", sa.Integer, nullable=False,
                                           server_default="0"))
    users = sa.table("coach_users", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("name_key", sa.String))
    bind, taken = op.get_bind(), set()
    for user_id, name in bind.execute(sa.select(users.c.id, users.c.name).order_by(users.c.id)):
        key = name_key(name)
        if key not in taken:
            taken.add(key)
            bind.execute(users.update().where(users.c.id == user_id).values(name_key=key))
    op.create_index("uq_coach_users_name_key", "coach_users", ["name_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_coach_users_name_key", "coach_users")
    op.drop_column("coach_users", "session_version")
    op.drop_column("coach_users", "name_key")
    op.drop_column("coach_sessions", "version")

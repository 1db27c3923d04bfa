"""Escalations as living records: the escalation (its ticket and framework copy) and its
append-only timeline of events; and users' teams and roles (a CSM sees their own
escalations, a leader the team's and accepts the team's framework).

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coach.web.tables import UTCDateTime

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column("coach_users", sa.Column("team_id", sa.String(64), nullable=False,
                                           server_default="default"))
    op.add_column("coach_users", sa.Column("role", sa.String(16), nullable=False,
                                           server_default="csm"))
    op.create_table(
        "coach_escalations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("ticket", sa.JSON, nullable=False),
        sa.Column("framework", sa.JSON, nullable=False),
        sa.Column("framework_key", sa.String(64), nullable=False),
        sa.Column("summary", sa.JSON, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False))
    op.create_index("ix_coach_escalations_owner", "coach_escalations", ["team_id", "owner"])
    op.create_table(
        "coach_escalation_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("escalation_id", sa.Integer,
                  sa.ForeignKey("coach_escalations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("severity", sa.Integer, nullable=True),
        sa.Column("category", sa.String(32), nullable=True))
    op.create_index("ix_coach_escalation_events_escalation", "coach_escalation_events",
                    ["escalation_id", "id"])


def downgrade() -> None:
    op.drop_column("coach_users", "role")
    op.drop_column("coach_users", "team_id")
    op.drop_table("coach_escalation_events")
    op.drop_table("coach_escalations")

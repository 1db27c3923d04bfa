"""Tracked next steps: plan steps, review action items and a leader's own steps.

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coach.web.tables import UTCDateTime

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "coach_next_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("tracker", sa.String(64), nullable=False),
        sa.Column("escalation_id", sa.Integer,
                  sa.ForeignKey("coach_escalations.id", ondelete="CASCADE"), nullable=True),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("due", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False))
    op.create_index("ix_coach_next_steps_tracker", "coach_next_steps",
                    ["team_id", "tracker", "status"])


def downgrade() -> None:
    op.drop_table("coach_next_steps")

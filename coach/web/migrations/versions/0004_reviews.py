"""Post-escalation reviews, recorded per escalation.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coach.web.tables import UTCDateTime

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "coach_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("escalation_id", sa.Integer,
                  sa.ForeignKey("coach_escalations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(64), nullable=False))
    op.create_index("ix_coach_reviews_escalation", "coach_reviews", ["escalation_id", "id"])


def downgrade() -> None:
    op.drop_table("coach_reviews")

"""Demo escalations are marked; summaries keep every update interval (rebuilt on next read);
an event may name the ticket a push made in another tool.

Revision ID: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.add_column("coach_escalations", sa.Column("demo", sa.Boolean, nullable=False,
                                                 server_default=sa.false()))
    op.execute("UPDATE coach_escalations SET summary = NULL")
    op.add_column("coach_escalation_events", sa.Column("ref", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coach_escalation_events") as table:
        table.drop_column("ref")
    with op.batch_alter_table("coach_escalations") as table:
        table.drop_column("demo")

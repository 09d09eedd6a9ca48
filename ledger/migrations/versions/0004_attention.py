"""Streams that need attention: what the engine could not move on its own (issue 18).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

One row per stream at most, written when a workflow meets what can never succeed (the ledger
behind the engine, an event that does not follow under the rules) and removed when
``intersessional engine recover`` has started the stream again from the ledger. It is the
engine's state of repair, not part of the record: nothing in it is chained or signed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "attention",
        sa.Column("stream", sa.String(200), primary_key=True),
        sa.Column("cause", sa.Text, nullable=False),
        sa.Column("repair", sa.Text, nullable=False),
        sa.Column("noticed_at", sa.String(27), nullable=False),
        sa.Column("workflow_id", sa.String(200), nullable=True),
        sa.Column("run_id", sa.String(100), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("attention")

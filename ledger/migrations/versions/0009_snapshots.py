"""Snapshots: a stream's folded state every N events and at each year's close (issue 23).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Beside the record, not part of it: each row names the last event folded into it by its hash,
and ``audit verify`` folds the events again and refuses a row that disagrees. Dropping the
table (downgrade) loses nothing the events do not hold.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("stream", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("recorded_at", sa.String(27), nullable=False),
        sa.Column("format", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.UniqueConstraint("stream", "version", name="uq_snapshots_stream_version"),
        sa.CheckConstraint("version >= 1", name="ck_snapshots_version_positive"),
    )


def downgrade() -> None:
    op.drop_table("snapshots")

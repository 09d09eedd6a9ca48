"""People's language: the one of the UN's six a person reads the engine in (issue 21).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

NULL, the default for everyone already registered, means "the browser's or the CLI's own
choice" (``Accept-Language``, ``INTERSESSIONAL_LANGUAGE``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # batch: SQLite drops a column (downgrade) by copying the table
    with op.batch_alter_table("people") as table:
        table.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as table:
        table.drop_column("language")

"""Checkpoints keep the Merkle tree's right edge, so the next grows from there (issue 23).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

``frontier``: the roots of the perfect subtrees the tree of a checkpoint's events ends with,
each with its height (``ledger.merkle.Frontier.to_bytes``, 33 bytes a subtree, at most 64).
Derived from the events, never trusted: ``take_checkpoint`` uses it only where it reproduces
the signed root, and ``audit verify`` rebuilds it and names one that differs. NULL for the
checkpoints signed before: the next one grows its tree from the first event, once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # batch: SQLite drops a column (downgrade) by copying the table
    with op.batch_alter_table("checkpoints") as table:
        table.add_column(sa.Column("frontier", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checkpoints") as table:
        table.drop_column("frontier")

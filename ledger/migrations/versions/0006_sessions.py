"""Sessions: the dashboard's signed-in sessions, kept server-side (issue 19).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

A session's id is a random secret held in the person's cookie; the table keeps only its SHA-256
(``id_hash``), as ``people`` keeps only a token's. A session opens the dashboard for one person
until it expires or is revoked (signing out); a row is never deleted, so that a revocation
cannot be undone by losing it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.CHAR(64), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_sessions_person"),
                  nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("expires_at", sa.String(27), nullable=False),
        sa.Column("revoked_at", sa.String(27), nullable=True),
        sa.CheckConstraint("expires_at > created_at", name="ck_sessions_expire_after_created"),
    )


def downgrade() -> None:
    op.drop_table("sessions")

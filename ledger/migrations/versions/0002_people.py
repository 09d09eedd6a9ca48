"""People: who holds which role, and the SHA-256 of their token (``identities``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

The list of roles is spelled out here, not imported: a migration is a fixed point in the
schema's history, and must create the same table however the code moves on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_ROLES = ("isu", "president", "president_designate", "coordinator", "committee_member",
          "auditor")


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(50), nullable=False),
        sa.Column("represents", sa.String(8), nullable=True),
        sa.Column("token_hash", sa.CHAR(64), nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("revoked_at", sa.String(27), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_people_token_hash"),
        sa.CheckConstraint("role IN ({})".format(", ".join(f"'{r}'" for r in _ROLES)),
                           name="ck_people_role"),
        sa.CheckConstraint("revoked_at IS NULL OR revoked_at >= created_at",
                           name="ck_people_revoked_after_created"),
    )


def downgrade() -> None:
    op.drop_table("people")

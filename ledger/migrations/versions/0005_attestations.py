"""Attestations: who stood behind each person's step, signed (issue 19).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

One row per recorded event that a person's step produced, written in the same transaction as
the event: the signed statement (canonical JSON), the key that signed it, the signature, and
the step's input as the person sent it (canonical JSON, whose SHA-256 the statement names). It
is not part of the hash chain (format 1 stays as it is): the signature vouches for the row, and
``audit verify`` binds it to its event — the stream, the version, the step, the actor — and
names any person's event without one. ``nonce`` is unique: an attestation is used once.

``attestations_began`` holds the position from which every person's event carries one: the
events a ledger held before this migration were recorded before attestations existed, and the
audit counts them as such instead of naming each as missing its attestation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "attestations",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("nonce", sa.String(36), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("signature", sa.String(100), nullable=False),
        sa.Column("input", sa.Text, nullable=False),
        sa.UniqueConstraint("nonce", name="uq_attestations_nonce"),
    )
    op.create_table(
        "attestations_began",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_attestations_began_single_row"),
    )
    op.execute("INSERT INTO attestations_began (id, position) "
               "SELECT 1, position + 1 FROM ledger_head")


def downgrade() -> None:
    op.drop_table("attestations_began")
    op.drop_table("attestations")

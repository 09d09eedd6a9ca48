"""Notices: people's e-mail addresses and calendar secrets, and the notices sent to them
(issue 21).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

``people`` gains ``email`` (none until given: such a person is sent nothing) and
``calendar_hash``, the SHA-256 of the secret in the address of their private iCalendar feed (the
secret itself is stored nowhere, as a token is not). ``notices`` holds one row per notice the
engine owes someone — a deadline's reminder, its escalation, a step that awaits them — keyed by
its idempotency key (event, person, kind), which is also the Message-ID it is sent under: a
row marked ``sent`` is never sent again. Like ``attention``, it is the engine's state of
delivery beside the record, not part of it: nothing in it is chained or signed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_STATUSES = ("pending", "sent", "unsent")


def upgrade() -> None:
    op.add_column("people", sa.Column("email", sa.String(254), nullable=True))
    op.add_column("people", sa.Column("calendar_hash", sa.CHAR(64), nullable=True))
    op.create_index("uq_people_calendar_hash", "people", ["calendar_hash"], unique=True)
    op.create_table(
        "notices",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("message_id", sa.String(250), nullable=False),
        sa.Column("stream", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("recipient", sa.String(254), nullable=True),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("attempted_at", sa.String(27), nullable=True),
        sa.Column("sent_at", sa.String(27), nullable=True),
        sa.UniqueConstraint("message_id", name="uq_notices_message_id"),
        sa.CheckConstraint("status IN ({})".format(", ".join(f"'{s}'" for s in _STATUSES)),
                           name="ck_notices_status"),
        sa.CheckConstraint("attempts >= 0", name="ck_notices_attempts"),
    )
    op.create_index("ix_notices_status", "notices", ["status"])


def downgrade() -> None:
    op.drop_index("ix_notices_status", table_name="notices")
    op.drop_table("notices")
    op.drop_index("uq_people_calendar_hash", table_name="people")
    with op.batch_alter_table("people", recreate="auto") as batch:
        batch.drop_column("calendar_hash")
        batch.drop_column("email")

"""The ledger's tables (SQLAlchemy 2 Core). Alembic's migrations create them; code never does.

``events`` is append-only: one row per recorded fact, a global ``position`` (gapless, in commit
order), a per-stream ``version`` and the per-stream hash chain (``prev_hash`` → ``hash``).
``ledger_head`` is a single row holding the last position: every append locks it first, which
serialises writers so that positions are handed out in commit order — a reader that catches up by
position can never skip an event that commits late. ``checkpoints`` holds the signed Merkle
roots, each with the event hashes it added (``leaves``), so a rewritten chain can be located
exactly, and the tree's right edge (``frontier``, migration 0010), from which the next one
grows.

Times are stored as canonical UTC text (``2025-06-02T09:00:00.000000Z``, see ``encoding``): the
same bytes on every backend, hashed as stored, and ordered as text.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("position", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("stream", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(100), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("role", String(50), nullable=False),
    Column("occurred_at", String(27), nullable=False),
    Column("recorded_at", String(27), nullable=False),
    Column("workflow_id", String(200), nullable=True),
    Column("run_id", String(100), nullable=True),
    Column("causation_id", String(36), nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("stream", "version", name="uq_events_stream_version"),
    CheckConstraint("version >= 1", name="ck_events_version_positive"),
    CheckConstraint("position >= 1", name="ck_events_position_positive"),
)
Index("ix_events_recorded_at", events.c.recorded_at)

ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False),
    CheckConstraint("id = 1", name="ck_ledger_head_single_row"),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("tree_size", BigInteger, primary_key=True, autoincrement=False),
    Column("root_hash", String(64), nullable=False),
    Column("taken_at", String(27), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("leaves", LargeBinary, nullable=False),
    #: (height, root) of the tree's perfect subtrees, derived (``ledger.checkpoints``); NULL in
    #: the checkpoints signed before migration 0010
    Column("frontier", LargeBinary, nullable=True),
)

#: streams the engine could not move on its own, until recovered (migration 0004): the state
#: of repair, beside the record and not part of it
attention = Table(
    "attention",
    metadata,
    Column("stream", String(200), primary_key=True),
    Column("cause", Text, nullable=False),
    Column("repair", Text, nullable=False),
    Column("noticed_at", String(27), nullable=False),
    Column("workflow_id", String(200), nullable=True),
    Column("run_id", String(100), nullable=True),
)

#: who stood behind each person's step (migration 0005): the signed statement, its key and
#: signature, and the input it names; bound to its event by ``audit verify``, not chained
attestations = Table(
    "attestations",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("nonce", String(36), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("statement", Text, nullable=False),
    Column("signature", String(100), nullable=False),
    Column("input", Text, nullable=False),
    UniqueConstraint("nonce", name="uq_attestations_nonce"),
)

#: the position from which every person's event carries an attestation (migration 0005)
attestations_began = Table(
    "attestations_began",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False),
    CheckConstraint("id = 1", name="ck_attestations_began_single_row"),
)

#: the notices the engine owes people (migration 0007): a reminder, an escalation, a step that
#: awaits them; keyed by (event, person, kind), which is also the Message-ID it is sent under;
#: the state of delivery beside the record, not part of it (``ledger.notices``)
notices = Table(
    "notices",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("message_id", String(250), nullable=False),
    Column("stream", String(200), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("person_id", Integer, nullable=False),
    Column("recipient", String(254), nullable=True),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(10), nullable=False),
    Column("reason", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("created_at", String(27), nullable=False),
    Column("attempted_at", String(27), nullable=True),
    Column("sent_at", String(27), nullable=True),
    UniqueConstraint("message_id", name="uq_notices_message_id"),
    CheckConstraint("status IN ('pending', 'sent', 'unsent')", name="ck_notices_status"),
    CheckConstraint("attempts >= 0", name="ck_notices_attempts"),
    Index("ix_notices_status", "status"),
)

#: folded states of a stream (migration 0009), each keyed by the hash of the last event folded
#: into it: derived from the record, never part of it — ``audit verify`` folds the events again
#: and refuses a snapshot that disagrees (``ledger.snapshots``)
snapshots = Table(
    "snapshots",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("stream", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("recorded_at", String(27), nullable=False),
    Column("format", Integer, nullable=False),
    Column("state", Text, nullable=False),
    UniqueConstraint("stream", "version", name="uq_snapshots_stream_version"),
    CheckConstraint("version >= 1", name="ck_snapshots_version_positive"),
)

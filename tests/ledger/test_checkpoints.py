"""Signed checkpoints catch what a rewrite of every hash of a chain would hide."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from ledger import Ledger
from ledger.checkpoints import all_checkpoints, load_or_create_key, load_public_key, take_checkpoint
from ledger.encoding import canonical_json, event_hash
from ledger.merkle import leaf_hash, verify_consistency, verify_inclusion
from ledger.problems import ProblemKind
from ledger.proofs import prove_consistency, prove_inclusion
from ledger.records import COLUMNS, header
from ledger.verify import verify
from tests.ledger.conftest import execute, new_event, populate


@pytest.fixture
def key(tmp_path: Path) -> Ed25519PrivateKey:
    return load_or_create_key(tmp_path / "keys" / "checkpoint-signing-key.pem")


def _rewrite_chain(engine: Engine, stream: str, from_version: int, payload: dict[str, object]
                   ) -> int:
    """Alter one event's payload and recompute every hash of its chain from there on, as a
    tamperer who knows the encoding would; return the altered event's position."""
    with engine.connect() as conn:
        rows = [list(r) for r in conn.execute(text(
            f"SELECT {', '.join(COLUMNS)} FROM events WHERE stream = :s AND version >= :v "
            "ORDER BY version"), {"s": stream, "v": from_version})]
        prev = conn.execute(text("SELECT hash FROM events WHERE stream = :s AND version = :v"),
                            {"s": stream, "v": from_version - 1}).scalar_one()
    rows[0][15] = canonical_json(payload)
    for row in rows:
        row[13] = prev
        row[14] = prev = event_hash(header(tuple(row)), str(row[15]))
        execute(engine, "UPDATE events SET payload = :p, prev_hash = :ph, hash = :h "
                "WHERE position = :pos", p=row[15], ph=row[13], h=row[14], pos=row[0])
    return int(rows[0][0])


def test_a_checkpoint_is_signed_and_the_ledger_verifies(ledger: Ledger, engine: Engine,
                                                         key: Ed25519PrivateKey, tmp_path: Path
                                                         ) -> None:
    """A checkpoint signs the root of the whole log; taking it again at the same size returns
    the first; the key file is owner-only and its public half is written beside it."""
    populate(ledger)
    first = take_checkpoint(engine, key)
    assert first.tree_size == 30
    assert take_checkpoint(engine, key) == first
    report = verify(engine, key.public_key())
    assert report.intact
    assert (report.events, report.checkpoints, report.signatures_checked) == (30, 1, True)
    key_file = tmp_path / "keys" / "checkpoint-signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    public = load_public_key(key_file.with_name(key_file.name + ".pub"))
    assert verify(engine, public).intact


def test_a_rewritten_chain_is_named_exactly(ledger: Ledger, engine: Engine,
                                            key: Ed25519PrivateKey) -> None:
    """A payload altered and every later hash of its chain recomputed: the chain checks pass,
    but the checkpoint's signed hashes name the altered event exactly."""
    populate(ledger)
    take_checkpoint(engine, key)
    position = _rewrite_chain(engine, "cycle-2026", 4, {"year": 2025, "title": "forged"})
    assert position == 11
    problem = verify(engine, key.public_key()).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.ALTERED, 11)
    assert (problem.stream, problem.version) == ("cycle-2026", 4)


def test_a_rewritten_chain_and_checkpoint_record_is_still_caught(
    ledger: Ledger, engine: Engine, key: Ed25519PrivateKey
) -> None:
    """The tamperer also rewrote the hashes kept with the checkpoint: the signed root no longer
    matches, and verify names the signed range that changed."""
    populate(ledger, rounds=4)
    take_checkpoint(engine, key)
    populate(ledger, streams=("cycle-2027",), rounds=6)
    take_checkpoint(engine, key)
    _rewrite_chain(engine, "cycle-2027", 2, {"forged": True})
    with engine.connect() as conn:
        hashes = b"".join(bytes.fromhex(h) for h in conn.execute(text(
            "SELECT hash FROM events WHERE position > 12 ORDER BY position")).scalars())
    execute(engine, "UPDATE checkpoints SET leaves = :l WHERE tree_size = 18", l=hashes)
    problem = verify(engine, key.public_key()).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.CHECKPOINT, 13)
    assert "13–18" in problem.detail


def test_a_truncation_hidden_from_the_head_is_caught_by_the_checkpoint(
    ledger: Ledger, engine: Engine, key: Ed25519PrivateKey
) -> None:
    """The last events deleted and the head row set back: the signed checkpoint still counts
    them, so verify reports the log truncated at the first missing position."""
    populate(ledger)
    take_checkpoint(engine, key)
    execute(engine, "DELETE FROM events WHERE position > 24")
    execute(engine, "UPDATE ledger_head SET position = 24")
    problem = verify(engine, key.public_key()).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.TRUNCATED, 25)


def test_a_forged_checkpoint_or_a_foreign_key_is_refused(
    ledger: Ledger, engine: Engine, key: Ed25519PrivateKey
) -> None:
    """A checkpoint whose root was edited, or checked with another key, does not verify."""
    populate(ledger)
    take_checkpoint(engine, key)
    stranger = Ed25519PrivateKey.generate().public_key()
    problem = verify(engine, stranger).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.CHECKPOINT, 30)
    execute(engine, "UPDATE checkpoints SET root_hash = :r", r="ab" * 32)
    problem = verify(engine, key.public_key()).problem
    assert problem is not None
    assert problem.kind is ProblemKind.CHECKPOINT
    assert "signature" in problem.detail


def test_proofs_let_an_auditor_check_inclusion_and_consistency(
    ledger: Ledger, engine: Engine, key: Ed25519PrivateKey
) -> None:
    """An event's audit path verifies against the signed root; a later checkpoint is proven to
    extend an earlier one."""
    populate(ledger, rounds=3)
    early = take_checkpoint(engine, key, clock=lambda: datetime(2025, 3, 1, tzinfo=UTC))
    ledger.append("cycle-2025", [new_event(99)], expected_version=3)
    late = take_checkpoint(engine, key)
    (event,) = ledger.read_stream("cycle-2025", from_version=2)[:1]
    proof = prove_inclusion(engine, event.position, late.tree_size)
    leaf = leaf_hash(bytes.fromhex(event.hash))
    assert verify_inclusion(leaf, event.position - 1, late.tree_size, proof,
                            bytes.fromhex(late.root_hash))
    assert not verify_inclusion(leaf, event.position, late.tree_size, proof,
                                bytes.fromhex(late.root_hash))
    consistency = prove_consistency(engine, early.tree_size, late.tree_size)
    assert verify_consistency(early.tree_size, late.tree_size, bytes.fromhex(early.root_hash),
                              bytes.fromhex(late.root_hash), consistency)
    assert [c.tree_size for c in all_checkpoints(engine)] == [9, 10]

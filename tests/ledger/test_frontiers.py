"""Checkpoints grow the Merkle tree from the previous one's stored frontier (migration 0010):
the same signed root as a full read of the log, a frontier that is not the events' named by
verify, and a tampered or missing one never signed over."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from ledger import Ledger
from ledger.checkpoints import Checkpoint, all_checkpoints, take_checkpoint
from ledger.merkle import Frontier, leaf_hash
from ledger.problems import Problem, ProblemKind
from ledger.schema import metadata
from ledger.verify import verify
from tests.backends import alembic
from tests.ledger.conftest import append_stream, execute


def _full_read(engine: Engine, size: int) -> Frontier:
    """The tree of the first ``size`` events, grown from the first (as checkpoints were)."""
    with engine.connect() as conn:
        hashes = conn.execute(text("SELECT hash FROM events WHERE position <= :n "
                                   "ORDER BY position"), {"n": size}).scalars().all()
    tree = Frontier()
    tree.extend([leaf_hash(bytes.fromhex(h)) for h in hashes])
    return tree


def _latest(engine: Engine) -> Checkpoint:
    return all_checkpoints(engine)[-1]


def _set_frontier(engine: Engine, size: int, frontier: bytes | None) -> None:
    execute(engine, "UPDATE checkpoints SET frontier = :f WHERE tree_size = :n", f=frontier,
            n=size)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(1, 300), min_size=1, max_size=4),
       stored=st.sampled_from(["kept", "missing", "tampered"]))
def test_a_checkpoint_grown_from_the_frontier_is_the_full_reads(
        ledger: Ledger, engine: Engine, key: Ed25519PrivateKey, sizes: list[int],
        stored: str) -> None:
    """After random runs of appends, each checkpoint's root, leaves and frontier are those of
    the tree grown from the first event; the previous frontier kept, missing (a checkpoint
    signed before 0010) or tampered with, the root signed is the events' all the same.
    (The ledger grows from one example to the next: later ones start from a longer log, and
    a checkpoint may fall anywhere in the tree's shape.)"""
    for count in sizes:
        before = all_checkpoints(engine)
        if before and stored != "kept":
            _set_frontier(engine, before[-1].tree_size,
                          None if stored == "missing" else bytes(33 * 3))
        append_stream(ledger, count)
        cp = take_checkpoint(engine, key)
        full = _full_read(engine, cp.tree_size)
        assert cp.tree_size == ledger.head()
        assert cp.root_hash == full.root().hex()
        assert cp.frontier == full.to_bytes()
        assert len(cp.leaves) == 32 * (cp.tree_size - (before[-1].tree_size if before else 0))
        assert _latest(engine) == cp
        if before and stored == "tampered":  # put right, for verify and the next examples
            _set_frontier(engine, before[-1].tree_size,
                          _full_read(engine, before[-1].tree_size).to_bytes())
    assert verify(engine, key.public_key()).intact


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 3000), more=st.integers(0, 600))
def test_a_frontier_survives_its_bytes_and_grows_as_the_whole_tree(size: int, more: int
                                                                   ) -> None:
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(size + more)]
    tree = Frontier()
    tree.extend(leaves[:size])
    stored = tree.to_bytes()
    assert len(stored) == 33 * bin(size).count("1")
    assert [h for h, _ in tree.subtrees()] == [h for h in range(64) if size >> h & 1][::-1]
    again = Frontier.from_bytes(stored)
    assert (again.size, again.root()) == (size, tree.root())
    again.extend(leaves[size:])
    whole = Frontier()
    whole.extend(leaves)
    assert (again.root(), again.to_bytes()) == (whole.root(), whole.to_bytes())


@pytest.mark.parametrize("data", [bytes(32), bytes([1]) + bytes(32) + bytes([1]) + bytes(32),
                                  bytes([0]) + bytes(32) + bytes([3]) + bytes(32)])
def test_bytes_that_are_no_frontier_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="frontier"):
        Frontier.from_bytes(data)


@pytest.mark.parametrize("parallel", [False, True])
def test_a_tampered_frontier_fails_verify_by_name(ledger: Ledger, engine: Engine,
                                                  key: Ed25519PrivateKey, parallel: bool
                                                  ) -> None:
    """A frontier changed behind the ledger's back: verify names it (kind ``frontier``, at its
    checkpoint's size), by the sequential pass and by the ranges checked in parallel; the next
    checkpoint does not grow from it, and its own frontier is the events'."""
    append_stream(ledger, 40)
    first = take_checkpoint(engine, key)
    append_stream(ledger, 25)
    second = take_checkpoint(engine, key)
    assert verify(engine, key.public_key()).intact
    assert first.frontier is not None
    forged = bytearray(first.frontier)
    forged[-1] ^= 1
    _set_frontier(engine, first.tree_size, bytes(forged))

    def checked() -> Problem | None:
        if parallel:
            return verify(engine, key.public_key(), parallel_from=1, workers=2).problem
        return verify(engine, key.public_key(), workers=1).problem

    problem = checked()
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.FRONTIER, first.tree_size)
    assert f"checkpoint of {first.tree_size} events" in problem.detail

    _set_frontier(engine, second.tree_size, bytes(forged))  # the one the next would use
    append_stream(ledger, 7)
    third = take_checkpoint(engine, key)
    assert third.root_hash == _full_read(engine, third.tree_size).root().hex()
    assert third.frontier == _full_read(engine, third.tree_size).to_bytes()
    problem = checked()
    assert problem is not None
    assert problem.kind is ProblemKind.FRONTIER
    assert problem.position == first.tree_size  # the first one named


def test_the_next_checkpoint_reads_only_the_events_after_the_previous(
        ledger: Ledger, engine: Engine, key: Ed25519PrivateKey) -> None:
    """An event hash before the previous checkpoint changed behind its back changes nothing
    the next checkpoint signs: it never read it (verify names the change)."""
    append_stream(ledger, 50)
    take_checkpoint(engine, key)
    intact = _full_read(engine, 50)
    execute(engine, "UPDATE events SET hash = :h WHERE position = 3", h="ab" * 32)
    append_stream(ledger, 10)
    with engine.connect() as conn:
        tail = conn.execute(text("SELECT hash FROM events WHERE position > 50 "
                                 "ORDER BY position")).scalars().all()
    intact.extend([leaf_hash(bytes.fromhex(h)) for h in tail])
    assert take_checkpoint(engine, key).root_hash == intact.root().hex()
    problem = verify(engine, key.public_key()).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.ALTERED, 3)


def test_a_checkpoint_without_a_frontier_is_not_checked_for_one(
        ledger: Ledger, engine: Engine, key: Ed25519PrivateKey) -> None:
    """A checkpoint from before migration 0010 keeps no frontier: verify has none to compare,
    and the next checkpoint grows its tree from the first event."""
    append_stream(ledger, 30)
    old = take_checkpoint(engine, key)
    _set_frontier(engine, old.tree_size, None)
    assert verify(engine, key.public_key()).intact
    append_stream(ledger, 3)
    new = take_checkpoint(engine, key)
    assert new.frontier == _full_read(engine, 33).to_bytes()
    assert verify(engine, key.public_key()).intact


def test_no_checkpoint_is_signed_over_a_gap(ledger: Ledger, engine: Engine,
                                            key: Ed25519PrivateKey) -> None:
    """A log with an event deleted behind its back: the checkpoint is refused in a sentence
    (verify names the deletion), and nothing is signed."""
    append_stream(ledger, 20)
    take_checkpoint(engine, key)
    append_stream(ledger, 10)
    execute(engine, "DELETE FROM events WHERE position = 25")
    with pytest.raises(ValueError, match="no checkpoint is signed over a gap"):
        take_checkpoint(engine, key)
    assert [cp.tree_size for cp in all_checkpoints(engine)] == [20]


def test_migration_0010_keeps_old_checkpoints_and_schema_py_describes_it(
        engine: Engine, key: Ed25519PrivateKey) -> None:
    """Down to 0009 (no frontier column) and up again: a checkpoint signed before keeps its
    row, with no frontier; the next one grows from the first event; schema.py is the table."""
    ledger = Ledger(engine)
    append_stream(ledger, 12)
    signed = take_checkpoint(engine, key)
    alembic(engine, "downgrade", "0009")
    with engine.connect() as conn:
        columns = conn.execute(text("SELECT * FROM checkpoints")).keys()
    assert "frontier" not in columns
    alembic(engine, "upgrade", "head")
    [kept] = all_checkpoints(engine)
    assert kept.model_copy(update={"frontier": signed.frontier}) == signed
    assert kept.frontier is None
    append_stream(ledger, 5)
    assert take_checkpoint(engine, key).frontier == _full_read(engine, 17).to_bytes()
    assert verify(engine, key.public_key()).intact
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in differences if "checkpoints" in repr(d)] == []

"""verify's parallel path (ledger.segments), forced on a small ledger: the same report as the
sequential pass, whether the log is intact or tampered with inside a range or across two."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from ledger import Ledger, readers, segments
from ledger.checkpoints import all_checkpoints, load_or_create_key, take_checkpoint
from ledger.encoding import canonical_json, event_hash
from ledger.problems import ProblemKind, Report
from ledger.records import COLUMNS, header
from ledger.verify import AFTER, BETWEEN, verify
from tests.ledger.conftest import execute, populate
from tests.ledger.test_checkpoints import _rewrite_chain

# populate() interleaves three streams: position p is stream (p-1) % 3, version (p-1) // 3 + 1;
# 30 events in two ranges: 1–15 and 16 on


@pytest.fixture
def key(tmp_path: Path) -> Ed25519PrivateKey:
    return load_or_create_key(tmp_path / "keys" / "checkpoint-signing-key.pem")


def _both(engine: Engine, key: Ed25519PrivateKey) -> tuple[Report, Report, list[int]]:
    """(parallel, sequential) reports, and the progress steps of the parallel one."""
    steps: list[int] = []
    parallel = verify(engine, key.public_key(), steps.append, parallel_from=1, workers=2)
    return parallel, verify(engine, key.public_key(), workers=1), steps


def _fast_path(engine: Engine) -> tuple[int, int] | None:
    """What the parallel path alone says: (events, streams) if intact, else None."""
    checkpoints = all_checkpoints(engine)
    with engine.connect() as conn:
        head = int(conn.execute(text("SELECT position FROM ledger_head")).scalar_one())
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    return segments.parallel(engine, (AFTER[mark], BETWEEN[mark]), checkpoints, head=head,
                             progress=None, workers=2)


def _alter(engine: Engine, position: int, recompute: bool) -> None:
    """Edit the payload at ``position``; with ``recompute``, its stored hash too."""
    with engine.connect() as conn:
        row = list(conn.execute(text(f"SELECT {', '.join(COLUMNS)} FROM events "
                                     "WHERE position = :p"), {"p": position}).one())
    row[15] = canonical_json({"year": 2025, "forged": True})
    stored = event_hash(header(tuple(row)), str(row[15])) if recompute else row[14]
    execute(engine, "UPDATE events SET payload = :p, hash = :h WHERE position = :q",
            p=row[15], h=stored, q=position)


def test_an_intact_ledger_gives_the_same_report(ledger: Ledger, engine: Engine,
                                                key: Ed25519PrivateKey) -> None:
    """Two checkpoints (one inside each range) and events past the last: intact either way,
    each range's events counted once by progress."""
    populate(ledger, rounds=4)
    take_checkpoint(engine, key)
    populate(ledger, streams=("cycle-2027",), rounds=10)
    take_checkpoint(engine, key)
    populate(ledger, streams=("cycle-2028", "cycle-2029"), rounds=4)
    assert _fast_path(engine) == (30, 6)
    parallel, sequential, steps = _both(engine, key)
    assert parallel.intact
    assert parallel == sequential
    assert (parallel.events, parallel.streams, parallel.checkpoints) == (30, 6, 2)
    assert sorted(steps) == [15, 15]


def test_tampering_in_the_second_range_is_named_as_sequentially(
        ledger: Ledger, engine: Engine, key: Ed25519PrivateKey) -> None:
    """A payload altered at 20: the second range finds it, the sequential pass names it."""
    populate(ledger)
    take_checkpoint(engine, key)
    _alter(engine, 20, recompute=False)
    assert _fast_path(engine) is None
    parallel, sequential, _ = _both(engine, key)
    assert parallel == sequential
    assert parallel.problem is not None
    assert (parallel.problem.kind, parallel.problem.position) == (ProblemKind.ALTERED, 20)


def test_a_link_broken_across_the_ranges_is_named_as_sequentially(
        ledger: Ledger, engine: Engine) -> None:
    """The last event of coalition-lao-1 in the first range (15) altered and its hash
    recomputed: each range is sound on its own, only the link from 18 back to 15 is broken."""
    populate(ledger)
    _alter(engine, 15, recompute=True)
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    url, options = segments._options(engine)
    halves = [segments.check(segments.Job(url, options, sql, start, end,
                                          sqlite=readers.sqlite_file(engine)))
              for sql, start, end in ((BETWEEN[mark], 0, 15), (AFTER[mark], 15, None))]
    assert [half.count if half else None for half in halves] == [15, 15]
    assert _fast_path(engine) is None
    parallel = verify(engine, parallel_from=1, workers=2)
    assert parallel == verify(engine, workers=1)
    assert parallel.problem is not None
    assert (parallel.problem.kind, parallel.problem.position, parallel.problem.stream) == (
        ProblemKind.ALTERED, 15, "coalition-lao-1")
    assert "recomputed" in parallel.problem.detail


def test_checkpoint_problems_are_named_as_sequentially(
        ledger: Ledger, engine: Engine, key: Ed25519PrivateKey) -> None:
    """Past the proven part the Merkle tree is grown again: a chain rewritten with the hashes
    kept with its checkpoint, and a truncation hidden from the head, are named as
    sequentially; hashes kept with a checkpoint that no longer reproduce its root, with every
    event intact, are no problem either way (the events still give the signed root)."""
    populate(ledger, rounds=4)
    take_checkpoint(engine, key)
    populate(ledger, streams=("cycle-2027",), rounds=18)
    take_checkpoint(engine, key)
    execute(engine, "UPDATE checkpoints SET leaves = :l WHERE tree_size = 30", l=b"\x00" * 576)
    # the fast path does not read the stored hashes: the events give both signed roots
    assert _fast_path(engine) == (30, 4)
    parallel, sequential, _ = _both(engine, key)
    assert parallel.intact
    assert parallel == sequential

    _rewrite_chain(engine, "cycle-2027", 2, {"forged": True})
    with engine.connect() as conn:
        hashes = b"".join(bytes.fromhex(h) for h in conn.execute(text(
            "SELECT hash FROM events WHERE position > 12 ORDER BY position")).scalars())
    execute(engine, "UPDATE checkpoints SET leaves = :l WHERE tree_size = 30", l=hashes)
    assert _fast_path(engine) is None
    parallel, sequential, _ = _both(engine, key)
    assert parallel == sequential
    assert parallel.problem is not None
    assert (parallel.problem.kind, parallel.problem.position) == (ProblemKind.CHECKPOINT, 13)

    execute(engine, "DELETE FROM checkpoints WHERE tree_size = 30")
    execute(engine, "DELETE FROM events WHERE position > 12")
    execute(engine, "UPDATE ledger_head SET position = 12")
    populate(ledger, streams=("cycle-2030",), rounds=12)
    take_checkpoint(engine, key)  # signs 24
    assert _fast_path(engine) == (24, 4)
    execute(engine, "DELETE FROM events WHERE position > 20")
    execute(engine, "UPDATE ledger_head SET position = 20")
    assert _fast_path(engine) is None
    parallel, sequential, _ = _both(engine, key)
    assert parallel == sequential
    assert parallel.problem is not None
    assert (parallel.problem.kind, parallel.problem.position) == (ProblemKind.TRUNCATED, 21)


def test_workers_are_spawned_beside_other_threads(ledger: Ledger, engine: Engine) -> None:
    """With another thread running (as in an API server) the workers are spawned, not
    forked: the same report."""
    populate(ledger)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert _fast_path(engine) == (30, 3)
        parallel = verify(engine, parallel_from=1, workers=2)
    finally:
        release.set()
        other.join()
    assert parallel.intact
    assert parallel == verify(engine, workers=1)

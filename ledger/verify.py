"""verify(): recompute every hash, link and checkpoint, and name the first problem precisely.

One pass walks the log in position order, checking each event's hash against its content and
its link to the previous event of its stream (``diagnose`` names the kind of tampering at the
first anomaly), while growing the Merkle tree of the log: at each checkpoint's size the root
must be the one signed. Every checkpoint's signature is checked first. A rewrite that
recomputed every hash of a chain passes the chain checks, but not the checkpoint: the event
hashes stored with the checkpoints (vouched for by the signed root) then name the exact event.
Once the log is found intact, each checkpoint's stored frontier (``ledger.checkpoints``) is
compared with the one the pass rebuilt: a frontier is derived, never a second truth.

A log of :data:`PARALLEL_FROM` events or more is first checked in ranges on every core
(:mod:`ledger.segments`); that fast path only ever says "intact", and at any anomaly this
sequential pass runs and names the first problem, exactly as it would have alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, select

from ledger import diagnose, segments
from ledger.checkpoints import Checkpoint, all_checkpoints, key_id, signed_bytes
from ledger.encoding import FORMAT, GENESIS, SEPARATOR
from ledger.engine import driver_batches, placeholder
from ledger.merkle import Frontier, leaf_hashes
from ledger.problems import Problem, ProblemKind, Report
from ledger.schema import ledger_head

# verify's hot path reads, instead of the 16 columns, the five it checks and the record text
# (ledger.encoding.record_text) formatted by the database in one call: a third of the Python
# objects to build per row, and no join or str() in the loop. Integers format as decimal text
# on both backends. (SQLite's `||` would copy the growing string at each of its 30 steps.)
_FIELDS = ", ".join(("position", "event_id", "stream", "version", "type", "schema_version",
                     "actor", "role", "occurred_at", "recorded_at", "coalesce(workflow_id, '')",
                     "coalesce(run_id, '')", "coalesce(causation_id, '')", "prev_hash",
                     "payload"))
_RECORD = {"?": f"printf('{FORMAT}{(SEPARATOR + '%s') * 15}', {_FIELDS})",
           "%s": f"concat_ws(chr(31), '{FORMAT}', {_FIELDS})"}
#: the rows verify reads (position order), by the backend's placeholder; bench/audit.py's floor
RECORDS = {mark: f"SELECT position, stream, version, prev_hash, hash, {record} FROM events "
                 f"WHERE position > {mark} ORDER BY position" for mark, record in _RECORD.items()}
# ledger.segments reads the record text as its UTF-8 bytes (the database encodes it), which
# saves a str built and encoded again per row: about a fifth of a range's time
_BYTES = {"?": f"CAST({_RECORD['?']} AS BLOB)", "%s": f"convert_to({_RECORD['%s']}, 'UTF8')"}
#: the rows of a range as bytes: after a position, and after it up to another (ledger.segments)
AFTER = {mark: f"SELECT position, stream, version, prev_hash, hash, {record} FROM events "
               f"WHERE position > {mark} ORDER BY position" for mark, record in _BYTES.items()}
BETWEEN = {mark: sql.replace(" ORDER", f" AND position <= {mark} ORDER")
           for mark, sql in AFTER.items()}
#: from this many events on, verify checks ranges of the log in parallel (ledger.segments)
#: first: below it, starting the worker processes costs more than they save
PARALLEL_FROM = 200_000


def _records(engine: Engine) -> Iterator[list[tuple[Any, ...]]]:
    """(position, stream, version, prev_hash, hash, record text), in position order."""
    return driver_batches(engine, RECORDS[placeholder(engine)], (0,), 20_000)


def _row(engine: Engine, position: int) -> diagnose.Row:
    """The whole row at ``position`` (in ``COLUMNS`` order), for the diagnosis."""
    return next(diagnose.rows(engine, position - 1))


def signature_problem(checkpoints: list[Checkpoint], public_key: Ed25519PublicKey
                       ) -> Problem | None:
    expected = key_id(public_key)
    for cp in checkpoints:
        try:
            if cp.key_id != expected:
                raise InvalidSignature
            public_key.verify(cp.signature, signed_bytes(cp.tree_size, cp.root_hash, cp.taken_at))
        except InvalidSignature:
            return Problem(kind=ProblemKind.CHECKPOINT, position=cp.tree_size,
                           detail=f"the checkpoint of {cp.tree_size} events does not carry a "
                           f"valid signature by key {expected[:16]}…")
    return None


def witness(checkpoints: list[Checkpoint], rebuilt: dict[int, bytes] | None = None
            ) -> tuple[bytes, Frontier]:
    """The event hashes stored with the checkpoints, and the Merkle tree of those proven
    authentic (their roots are the signed ones): its size is how far they reach. Into
    ``rebuilt``, given, the frontier of each proven checkpoint's tree, by its size."""
    proven, leaves = Frontier(), bytearray()
    for cp in checkpoints:
        if len(cp.leaves) != 32 * (cp.tree_size - proven.size):
            break
        grown = proven.copy()
        grown.extend(leaf_hashes(cp.leaves))
        if grown.root().hex() != cp.root_hash:
            break
        leaves += cp.leaves
        proven = grown
        if rebuilt is not None:
            rebuilt[cp.tree_size] = grown.to_bytes()
    return bytes(leaves), proven


def frontier_problem(checkpoints: list[Checkpoint], rebuilt: dict[int, bytes]
                     ) -> Problem | None:
    """The first checkpoint whose stored frontier is not the one rebuilt from the events (by
    tree size, :func:`verify`), as a problem of kind ``frontier``; None if every stored one
    is. A checkpoint from before migration 0010 has none to check."""
    for cp in checkpoints:
        if cp.frontier is not None and cp.frontier != rebuilt.get(cp.tree_size):
            return Problem(kind=ProblemKind.FRONTIER, position=cp.tree_size,
                           detail=f"the frontier stored with the checkpoint of {cp.tree_size} "
                           "events is not the right edge of their Merkle tree (the next "
                           "checkpoint would grow a tree that is not the log's)")
    return None


def verify(engine: Engine, public_key: Ed25519PublicKey | None = None,
           progress: Callable[[int], None] | None = None, *,
           parallel_from: int = PARALLEL_FROM, workers: int | None = None) -> Report:
    """Check every event, link and checkpoint (signatures too, given the public key);
    ``progress(n)`` is called as each batch of ``n`` events has been checked.

    A log of ``parallel_from`` events or more (in a database other processes can open) is
    first checked in ranges by ``workers`` processes (default: one per core); if that finds
    any anomaly, the sequential pass below runs and names the first problem (``progress``
    then counts the log a second time)."""
    checkpoints = all_checkpoints(engine)
    # the head is read before the log: an event appended while this reads (the engine runs
    # on) then lies past it and is checked like any other, and a log cut short of the head is
    # still caught; read after the log, it would count that event and call the log truncated
    with engine.connect() as conn:
        head = int(conn.execute(select(ledger_head.c.position)).scalar_one())
    versions: dict[str, int] = {}  # stream -> version, hash and position of its last event
    hashes: dict[str, str] = {}
    positions: dict[str, int] = {}

    def report(count: int, problem: Problem | None) -> Report:
        return Report(events=count, streams=len(versions), checkpoints=len(checkpoints),
                      signatures_checked=public_key is not None, problem=problem)

    if public_key is not None and (problem := signature_problem(checkpoints, public_key)):
        return report(0, problem)
    workers = workers or segments.default_workers()
    # each checkpoint's frontier as the events make it, by tree size: compared with the
    # stored ones once the log is found intact
    rebuilt: dict[int, bytes] = {}
    if head >= parallel_from and workers > 1 and segments.possible(engine):
        mark = placeholder(engine)
        intact = segments.parallel(engine, (AFTER[mark], BETWEEN[mark]), checkpoints,
                                   head=head, progress=progress, workers=workers,
                                   rebuilt=rebuilt)
        if intact is not None:
            return Report(events=intact[0], streams=intact[1], checkpoints=len(checkpoints),
                          signatures_checked=public_key is not None,
                          problem=frontier_problem(checkpoints, rebuilt))
        rebuilt.clear()
    # Up to ``proven``, each event's hash is compared with the one stored with a checkpoint,
    # whose signed root those stored hashes already reproduce: the tree need not be grown
    # again there. Past it, the tree grows on (from the proven part) up to the last checkpoint.
    signed_leaves, frontier = witness(checkpoints, rebuilt)
    proven = frontier.size
    pending = [cp for cp in checkpoints if cp.tree_size > proven]
    grown = pending[-1].tree_size if pending else 0
    expected, signed_from = 1, proven + 1
    sha256, fromhex = hashlib.sha256, bytes.fromhex
    for batch in _records(engine):
        for position, stream, version, prev_hash, stored, record in batch:
            # the hot loop: the record text comes formatted by the database (_RECORD)
            if position != expected:
                heads = {s: (v, hashes[s], positions[s]) for s, v in versions.items()}
                return report(expected - 1, diagnose.gap(engine, heads, expected, position))
            digest = sha256(record.encode()).digest()
            if digest != fromhex(stored):
                return report(expected - 1, diagnose.mismatch(engine, _row(engine, position)))
            if version != versions.get(stream, 0) + 1 or prev_hash != hashes.get(stream, GENESIS):
                last = (versions.get(stream, 0), hashes.get(stream, GENESIS),
                        positions.get(stream, 0))
                return report(expected - 1, diagnose.link(engine, _row(engine, position), last))
            if position <= proven and signed_leaves[32 * position - 32:32 * position] != digest:
                return report(expected - 1, diagnose.rewritten(_row(engine, position)))
            versions[stream], hashes[stream], positions[stream] = version, stored, position
            if proven < position <= grown:
                frontier.append(sha256(b"\x00" + digest).digest())
                if position == pending[0].tree_size:
                    cp = pending.pop(0)
                    if frontier.root().hex() != cp.root_hash:
                        return report(expected, Problem(
                            kind=ProblemKind.CHECKPOINT, position=signed_from,
                            detail=f"events {signed_from}–{cp.tree_size} are not those the "
                            f"checkpoint of {cp.tree_size} events signed (root "
                            f"{cp.root_hash[:16]}…, recomputed {frontier.root().hex()[:16]}…), "
                            "and the hashes stored with it were rewritten too"))
                    signed_from = cp.tree_size + 1
                    rebuilt[cp.tree_size] = frontier.to_bytes()
            expected += 1
        if progress is not None:
            progress(len(batch))
    count = expected - 1
    longest = max([head, *(cp.tree_size for cp in checkpoints)])
    if longest > count:
        return report(count, Problem(
            kind=ProblemKind.TRUNCATED, position=count + 1,
            detail=f"the ledger's head or a signed checkpoint counts {longest} events, but "
            f"the log ends at {count}"))
    return report(count, frontier_problem(checkpoints, rebuilt))


"""verify(): recompute every hash, link and checkpoint, and name the first problem precisely.

One pass walks the log in position order, checking each event's hash against its content and
its link to the previous event of its stream (``diagnose`` names the kind of tampering at the
first anomaly), while growing the Merkle tree of the log: at each checkpoint's size the root
must be the one signed. Every checkpoint's signature is checked first. A rewrite that
recomputed every hash of a chain passes the chain checks, but not the checkpoint: the event
hashes stored with the checkpoints (vouched for by the signed root) then name the exact event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, select

from ledger import diagnose
from ledger.checkpoints import Checkpoint, all_checkpoints, key_id, signed_bytes
from ledger.encoding import FORMAT, GENESIS, SEPARATOR
from ledger.engine import driver_batches, placeholder
from ledger.merkle import Frontier, leaf_hash
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


def witness(checkpoints: list[Checkpoint]) -> tuple[bytes, Frontier]:
    """The event hashes stored with the checkpoints, and the Merkle tree of those proven
    authentic (their roots are the signed ones): its size is how far they reach."""
    proven, leaves = Frontier(), bytearray()
    for cp in checkpoints:
        if len(cp.leaves) != 32 * (cp.tree_size - proven.size):
            break
        grown = proven.copy()
        for i in range(0, len(cp.leaves), 32):
            grown.append(leaf_hash(cp.leaves[i:i + 32]))
        if grown.root().hex() != cp.root_hash:
            break
        leaves += cp.leaves
        proven = grown
    return bytes(leaves), proven


def verify(engine: Engine, public_key: Ed25519PublicKey | None = None,
           progress: Callable[[int], None] | None = None) -> Report:
    """Check every event, link and checkpoint (signatures too, given the public key);
    ``progress(n)`` is called as each batch of ``n`` events has been checked."""
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
    # Up to ``proven``, each event's hash is compared with the one stored with a checkpoint,
    # whose signed root those stored hashes already reproduce: the tree need not be grown
    # again there. Past it, the tree grows on (from the proven part) up to the last checkpoint.
    signed_leaves, frontier = witness(checkpoints)
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
    return report(count, None)


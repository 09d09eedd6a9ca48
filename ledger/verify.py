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

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, select

from ledger import diagnose
from ledger.checkpoints import Checkpoint, all_checkpoints, key_id, signed_bytes
from ledger.encoding import FORMAT, GENESIS, SEPARATOR
from ledger.merkle import Frontier, leaf_hash
from ledger.problems import Problem, ProblemKind, Report
from ledger.schema import ledger_head

_FIRST = (0, GENESIS, 0)  # a stream before its first event


def _signature_problem(checkpoints: list[Checkpoint], public_key: Ed25519PublicKey
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


def _witness(checkpoints: list[Checkpoint]) -> tuple[bytes, int]:
    """The event hashes stored with the checkpoints, and how far they are proven authentic
    (their Merkle roots are the signed ones)."""
    frontier, witness, proven = Frontier(), bytearray(), 0
    for cp in checkpoints:
        if len(cp.leaves) != 32 * (cp.tree_size - frontier.size):
            break
        for i in range(0, len(cp.leaves), 32):
            frontier.append(leaf_hash(cp.leaves[i:i + 32]))
        if frontier.root().hex() != cp.root_hash:
            break
        witness += cp.leaves
        proven = cp.tree_size
    return bytes(witness), proven


def verify(engine: Engine, public_key: Ed25519PublicKey | None = None) -> Report:
    """Check every event, link and checkpoint (signatures too, given the public key)."""
    checkpoints = all_checkpoints(engine)
    heads: diagnose.Heads = {}

    def report(count: int, problem: Problem | None) -> Report:
        return Report(events=count, streams=len(heads), checkpoints=len(checkpoints),
                      signatures_checked=public_key is not None, problem=problem)

    if public_key is not None and (problem := _signature_problem(checkpoints, public_key)):
        return report(0, problem)
    witness, proven = _witness(checkpoints)
    pending = [cp for cp in checkpoints if cp.tree_size > 0]
    frontier, expected, signed_from = Frontier(), 1, 1
    sha256, join, fromhex = hashlib.sha256, SEPARATOR.join, bytes.fromhex
    for batch in diagnose.batches(engine):
        for row in batch:
            # the hot loop: inlined encoding (ledger.encoding.record_text) and leaf hashing
            position, stream, version = row[0], row[2], row[3]
            if position != expected:
                return report(expected - 1, diagnose.gap(engine, heads, expected, position))
            record = join((FORMAT, str(position), row[1], stream, str(version), row[4],
                           str(row[5]), row[6], row[7], row[8], row[9], row[10] or "",
                           row[11] or "", row[12] or "", row[13], row[15]))
            digest = sha256(record.encode()).digest()
            if digest != fromhex(row[14]):
                return report(expected - 1, diagnose.mismatch(engine, row))
            last = heads.get(stream, _FIRST)
            if version != last[0] + 1 or row[13] != last[1]:
                return report(expected - 1, diagnose.link(engine, row, last))
            if position <= proven and witness[32 * position - 32:32 * position] != digest:
                return report(expected - 1, diagnose.rewritten(row))
            heads[stream] = (version, row[14], position)
            frontier.append(sha256(b"\x00" + digest).digest())
            if pending and position == pending[0].tree_size:
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
    count = expected - 1
    with engine.connect() as conn:
        head = int(conn.execute(select(ledger_head.c.position)).scalar_one())
    longest = max([head, *(cp.tree_size for cp in checkpoints)])
    if longest > count:
        return report(count, Problem(
            kind=ProblemKind.TRUNCATED, position=count + 1,
            detail=f"the ledger's head or a signed checkpoint counts {longest} events, but "
            f"the log ends at {count}"))
    return report(count, None)

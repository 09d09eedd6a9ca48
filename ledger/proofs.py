"""Inclusion and consistency proofs over the ledger's log (RFC 9162 §2.1.3, §2.1.4).

An auditor holding a signed checkpoint checks, with ``ledger.merkle.verify_inclusion``, that an
event is in the log it signed, and, with ``verify_consistency``, that a later checkpoint's log
extends an earlier one's without rewriting it.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from ledger.merkle import consistency_proof, inclusion_proof, leaf_hash
from ledger.schema import events


def hashed_leaves(engine: Engine, tree_size: int) -> list[bytes]:
    """The Merkle leaves of the first ``tree_size`` events."""
    query = (select(events.c.hash).where(events.c.position <= tree_size)
             .order_by(events.c.position))
    with engine.connect() as conn:
        leaves = [leaf_hash(bytes.fromhex(h)) for h in conn.execute(query).scalars()]
    if len(leaves) != tree_size:
        raise ValueError(f"the log holds {len(leaves)} of the {tree_size} events asked for")
    return leaves


def prove_inclusion(engine: Engine, position: int, tree_size: int) -> list[bytes]:
    """The audit path of the event at ``position`` in the tree of ``tree_size`` events."""
    return inclusion_proof(hashed_leaves(engine, tree_size), position - 1)


def prove_consistency(engine: Engine, first: int, second: int) -> list[bytes]:
    """The proof that the tree of ``first`` events is a prefix of the tree of ``second``."""
    return consistency_proof(hashed_leaves(engine, second), first)

"""Which event hashes the signed checkpoints vouch for, proven one checkpoint at a time.

Each checkpoint stores the hashes of the events it added since the previous one (its
segment's ``leaves``) and the right edge of its tree (``frontier``, migration 0010). The
previous checkpoint's frontier is proven by reproducing that checkpoint's signed root; grown
over a segment's leaves, it must reproduce this checkpoint's signed root, which proves those
leaves — without the hashes of any segment before (``ledger.verify.witness`` grows the tree
from the first leaf). So asking about a stream near the end of a long log costs its own
segments, not the log. A segment whose previous checkpoint keeps no frontier (signed before
migration 0010), or whose proof fails, is proven as ``witness`` proves it, from the first leaf.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from ledger.checkpoints import Checkpoint, resumable
from ledger.merkle import Frontier, leaf_hashes
from ledger.verify import witness


def segment_leaves(checkpoints: list[Checkpoint], index: int) -> bytes | None:
    """The leaves stored with ``checkpoints[index]``, if the previous checkpoint's frontier
    grown over them reproduces its signed root; else None."""
    cp = checkpoints[index]
    tree = Frontier() if index == 0 else resumable(checkpoints[index - 1])
    if tree is None or len(cp.leaves) != 32 * (cp.tree_size - tree.size):
        return None
    stored = cp.leaves
    tree.extend(leaf_hashes(stored))
    return stored if tree.root().hex() == cp.root_hash else None


def vouched(checkpoints: list[Checkpoint], positions: Iterable[int]) -> dict[int, bytes]:
    """The signed hash of the event at each of ``positions`` that a checkpoint vouches for,
    by position; a position past the last checkpoint, or in a segment proven neither way, has
    none. ``checkpoints`` in order of size, their signatures checked by the caller."""
    sizes = [cp.tree_size for cp in checkpoints]
    by_segment: dict[int, list[int]] = {}
    for position in positions:
        index = bisect.bisect_left(sizes, position)
        if position >= 1 and index < len(sizes):
            by_segment.setdefault(index, []).append(position)
    found: dict[int, bytes] = {}
    prefix: tuple[bytes, int] | None = None  # witness's, grown once if a segment needs it
    for index, wanted in sorted(by_segment.items()):
        leaves = segment_leaves(checkpoints, index)
        if leaves is not None:
            start = sizes[index - 1] if index else 0
            found.update((p, leaves[32 * (p - start - 1):32 * (p - start)]) for p in wanted)
            continue
        if prefix is None:
            signed, proven = witness(checkpoints[:max(by_segment) + 1])
            prefix = signed, proven.size
        found.update((p, prefix[0][32 * p - 32:32 * p]) for p in wanted if p <= prefix[1])
    return found

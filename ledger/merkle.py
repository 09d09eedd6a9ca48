"""A Merkle tree over the global log, as RFC 6962 / RFC 9162 §2.1 define it.

Leaves are the events' hashes (32 bytes each, in position order). ``leaf_hash(d) =
SHA-256(0x00 || d)``, ``node_hash(l, r) = SHA-256(0x01 || l || r)``; the tree of n leaves splits
at the largest power of two below n. Inclusion and consistency proofs, and their verification,
follow RFC 9162 §2.1.3 and §2.1.4 step by step, so any RFC implementation can check them.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def leaf_hashes(joined: bytes) -> list[bytes]:
    """:func:`leaf_hash` of each 32-byte hash in ``joined`` (as a checkpoint's ``leaves`` holds
    them), in order: one comprehension, no call per leaf, for the loops over a whole log."""
    sha256 = hashlib.sha256
    return [sha256(b"\x00" + joined[i:i + 32]).digest() for i in range(0, len(joined), 32)]


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class Frontier:
    """The tree grown leaf by leaf, keeping only the roots of its perfect subtrees, so the
    root of every prefix is available in one pass (O(log n) memory)."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, hashed_leaf: bytes) -> None:
        node, size = hashed_leaf, self.size
        while size & 1:  # merge with the perfect subtrees it completes
            node = node_hash(self._stack.pop(), node)
            size >>= 1
        self._stack.append(node)
        self.size += 1

    def extend(self, hashed_leaves: Sequence[bytes]) -> None:
        """``append`` each leaf in turn, faster: the perfect subtrees the leaves fill are
        hashed level by level (:func:`subtrees`) and pushed whole."""
        for height, node in subtrees(hashed_leaves, self.size):
            self.push(node, height)

    def push(self, node: bytes, height: int) -> None:
        """Add the root of a perfect subtree of ``2**height`` leaves (the size a multiple)."""
        size = self.size >> height
        while size & 1:  # merge with the perfect subtrees it completes
            node = node_hash(self._stack.pop(), node)
            size >>= 1
        self._stack.append(node)
        self.size += 1 << height

    def copy(self) -> Frontier:
        twin = Frontier()
        twin.size, twin._stack = self.size, list(self._stack)
        return twin

    def subtrees(self) -> list[tuple[int, bytes]]:
        """The tree's right edge: (height, root) of each perfect subtree, the largest first —
        one per bit set in ``size``, ``2**height`` leaves each."""
        heights = [h for h in range(self.size.bit_length() - 1, -1, -1) if self.size >> h & 1]
        return list(zip(heights, self._stack, strict=True))

    def to_bytes(self) -> bytes:
        """:meth:`subtrees` as stored: per subtree, its height (one byte) and its root."""
        return b"".join(bytes([height]) + node for height, node in self.subtrees())

    @classmethod
    def from_bytes(cls, data: bytes) -> Frontier:
        """The tree whose right edge :meth:`to_bytes` gave; ``ValueError`` if ``data`` is no
        such edge (heights not strictly decreasing, or a root not 32 bytes)."""
        if len(data) % 33:
            raise ValueError(f"a frontier is 33 bytes per subtree, not {len(data)} bytes")
        tree, heights = cls(), [data[i] for i in range(0, len(data), 33)]
        if any(a <= b for a, b in itertools.pairwise(heights)):
            raise ValueError(f"a frontier's subtrees shrink from left to right, not {heights}")
        tree.size = sum(1 << h for h in heights)
        tree._stack = [data[i + 1:i + 33] for i in range(0, len(data), 33)]
        return tree

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def subtrees(hashed_leaves: Sequence[bytes], offset: int) -> list[tuple[int, bytes]]:
    """(height, root) of the perfect subtrees that ``hashed_leaves`` fill in a tree where they
    begin at leaf ``offset``, in order: each the largest that fits and starts at a multiple of
    its size, as :meth:`Frontier.push` takes them (a worker of ``ledger.segments`` hashes its
    range's, the parent pushes them in order). One comprehension per level."""
    found, done, count, sha256 = [], 0, len(hashed_leaves), hashlib.sha256
    while done < count:
        height = (count - done).bit_length() - 1  # the largest subtree that fits …
        if offset + done:  # … and that starts where the tree ends
            height = min(height, ((offset + done) & -(offset + done)).bit_length() - 1)
        level = list(hashed_leaves[done:done + (1 << height)])
        while len(level) > 1:  # node_hash, inlined
            level = [sha256(b"\x01" + level[i] + level[i + 1]).digest()
                     for i in range(0, len(level), 2)]
        found.append((height, level[0]))
        done += 1 << height
    return found


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over already hashed leaves."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) (RFC 9162 §2.1.3.1) for hashed leaves."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(leaves[:k], index), root(leaves[k:])]
    return [*inclusion_proof(leaves[k:], index - k), root(leaves[:k])]


def verify_inclusion(hashed_leaf: bytes, index: int, size: int, proof: Sequence[bytes],
                     expected_root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, hashed_leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root


def consistency_proof(leaves: Sequence[bytes], first: int) -> list[bytes]:
    """PROOF(m, D[n]) (RFC 9162 §2.1.4.1): the tree of ``first`` leaves is a prefix of this."""
    if not 0 < first <= len(leaves):
        raise ValueError(f"no consistency proof from {first} to {len(leaves)} leaves")
    return _subproof(first, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if not 0 < first < second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0

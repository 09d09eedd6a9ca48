"""Merkle trees (RFC 9162) over many stored leaves, fast: the proofs ``audit export`` writes
(:class:`ProofTree`) and the signed roots ``audit verify-bundle`` rebuilds (:func:`roots`,
:func:`roots_later`). ``ledger.merkle``'s recursive forms are their reference in the tests.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

from ledger.merkle import node_hash

_PARALLEL = 1 << 16  # leaves from which the roots are rebuilt by another process


class ProofTree:
    """RFC 9162 proofs over many hashed leaves, each subtree's root computed once: the roots
    of large subtrees are kept, so every proof costs O(log n) once they are known
    (``ledger.merkle``'s recursive form, its reference in the tests, recomputes O(n) hashes
    per proof)."""

    _KEEP = 256  # subtrees at least this large keep their root

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves, self._roots = leaves, dict[tuple[int, int], bytes]()

    def root(self, lo: int, hi: int) -> bytes:
        size = hi - lo
        if size == 1:
            return self.leaves[lo]
        if (known := self._roots.get((lo, hi))) is not None:
            return known
        if size <= self._KEEP and size & (size - 1) == 0:  # small and perfect: level by level
            level, sha256 = list(self.leaves[lo:hi]), hashlib.sha256
            while len(level) > 1:
                level = [sha256(b"\x01" + level[i] + level[i + 1]).digest()
                         for i in range(0, len(level), 2)]
            return level[0]
        k = 1 << ((size - 1).bit_length() - 1)
        value = node_hash(self.root(lo, lo + k), self.root(lo + k, hi))
        if size >= self._KEEP:
            self._roots[lo, hi] = value
        return value

    def inclusion(self, index: int, size: int, lo: int = 0) -> list[bytes]:
        """PATH(index, D[lo:lo+size]) (RFC 9162 §2.1.3.1); ``index`` relative to ``lo``."""
        if size <= 1:
            return []
        k = 1 << ((size - 1).bit_length() - 1)
        if index < k:
            return [*self.inclusion(index, k, lo), self.root(lo + k, lo + size)]
        return [*self.inclusion(index - k, size - k, lo + k), self.root(lo, lo + k)]

    def consistency(self, first: int, size: int, lo: int = 0, complete: bool = True
                    ) -> list[bytes]:
        """SUBPROOF(first, D[lo:lo+size], complete) (RFC 9162 §2.1.4.1)."""
        if first == size:
            return [] if complete else [self.root(lo, lo + size)]
        k = 1 << ((size - 1).bit_length() - 1)
        if first <= k:
            return [*self.consistency(first, k, lo, complete), self.root(lo + k, lo + size)]
        return [*self.consistency(first - k, size - k, lo + k, False), self.root(lo, lo + k)]


def _small_sha256() -> Callable[[bytes], Any]:
    """SHA-256 for the tree's one-block inputs: CPython's own (no OpenSSL context to set up,
    twice as fast there, and no OpenSSL lock in a forked process), else hashlib's."""
    try:
        return importlib.import_module("_sha256").sha256  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        return hashlib.sha256


def roots(witness: bytes, sizes: list[int]) -> list[str]:
    """The Merkle root (hex) of the first ``n`` leaves of ``witness``, for each ``n`` of
    ``sizes`` (ascending). The leaves are hashed a block at a time, level by level; the perfect
    subtrees left of the block are kept on a stack, as ``ledger.merkle.Frontier`` keeps them.
    A root is then the fold, right to left, of the perfect subtrees of its size's binary
    decomposition (RFC 9162's tree)."""
    leaf, node, block = _small_sha256(), hashlib.sha256, 1 << 12
    found: list[str] = []
    stack: list[tuple[int, bytes]] = []  # (size, root) of perfect subtrees, left to right
    done, wanted = 0, iter(sizes)
    size = next(wanted, None)
    while size is not None:
        stored = witness[32 * done:32 * (done + block)]
        levels = [[leaf(b"\x00" + stored[i:i + 32]).digest() for i in range(0, len(stored), 32)]]
        while len(levels[-1]) > 1:
            below = levels[-1]
            levels.append([node(b"\x01" + below[i] + below[i + 1]).digest()
                           for i in range(0, len(below) - 1, 2)])
        while size is not None and size <= done + len(levels[0]):
            parts, offset, rest = [root for _, root in stack], 0, size - done
            for k in range(rest.bit_length() - 1, -1, -1):
                if rest >> k & 1:
                    parts.append(levels[k][offset >> k])
                    offset += 1 << k
            folded = parts.pop()
            while parts:
                folded = node(b"\x01" + parts.pop() + folded).digest()
            found.append(folded.hex())
            size = next(wanted, None)
        if len(levels[0]) < block:
            break
        grown, top = block, levels[-1][0]
        while stack and stack[-1][0] == grown:
            top, grown = node(b"\x01" + stack.pop()[1] + top).digest(), 2 * grown
        stack.append((grown, top))
        done += block
    return found


def _send_roots(pipe: Connection, witness: bytes, sizes: list[int]) -> None:
    pipe.send(roots(witness, sizes))


def roots_later(witness: bytes, sizes: list[int]) -> Callable[[], list[str]]:
    """:func:`roots`, computed by a forked process while the walk runs when there are many
    leaves: rebuilding the tree costs two SHA-256 per event, which would hold the GIL as long
    as the walk itself. Elsewhere, or if the process fails, they are computed here."""
    if len(witness) < 32 * _PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        known = roots(witness, sizes)
        return lambda: known
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_send_roots, args=(send, witness, sizes), daemon=True)
    child.start()
    send.close()

    def result() -> list[str]:
        try:
            computed: list[str] = receive.recv()
        except EOFError:  # the process died: compute them here
            computed = roots(witness, sizes)
        receive.close()
        child.join()
        return computed
    return result

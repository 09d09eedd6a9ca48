"""The Merkle tree agrees with RFC 6962's published test vectors, and its proofs verify."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# the eight leaves and tree heads of the Certificate Transparency reference test vectors
VECTOR_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243",
                                           "5051525354555657",
                                           "606162636465666768696a6b6c6d6e6f")]
VECTOR_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_roots_match_the_rfc6962_reference_vectors() -> None:
    """The tree head of every prefix of the reference leaves is the published one."""
    hashed = [leaf_hash(d) for d in VECTOR_LEAVES]
    assert root([]) == EMPTY_ROOT
    assert [root(hashed[:n]).hex() for n in range(1, 9)] == VECTOR_ROOTS


def _leaves(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=70), st.data())
def test_inclusion_proofs_verify_and_catch_a_wrong_leaf(n: int, data: st.DataObject) -> None:
    """Every leaf's proof verifies against the root; a different leaf or index does not."""
    leaves = _leaves(n)
    head = root(leaves)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = inclusion_proof(leaves, index)
    assert verify_inclusion(leaves[index], index, n, proof, head)
    assert not verify_inclusion(leaf_hash(b"forged"), index, n, proof, head)
    if n > 1:
        assert not verify_inclusion(leaves[index], (index + 1) % n, n, proof, head)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=70), st.data())
def test_consistency_proofs_verify_and_catch_a_rewritten_prefix(n: int, data: st.DataObject
                                                                ) -> None:
    """The tree of m leaves is proven a prefix of the tree of n; a changed prefix is not."""
    leaves = _leaves(n)
    m = data.draw(st.integers(min_value=1, max_value=n))
    proof = consistency_proof(leaves, m)
    assert verify_consistency(m, n, root(leaves[:m]), root(leaves), proof)
    rewritten = [leaf_hash(b"forged"), *leaves[1:]]
    assert not verify_consistency(m, n, root(rewritten[:m]), root(leaves), proof)
    if m < n:
        assert not verify_consistency(m, n, root(leaves[:m]), root(rewritten), proof)


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1's recursive definition, written out independently of the module."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def test_the_frontier_gives_the_root_of_every_prefix() -> None:
    """Grown one leaf at a time, the frontier's root is the recursive tree head of the prefix."""
    leaves, frontier = _leaves(40), Frontier()
    for n, leaf in enumerate(leaves, start=1):
        frontier.append(leaf)
        assert frontier.root() == _mth(leaves[:n])
        assert frontier.size == n


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=70), max_size=6))
def test_extending_the_frontier_by_runs_of_leaves_equals_appending_each(runs: list[int]) -> None:
    """Frontier.extend (whole perfect subtrees at once) leaves the frontier exactly as
    appending leaf by leaf would, whatever the runs' lengths and where they start."""
    leaves = _leaves(sum(runs))
    one_by_one, by_runs, done = Frontier(), Frontier(), 0
    for run in runs:
        for leaf in leaves[done:done + run]:
            one_by_one.append(leaf)
        by_runs.extend(leaves[done:done + run])
        done += run
        assert (by_runs.size, by_runs.root()) == (one_by_one.size, one_by_one.root())
        assert by_runs.root() == (_mth(leaves[:done]) if done else EMPTY_ROOT)

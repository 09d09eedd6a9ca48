"""A checkpoint's segment of leaves proven from the previous checkpoint's frontier: the same
signed hashes as the tree grown from the first leaf, without reading the segments before."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from ledger import Ledger
from ledger.checkpoints import Checkpoint, all_checkpoints, take_checkpoint
from ledger.verify import witness
from ledger.vouching import segment_leaves, vouched
from tests.ledger.conftest import append_stream, execute


def _from_the_first_leaf(checkpoints: list[Checkpoint], positions: range) -> dict[int, bytes]:
    """What ``witness`` vouches for at ``positions``: the reference."""
    signed, proven = witness(checkpoints)
    return {p: signed[32 * p - 32:32 * p] for p in positions if 1 <= p <= proven.size}


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.tuples(st.lists(st.integers(1, 150), min_size=1, max_size=5),
                      st.integers(0, 20), st.sets(st.integers(0, 4))))
def test_vouched_is_what_the_tree_from_the_first_leaf_vouches_for(
        ledger: Ledger, engine: Engine, key: Ed25519PrivateKey,
        shape: tuple[list[int], int, set[int]]) -> None:
    """Checkpoints after random runs of appends, some without a frontier (signed before
    migration 0010), events after the last: every position gets the same signed hash as
    ``witness`` gives (or none past the last checkpoint)."""
    segments, tail, without = shape
    for count in segments:
        append_stream(ledger, count)
        take_checkpoint(engine, key)
    append_stream(ledger, tail)
    checkpoints = all_checkpoints(engine)
    for index in without:
        if index < len(checkpoints):
            execute(engine, "UPDATE checkpoints SET frontier = NULL WHERE tree_size = :n",
                    n=checkpoints[index].tree_size)
    checkpoints = all_checkpoints(engine)
    everywhere = range(0, ledger.head() + 2)
    assert vouched(checkpoints, everywhere) == _from_the_first_leaf(checkpoints, everywhere)
    last = checkpoints[-1].tree_size
    assert set(vouched(checkpoints, everywhere)) == set(range(1, last + 1))


def test_a_late_segment_is_proven_without_the_leaves_before_it(
        ledger: Ledger, engine: Engine, key: Ed25519PrivateKey) -> None:
    """The first checkpoint's stored leaves destroyed: the tree from the first leaf proves
    nothing after them, but the third segment is proven from the second checkpoint's frontier
    alone — and a leaf of its own changed, or that frontier, is proven no more."""
    for count in (40, 30, 20):
        append_stream(ledger, count)
        take_checkpoint(engine, key)
    execute(engine, "UPDATE checkpoints SET leaves = :l WHERE tree_size = 40", l=bytes(32 * 40))
    checkpoints = all_checkpoints(engine)
    late = range(71, 91)
    assert _from_the_first_leaf(checkpoints, late) == {}
    signed = vouched(checkpoints, late)
    assert sorted(signed) == list(late)
    assert b"".join(signed[p] for p in late) == checkpoints[2].leaves
    assert vouched(checkpoints, range(1, 41)) == {}  # the destroyed segment, unproven

    forged = bytearray(checkpoints[2].leaves)
    forged[0] ^= 1
    execute(engine, "UPDATE checkpoints SET leaves = :l WHERE tree_size = 90", l=bytes(forged))
    assert segment_leaves(all_checkpoints(engine), 2) is None
    assert vouched(all_checkpoints(engine), late) == {}
    execute(engine, "UPDATE checkpoints SET leaves = :l WHERE tree_size = 90",
            l=checkpoints[2].leaves)
    assert checkpoints[1].frontier is not None
    frontier = bytearray(checkpoints[1].frontier)
    frontier[-1] ^= 1
    execute(engine, "UPDATE checkpoints SET frontier = :f WHERE tree_size = 70",
            f=bytes(frontier))
    assert segment_leaves(all_checkpoints(engine), 2) is None
    assert vouched(all_checkpoints(engine), late) == {}  # and the first leaves are gone

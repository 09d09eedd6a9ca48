"""Signed checkpoints: an Ed25519 signature over the Merkle root of the first N events.

The signing key lives outside the database it vouches for (a PEM file under the data directory
by default). A checkpoint row keeps the root, the signature, and the hashes of the events it
added since the previous checkpoint (``leaves``): the signature vouches for them through the
root, so verify can say exactly which event a rewritten chain changed.

It also keeps the tree's right edge (``frontier``, :meth:`ledger.merkle.Frontier.to_bytes`:
O(log n) subtree roots), so that the next checkpoint grows the tree from there, reading only
the events after it: a year's close costs the same in a ledger of a thousand events or of a
million. The frontier is derived, never trusted: it is used only where it reproduces the
signed root (a row without one, from before migration 0010, is grown from the first event
once), and verify rebuilds it from the events and names one that differs.

Signed bytes (format 1), UTF-8, each line ending in LF::

    intersessional-ledger-checkpoint/1
    <tree_size>
    <root_hash, 64 lower-case hex>
    <taken_at, YYYY-MM-DDTHH:MM:SS.ffffffZ>
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from ledger.encoding import canonical_time
from ledger.engine import driver_batches, placeholder
from ledger.merkle import Frontier, leaf_hashes
from ledger.schema import checkpoints, ledger_head

FORMAT = "intersessional-ledger-checkpoint/1"
#: events read per batch while the tree grows
_BATCH = 20_000


class Checkpoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    tree_size: int
    root_hash: str
    taken_at: str
    key_id: str
    signature: bytes
    leaves: bytes
    frontier: bytes | None = None


def signed_bytes(tree_size: int, root_hash: str, taken_at: str) -> bytes:
    return f"{FORMAT}\n{tree_size}\n{root_hash}\n{taken_at}\n".encode()


def key_id(public: Ed25519PublicKey) -> str:
    """SHA-256 (hex) of the raw 32-byte public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The signing key at ``path`` (PKCS#8 PEM), created with owner-only permissions if absent;
    its public key is written beside it (``<path>.pub``) for auditors."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process (the worker, the API) made it a moment ago: use theirs
        else:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
            public_key_path(path).write_bytes(public_pem(key.public_key()))
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} holds a key that is not Ed25519; checkpoints are signed "
                         "with Ed25519")
    return loaded


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key_path(key: Path) -> Path:
    """Where the public key of the signing key at ``key`` is written (``<key>.pub``)."""
    return key.with_name(key.name + ".pub")


def checkpoint_public_key(key: Path) -> Ed25519PublicKey | None:
    """The public key of the checkpoints signed with the key at ``key``: from ``<key>.pub``
    (all an auditor needs), else from the key itself; None if neither exists."""
    for path in (public_key_path(key), key):
        if path.exists():
            return load_public_key(path)
    return None


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a public PEM, or from the private key file itself."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return load_or_create_key(path).public_key()
    loaded = serialization.load_pem_public_key(data)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError(f"{path} holds a key that is not Ed25519")
    return loaded


def take_checkpoint(engine: Engine, key: Ed25519PrivateKey,
                    clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Checkpoint:
    """Sign the root of the whole log as it stands; taking it twice at one size returns the
    first. The tree grows from the latest checkpoint's frontier, over the events after it
    alone. Positions up to the head are final (appends only add after it), so no lock is
    needed while the leaves are read."""
    with engine.connect() as conn:
        # the latest checkpoint before the head: any taken later counts no more than the head
        latest = conn.execute(select(checkpoints).order_by(checkpoints.c.tree_size.desc())
                              .limit(1)).first()
        size = int(conn.execute(select(ledger_head.c.position)).scalar_one())
    previous = Checkpoint.model_validate(latest._asdict()) if latest else None
    if previous is not None and previous.tree_size == size:
        return previous
    frontier = resumable(previous) or Frontier()
    added = grow(engine, frontier, size, previous.tree_size if previous else 0)
    root_hash, taken_at = frontier.root().hex(), canonical_time(clock())
    row = Checkpoint(tree_size=size, root_hash=root_hash, taken_at=taken_at,
                     key_id=key_id(key.public_key()),
                     signature=key.sign(signed_bytes(size, root_hash, taken_at)),
                     leaves=added, frontier=frontier.to_bytes())
    try:
        # Deliberately not queued with the appends on the writer lock (``writing``): a year's
        # answer waits on its appends, not on its checkpoint, and 50 closes' checkpoints queued
        # there took a commit's turn each ahead of them (bench probe: the closes' appends p50
        # ~40 ms queued, ~31 ms so). Beside the queue, a checkpoint that meets the group's
        # commit waits in SQLite's busy handler instead (up to ~0.5 s at 50 closes).
        with engine.begin() as conn:
            conn.execute(insert(checkpoints).values(**row.model_dump()))
    except IntegrityError:  # another taker signed this size first
        taken = _checkpoint_at(engine, size)
        if taken is None:
            raise
        return taken
    return row


def resumable(checkpoint: Checkpoint | None) -> Frontier | None:
    """The tree of ``checkpoint``'s events as its stored frontier gives it, if that frontier
    is of its size and reproduces its signed root; else None (grow it from the first event).
    Equal roots over the same subtree heights mean equal subtrees (SHA-256), so a frontier
    that passes is the one the events make."""
    if checkpoint is None or checkpoint.frontier is None:
        return None
    try:
        tree = Frontier.from_bytes(checkpoint.frontier)
    except ValueError:
        return None
    if tree.size != checkpoint.tree_size or tree.root().hex() != checkpoint.root_hash:
        return None
    return tree


def grow(engine: Engine, frontier: Frontier, size: int, previous: int) -> bytes:
    """Grow ``frontier`` with the leaves of the events after it, up to position ``size``;
    the hashes of those after position ``previous`` (the leaves a checkpoint adds)."""
    added = bytearray()
    sql = (f"SELECT position, hash FROM events WHERE position > {placeholder(engine)} "
           f"AND position <= {placeholder(engine)} ORDER BY position")
    fromhex = bytes.fromhex
    for batch in driver_batches(engine, sql, (frontier.size, size), _BATCH):
        first = frontier.size + 1
        if (batch[0][0], batch[-1][0]) != (first, first + len(batch) - 1):
            raise ValueError(f"the log has no event at position {first} or after it where "
                             "its head counts one: no checkpoint is signed over a gap "
                             "(`audit verify` names the problem)")
        joined = b"".join([fromhex(digest) for _, digest in batch])
        frontier.extend(leaf_hashes(joined))
        added += joined[32 * max(0, previous - first + 1):]
    if frontier.size != size:
        raise ValueError(f"the log ends at position {frontier.size}, but its head counts "
                         f"{size} events: no checkpoint is signed over a gap (`audit verify` "
                         "names the problem)")
    return bytes(added)


def _checkpoint_at(engine: Engine, size: int) -> Checkpoint | None:
    with engine.connect() as conn:
        found = conn.execute(select(checkpoints).where(checkpoints.c.tree_size == size)).first()
    return Checkpoint.model_validate(found._asdict()) if found else None


def latest_root(engine: Engine) -> dict[str, object] | None:
    """The latest checkpoint's tree size, root, key id and time, without its leaves."""
    columns = (checkpoints.c.tree_size, checkpoints.c.root_hash, checkpoints.c.key_id,
               checkpoints.c.taken_at)
    with engine.connect() as conn:
        found = conn.execute(select(*columns).order_by(checkpoints.c.tree_size.desc())
                             .limit(1)).first()
    return dict(found._mapping) if found else None


def all_checkpoints(engine: Engine) -> list[Checkpoint]:
    with engine.connect() as conn:
        rows = conn.execute(select(checkpoints).order_by(checkpoints.c.tree_size)).all()
    return [Checkpoint.model_validate(r._asdict()) for r in rows]

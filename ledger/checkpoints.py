"""Signed checkpoints: an Ed25519 signature over the Merkle root of the first N events.

The signing key lives outside the database it vouches for (a PEM file under the data directory
by default). A checkpoint row keeps the root, the signature, and the hashes of the events it
added since the previous checkpoint (``leaves``): the signature vouches for them through the
root, so verify can say exactly which event a rewritten chain changed.

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
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from ledger.encoding import canonical_time
from ledger.merkle import Frontier, leaf_hash
from ledger.schema import checkpoints, events, ledger_head

FORMAT = "intersessional-ledger-checkpoint/1"


class Checkpoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    tree_size: int
    root_hash: str
    taken_at: str
    key_id: str
    signature: bytes
    leaves: bytes


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
    first. Positions up to the head are final (appends only add after it), so no lock is
    needed while the leaves are read."""
    with engine.connect() as conn:
        size = int(conn.execute(select(ledger_head.c.position)).scalar_one())
        previous = conn.execute(select(func.max(checkpoints.c.tree_size))).scalar() or 0
        existing = _checkpoint_at(engine, size)
        if existing is not None:
            return existing
        frontier, added = Frontier(), bytearray()
        for position, digest in conn.execute(select(events.c.position, events.c.hash)
                                             .where(events.c.position <= size)
                                             .order_by(events.c.position)):
            raw = bytes.fromhex(digest)
            frontier.append(leaf_hash(raw))
            if position > previous:
                added += raw
    root_hash, taken_at = frontier.root().hex(), canonical_time(clock())
    row = Checkpoint(tree_size=size, root_hash=root_hash, taken_at=taken_at,
                     key_id=key_id(key.public_key()),
                     signature=key.sign(signed_bytes(size, root_hash, taken_at)),
                     leaves=bytes(added))
    try:
        with engine.begin() as conn:
            conn.execute(insert(checkpoints).values(**row.model_dump()))
    except IntegrityError:  # another taker signed this size first
        taken = _checkpoint_at(engine, size)
        if taken is None:
            raise
        return taken
    return row


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

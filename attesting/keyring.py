"""The keyring: every public key the deployment has signed with, for auditors and verifiers.

It is a JSON file beside the signing key (``<key>.keyring.json``), holding public keys only:
safe to publish, and put in every audit bundle. The signing key in use is always on it (added
the first time it is loaded). Rotating (``intersessional keys rotate``) makes a new signing
key and marks the old one retired — its attestations still verify; revoking (``keys revoke``)
marks a key compromised from a moment on — what it signed from then on is refused, and the
audit names it. Entries are never removed.
"""

from __future__ import annotations

import base64
import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict

from contracts.trust import Trust, key_id_of
from ledger.checkpoints import load_or_create_key
from ledger.encoding import canonical_time

FORMAT: Final = "intersessional-keyring/1"


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


class KeyEntry(BaseModel):
    """One public key: its id, its 32 raw bytes (base64), when it was added, retired (no
    longer signs) and revoked (believed no more from that moment), and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_id: str
    public_key: str
    added_at: str
    retired_at: str | None = None
    revoked_at: str | None = None
    reason: str = ""

    @property
    def raw(self) -> bytes:
        return base64.b64decode(self.public_key)


class Keyring(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["intersessional-keyring/1"] = FORMAT
    keys: tuple[KeyEntry, ...] = ()

    def entry(self, key_id: str) -> KeyEntry | None:
        return next((k for k in self.keys if k.key_id == key_id), None)

    def with_key(self, raw: bytes, now: datetime) -> Keyring:
        if self.entry(key_id_of(raw)) is not None:
            return self
        entry = KeyEntry(key_id=key_id_of(raw), public_key=base64.b64encode(raw).decode(),
                         added_at=canonical_time(now))
        return self.model_copy(update={"keys": (*self.keys, entry)})


def keyring_path(signing_key: Path) -> Path:
    """Where the keyring of the signing key at ``signing_key`` is kept."""
    return signing_key.with_name(signing_key.name + ".keyring.json")


def read_keyring(path: Path) -> Keyring:
    """The keyring at ``path`` (an empty one if there is no file)."""
    if not path.is_file():
        return Keyring()
    return Keyring.model_validate_json(path.read_bytes())


def write_keyring(path: Path, keyring: Keyring) -> None:
    """Replace the keyring at ``path`` atomically (a reader sees the old or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.partial")
    partial.write_text(keyring.model_dump_json(indent=2) + "\n")
    os.replace(partial, path)


def published_keyring(signing_key: Path) -> Keyring | None:
    """The keyring of the signing key at ``signing_key`` as published, without making a key
    (``None`` where there is none: attestations cannot be checked)."""
    path = keyring_path(signing_key)
    return read_keyring(path) if path.is_file() else None


def load_keyring(signing_key: Path) -> tuple[Ed25519PrivateKey, Keyring]:
    """The signing key (made if absent) and the keyring, which holds it from now on."""
    key = load_or_create_key(signing_key)
    path = keyring_path(signing_key)
    keyring = read_keyring(path)
    held = keyring.with_key(raw_public(key), datetime.now(UTC))
    if held is not keyring:
        # a read-only secret (docker-compose): `db keygen` made the keyring beside it
        with contextlib.suppress(OSError):
            write_keyring(path, held)
    return key, held


def trust_of(keyring: Keyring, trust: Trust | None = None) -> Trust:
    """``trust`` (a new one by default) holding every key of ``keyring``."""
    trust = trust if trust is not None else Trust()
    for entry in keyring.keys:
        trust.add(entry.raw, entry.revoked_at, entry.retired_at)
    return trust

"""Rotating and revoking the attestation key, on the keyring (``docs/SECURITY.md``).

Rotating makes a new key where the old one was, and marks the old one retired on the keyring:
what it signed before still verifies; nothing it signs afterwards does. The old private key is
destroyed, never archived — a retired key has nothing left to sign. Revoking marks a key
compromised from a moment on: a step it attests is refused from then, and the audit names every
event recorded under it since. Neither removes an entry: the keyring only grows.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from attesting.keyring import (
    KeyEntry,
    Keyring,
    keyring_path,
    load_keyring,
    raw_public,
    read_keyring,
    write_keyring,
)
from contracts.trust import key_id_of
from ledger.encoding import canonical_time


class KeyringRefusal(ValueError):  # noqa: N818 - a refusal, as RuleViolation is
    """One sentence: why the keyring was not changed."""


def _mark(keyring: Keyring, key_id: str, **marks: str) -> Keyring:
    keys = tuple(entry.model_copy(update=marks) if entry.key_id == key_id else entry
                 for entry in keyring.keys)
    return keyring.model_copy(update={"keys": keys})


def rotate(attestation_key: Path, now: datetime | None = None) -> tuple[KeyEntry, KeyEntry]:
    """Replace the key at ``attestation_key`` by a new one; (the retired entry, the new)."""
    moment = canonical_time(now or datetime.now(UTC))
    old, keyring = load_keyring(attestation_key)
    old_id = key_id_of(raw_public(old))
    partial = attestation_key.with_name(attestation_key.name + ".old")
    os.replace(attestation_key, partial)  # the new key is made where the old one was
    try:
        new, _ = load_keyring(attestation_key)
    except BaseException:
        os.replace(partial, attestation_key)
        raise
    partial.unlink()
    held = _mark(keyring, old_id, retired_at=moment).with_key(raw_public(new),
                                                              now or datetime.now(UTC))
    write_keyring(keyring_path(attestation_key), held)
    retired, made = held.entry(old_id), held.entry(key_id_of(raw_public(new)))
    assert retired is not None
    assert made is not None
    return retired, made


def revoke(attestation_key: Path, key_id: str, reason: str,
           now: datetime | None = None) -> KeyEntry:
    """Mark the key ``key_id`` (or the one key it is the start of) revoked from now."""
    path = keyring_path(attestation_key)
    keyring = read_keyring(path)
    found = [k for k in keyring.keys if k.key_id.startswith(key_id.lower())] if key_id else []
    if len(found) != 1:
        raise KeyringRefusal(f"{'no' if not found else 'more than one'} key on {path} has an "
                             f"id starting {key_id!r}; `intersessional keys list` lists them.")
    (entry,) = found
    if entry.revoked_at is not None:
        raise KeyringRefusal(f"key {entry.key_id[:16]}… was revoked already, at "
                             f"{entry.revoked_at}.")
    if not reason.strip():
        raise KeyringRefusal("a revocation needs a reason in words, for the auditors.")
    held = _mark(keyring, entry.key_id, revoked_at=canonical_time(now or datetime.now(UTC)),
                 reason=reason.strip())
    write_keyring(path, held)
    revoked = held.entry(entry.key_id)
    assert revoked is not None
    return revoked

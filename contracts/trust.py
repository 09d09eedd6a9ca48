"""The keys a deployment's attestations are signed with, and the check of a signature (AT-1).

A :class:`Trust` maps key ids (SHA-256 of the raw Ed25519 public key) to public keys, each
perhaps revoked from a moment on. :data:`TRUSTED` is this process's: the worker fills it from
the deployment's keyring as its activities are bound (``attesting.keyring``), and the update
validators of ``workflows.core`` read it. Validators never run on replay, so what a later
keyring says never changes a history.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.attestation import Attestation
from domain.errors import RuleViolation


def key_id_of(raw_public_key: bytes) -> str:
    """The id of a public key: SHA-256 (hex) of its 32 raw bytes."""
    return hashlib.sha256(raw_public_key).hexdigest()


class Trust:
    """Public keys by id, with the moment (canonical UTC text) each was revoked, if it was."""

    def __init__(self) -> None:
        self._keys: dict[str, Ed25519PublicKey] = {}
        self._revoked: dict[str, str] = {}
        self._retired: dict[str, str] = {}

    def add(self, raw_public_key: bytes, revoked_at: str | None = None,
            retired_at: str | None = None) -> str:
        """Trust the key (a revocation or retirement, once known, is kept); its id."""
        key_id = key_id_of(raw_public_key)
        self._keys[key_id] = Ed25519PublicKey.from_public_bytes(raw_public_key)
        for moment, kept in ((revoked_at, self._revoked), (retired_at, self._retired)):
            if moment is not None:
                kept[key_id] = min(moment, kept.get(key_id, moment))
        return key_id

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def problem(self, attestation: Attestation, *, signed_by: str | None = None) -> str | None:
        """Why ``attestation``'s signature cannot be believed, in one clause, or ``None``.
        ``signed_by`` is the latest moment it can have been signed (for an audit, when its
        event was recorded: a signer could claim an earlier issue); a key revoked at or before
        it vouches for nothing, nor does a key retired before the attestation's issue."""
        key = self._keys.get(attestation.key_id)
        if key is None:
            return f"it is signed by key {attestation.key_id[:16]}…, which the deployment " \
                   "does not publish"
        revoked = self._revoked.get(attestation.key_id)
        moment = signed_by if signed_by is not None else attestation.statement.issued_at
        if revoked is not None and revoked <= moment:
            return f"it is signed by key {attestation.key_id[:16]}…, revoked at {revoked}"
        retired = self._retired.get(attestation.key_id)
        if retired is not None and retired < attestation.statement.issued_at:
            return f"it is signed by key {attestation.key_id[:16]}…, retired at {retired}"
        try:
            signature = base64.b64decode(attestation.signature, validate=True)
            key.verify(signature, attestation.statement.signed_bytes())
        except (InvalidSignature, binascii.Error, ValueError):
            return "its signature does not verify: it was altered or forged"
        return None

    def verify(self, attestation: Attestation) -> None:
        """Refuse (AT-1) an attestation whose signature cannot be believed now."""
        if (problem := self.problem(attestation, signed_by="9999")) is not None:
            raise RuleViolation("AT-1", "the attestation of {step} on {stream} cannot be "
                                        "believed: {problem}.",
                                        step=attestation.statement.step,
                                        stream=attestation.statement.stream, problem=problem)


#: this process's trust: what the worker's keyring publishes (empty: no step is believed)
TRUSTED = Trust()

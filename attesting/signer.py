"""The signer: what the side that authenticated a person adds to each step they take."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel

from attesting.keyring import keyring_path, load_keyring, raw_public, read_keyring, trust_of
from contracts.trust import TRUSTED, key_id_of
from domain.attestation import Attestation, Statement, input_digest
from ledger.encoding import canonical_time

C = TypeVar("C", bound=BaseModel)


class Signer:
    """Signs attestations with the deployment's key."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self.key_id = key_id_of(raw_public(key))

    @classmethod
    def of(cls, signing_key: Path) -> Signer:
        """The signer of the key at ``signing_key`` (made, and put on the keyring, if absent)."""
        key, _keyring = load_keyring(signing_key)
        return cls(key)

    def attest(self, command: C, *, stream: str, step: str, version: int | None,
               person: int | None = None) -> C:
        """``command`` with the attestation that ``person`` (its actor) sends it as ``step``
        to ``stream`` at ``version``."""
        actor = command.actor  # type: ignore[attr-defined]  # every step's command has one
        statement = Statement(
            nonce=str(uuid.uuid4()), person=person, name=actor.name, role=actor.role,
            represents=actor.represents, stream=stream, step=step, version=version,
            input_sha256=input_digest(command), issued_at=canonical_time(datetime.now(UTC)))
        signature = base64.b64encode(self._key.sign(statement.signed_bytes())).decode()
        attestation = Attestation(statement=statement, key_id=self.key_id, signature=signature)
        return command.model_copy(update={"attestation": attestation})

    def vouch(self, statement: Statement) -> Attestation:
        """The attestation of ``statement`` as it is (a fact imported from the Convention's
        record, vouched for by the person who imported it: ``history.recording``)."""
        signature = base64.b64encode(self._key.sign(statement.signed_bytes())).decode()
        return Attestation(statement=statement, key_id=self.key_id, signature=signature)


_default: list[Signer] = []


def configure(attestation_key: Path) -> Signer | None:
    """Make the keyring of the key at ``attestation_key`` this process's trust (its
    workflows' validators believe what it publishes) and, where this process may read the key
    itself, its signer of steps sent without one (an in-process worker's scenarios and tests;
    a production worker holds the keyring only). Returns that signer."""
    try:
        key, keyring = load_keyring(attestation_key)
    except OSError:  # the key is not this process's to hold: the keyring alone
        found = read_keyring(keyring_path(attestation_key))
        trust_of(found, TRUSTED)
        return None
    trust_of(keyring, TRUSTED)
    signer = Signer(key)
    _default[:] = [signer]
    return signer


def default_signer() -> Signer:
    """The signer :func:`configure` made; ``RuntimeError`` if none was."""
    if not _default:
        raise RuntimeError("no signing key is configured in this process: pass a Signer "
                           "(attesting.Signer.of(settings.effective_signing_key))")
    return _default[0]

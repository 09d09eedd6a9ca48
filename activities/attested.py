"""The ledger's own gate on who acted: an event a person's step decided is kept only with an
attestation that verifies and vouches for it (AT-1, AT-2; the ledger's unique index keeps each
used once, AT-3); the engine's own events need none.

The workflow has judged the same before (``workflows.core``); this is judged again where the
record is written, so that no path around the validator — an old worker, a workflow started
straight through Temporal — can record a person's step nobody vouched for.
"""

from __future__ import annotations

from pathlib import Path

from attesting.keyring import keyring_path, read_keyring, trust_of
from contracts import RecordEvent
from contracts.trust import TRUSTED, Trust
from domain.attestation import Statement, canonical, mismatch
from domain.convention import Role
from domain.errors import RuleViolation
from domain.kinds import kind_of


class Gate:
    """Judges each event offered to the ledger against the deployment's keyring (read again
    when an attestation names a key it does not hold yet: a key rotated in since)."""

    def __init__(self, attestation_key: Path) -> None:
        self._keyring, self._seen = keyring_path(attestation_key), 0.0
        self._trust = self._read()

    def _read(self) -> Trust:
        """The keyring as it is now — also this process's trust (``contracts.trust``), so the
        validators learn of a key revoked or rotated in without a restart."""
        self._seen = self._modified()
        keyring = read_keyring(self._keyring)
        trust_of(keyring, TRUSTED)
        return trust_of(keyring)

    def _modified(self) -> float:
        try:
            return self._keyring.stat().st_mtime
        except OSError:
            return 0.0

    def kept(self, request: RecordEvent) -> dict[str, str] | None:
        """The attestation's row to keep with the event (``None`` for the engine's own
        event), or the ``RuleViolation`` that refuses the event."""
        event, attestation = request.recorded, request.attestation
        if attestation is None:
            if event.actor.role is Role.ENGINE:
                return None
            raise RuleViolation("AT-1", "{type} on {stream} by {name} carries no attestation; "
                                        "the ledger keeps a person's step only with one.",
                                        type=event.type, stream=request.stream,
                                        name=event.actor.name)
        if attestation.key_id not in self._trust or self._modified() != self._seen:
            self._trust = self._read()
        self._trust.verify(attestation)
        said: Statement = attestation.statement
        rule = kind_of(request.stream).by_step.get(said.step)
        problem = mismatch(said, stream=request.stream, version=request.expected_version + 1,
                           records=rule.event if rule else None, event_type=event.type,
                           actor=event.actor, input_text=request.input or "")
        if problem is not None:
            raise RuleViolation("AT-2", "the attestation of {step} on {stream} does not vouch "
                                        "for {type}: {problem}.",
                                        step=said.step, stream=request.stream, type=event.type,
                                        problem=problem)
        return {"nonce": said.nonce, "key_id": attestation.key_id,
                "statement": canonical(said.model_dump(mode="json")),
                "signature": attestation.signature, "input": request.input or ""}

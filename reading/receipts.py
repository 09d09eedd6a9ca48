"""The receipt a person keeps of a step they took: where the ledger recorded it (event id,
stream, version, position, hash), when, who, and the attestation the entry point signed for
it (``domain.attestation``: who, what step, the SHA-256 of the input, the key and the
signature), as the ledger keeps it beside the event. The dashboard shows it (printable) and
gives it as JSON; the CLI prints it after recording."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from ledger import Ledger, StoredEvent
from ledger.attested import kept_for_streams
from reading.sentences import sentence


class KeptStatement(BaseModel):
    """The attestation as kept: its statement (parsed), the key's id and the signature."""

    model_config = ConfigDict(frozen=True)

    statement: dict[str, Any]
    key_id: str
    signature: str
    nonce: str


class StepReceipt(BaseModel):
    """One recorded step, as its receipt says it."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    stream: str
    version: int
    position: int
    type: str
    hash: str
    prev_hash: str
    recorded_at: str
    occurred_at: str
    actor: str
    role: str
    represents: str | None
    content_hash: str | None
    #: what the event recorded, as a sentence in the language of the moment
    sentence: str
    attestation: KeptStatement | None


def _of(event: StoredEvent, ledger: Ledger) -> StepReceipt:
    kept = next((k for k in kept_for_streams(ledger.engine, [event.stream])
                 if k.event_id == str(event.event_id)), None)
    attestation = None if kept is None else KeptStatement(
        statement=json.loads(kept.statement), key_id=kept.key_id, signature=kept.signature,
        nonce=kept.nonce)
    return StepReceipt(
        event_id=str(event.event_id), stream=event.stream, version=event.version,
        position=event.position, type=event.type, hash=event.hash, prev_hash=event.prev_hash,
        recorded_at=event.recorded_at, occurred_at=event.occurred_at, actor=event.actor,
        role=event.role, represents=(event.payload.get("actor") or {}).get("represents"),
        content_hash=event.payload.get("content_hash"), sentence=sentence(event.payload),
        attestation=attestation)


def receipt_of(ledger: Ledger, stream: str, event_id: str) -> StepReceipt | None:
    """The receipt of the event ``event_id`` of ``stream``; ``None`` if the ledger holds no
    such event there."""
    found = next((e for e in ledger.read_stream(stream) if str(e.event_id) == event_id), None)
    return None if found is None else _of(found, ledger)

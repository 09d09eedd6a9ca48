"""What goes into the ledger (``NewEvent``), what comes back (``Receipt``, ``StoredEvent``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from contracts import Receipt
from ledger.encoding import check_text

__all__ = ["COLUMNS", "NewEvent", "Receipt", "StoredEvent", "header"]

#: the columns of ``events`` in the order of the encoding's header (then ``hash``, ``payload``)
COLUMNS = ("position", "event_id", "stream", "version", "type", "schema_version", "actor",
           "role", "occurred_at", "recorded_at", "workflow_id", "run_id", "causation_id",
           "prev_hash", "hash", "payload")


def header(row: tuple[Any, ...]) -> tuple[str, ...]:
    """The 14 header fields of the encoding from a row in ``COLUMNS`` order."""
    return (str(row[0]), row[1], row[2], str(row[3]), row[4], str(row[5]), row[6], row[7],
            row[8], row[9], row[10] or "", row[11] or "", row[12] or "", row[13])


class NewEvent(BaseModel):
    """One fact to record. ``event_id`` makes appending idempotent: the same id again returns
    the first receipt and writes nothing."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    type: str = Field(min_length=1, max_length=100)
    schema_version: int = Field(ge=1)
    payload: dict[str, Any]
    actor: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=50)
    occurred_at: AwareDatetime
    workflow_id: str | None = Field(default=None, max_length=200)
    run_id: str | None = Field(default=None, max_length=100)
    causation_id: UUID | None = None
    #: the attestation kept beside the event (``ledger.schema.attestations``): ``nonce``,
    #: ``key_id``, ``statement`` and ``input`` (canonical JSON), ``signature``
    attestation: dict[str, str] | None = None

    @field_validator("type", "actor", "role", "workflow_id", "run_id")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        return None if value is None else check_text("a ledger field", value)


class StoredEvent(BaseModel):
    """An event as the ledger holds it (times as canonical UTC text, payload as parsed JSON)."""

    model_config = ConfigDict(frozen=True)

    position: int
    event_id: UUID
    stream: str
    version: int
    type: str
    schema_version: int
    actor: str
    role: str
    occurred_at: str
    recorded_at: str
    workflow_id: str | None
    run_id: str | None
    causation_id: UUID | None
    prev_hash: str
    hash: str
    payload: dict[str, Any]

    @property
    def receipt(self) -> Receipt:
        return Receipt(event_id=self.event_id, stream=self.stream, version=self.version,
                       position=self.position, hash=self.hash, recorded_at=self.recorded_at)

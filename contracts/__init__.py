"""What workflows and activities exchange, free of any I/O library: the activities' names,
inputs and results, and the receipt of a recorded event.

Workflows import this module and ``domain`` only — never ``ledger`` (SQLAlchemy, Alembic) or
``activities`` — so nothing that does I/O is ever loaded into the workflow sandbox. The names
are the activities' registered names: stable, for running workflows replay by them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.attestation import Attestation
from domain.coalition_events import AnyCoalitionEvent
from domain.committee import Presidency
from domain.convention import Actor, State
from domain.elections import Term
from domain.events import CycleEvent
from domain.kinds import kind_of
from domain.profile import Profile
from domain.silence_events import AnySilenceEvent

#: the activities' registered names
RECORD_EVENT, PREPARE_CYCLE = "record_event", "prepare_cycle"
READ_REGISTRY, TAKE_CHECKPOINT = "read_registry", "take_checkpoint"
READ_STREAM, NOTE_ATTENTION = "read_stream", "note_attention"
READ_RECORD = "read_record"

#: every event of the three kinds the engine has always run (for type checking; a new kind's
#: events are recorded all the same, see :class:`RecordEvent`)
LedgerEvent = CycleEvent | AnyCoalitionEvent | AnySilenceEvent


def cycle_id(year: int) -> str:
    """The workflow id of the ``year`` cycle, and the name of its stream in the ledger."""
    return f"cycle-{year}"


class RecordedEvent(Protocol):
    """What recording reads of any kind's event."""

    @property
    def type(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def actor(self) -> Actor: ...
    @property
    def occurred_at(self) -> datetime: ...
    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


class RecordEvent(BaseModel):
    """Append ``event`` to ``stream`` at version ``expected_version + 1``, under ``event_id``
    (chosen by the workflow, deterministically, so a retried activity never writes twice),
    with the attestation of the person whose step decided it (checked again as it is kept).
    The event is read back by the kind that ``stream`` belongs to (``domain.kinds``), so a
    new kind of process needs no change here."""

    model_config = ConfigDict(frozen=True)

    stream: str
    expected_version: int = Field(ge=0)
    event_id: UUID
    event: Any  # serialised as the event it is; read back by the stream's kind
    #: who stood behind the step that decided the event, and the step's canonical input
    #: (``domain.attestation``); none for the engine's own events
    attestation: Attestation | None = None
    input: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _kind_reads_the_event(cls, data: Any) -> Any:
        stream = data.get("stream", "") if isinstance(data, dict) else ""
        return _read_by_kind(str(stream), data)

    @property
    def recorded(self) -> RecordedEvent:
        event: RecordedEvent = self.event
        return event


class Receipt(BaseModel):
    """Where an event was recorded: its global position, stream version and hash."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    stream: str
    version: int
    position: int
    hash: str
    recorded_at: str


def _read_by_kind(stream: str, data: Any) -> Any:
    """``data["event"]``, if a dict, read as the event of the kind ``stream`` belongs to."""
    if isinstance(data, dict) and isinstance(data.get("event"), dict):
        data = {**data, "event": kind_of(stream).event.validate_python(data["event"])}
    return data


class ReadStream(BaseModel):
    """The events of ``stream`` after version ``after``, at most ``limit`` of them (fewer when
    their payloads would pass ``max_bytes``, so a result stays far under Temporal's limit)."""

    model_config = ConfigDict(frozen=True)

    stream: str
    after: int = Field(ge=0)
    limit: int = Field(default=100, ge=1)
    max_bytes: int = Field(default=1_000_000, ge=1)


class LedgerEntry(BaseModel):
    """One event as the ledger holds it: its receipt, and the event, read by its kind."""

    model_config = ConfigDict(frozen=True)

    receipt: Receipt
    event: Any

    @model_validator(mode="before")
    @classmethod
    def _kind_reads_the_event(cls, data: Any) -> Any:
        receipt = data.get("receipt") if isinstance(data, dict) else None
        stream = receipt.stream if isinstance(receipt, Receipt) else (
            receipt.get("stream", "") if isinstance(receipt, dict) else "")
        return _read_by_kind(str(stream), data)


class StreamRead(BaseModel):
    """What :class:`ReadStream` found, and the stream's version in the ledger now."""

    model_config = ConfigDict(frozen=True)

    entries: tuple[LedgerEntry, ...]
    version: int


class FromLedger(BaseModel):
    """Start a stream's workflow again from the events the ledger holds (``intersessional
    engine recover``): it applies them and goes on from there, without beginning anew.

    ``quiet_until``: when the ledger recorded the stream's latest event. A deadline whose
    reminder or escalation fell before it had already passed when that was recorded — a
    back-dated year, or one recorded after its time — and stays quiet: the obligation stays
    open and the year waits at its step, instead of every past timer firing at once. One
    that fell due after it (the engine was down) still fires."""

    model_config = ConfigDict(frozen=True)

    stream: str
    reason: str
    quiet_until: datetime | None = None


class NoteAttention(BaseModel):
    """A stream the engine cannot move on its own: why, in one sentence, and the repair."""

    model_config = ConfigDict(frozen=True)

    stream: str
    cause: str
    repair: str


class PrepareCycle(BaseModel):
    """What opening the ``year`` cycle needs from outside the workflow."""

    model_config = ConfigDict(frozen=True)

    year: int


class CycleBasis(BaseModel):
    """What a cycle starts from: the terms and presidencies the previous cycle's recorded
    events leave running (CO-8), and the registry of States as the cycle opens (the standing
    of an elected State is judged on it and recorded with the election)."""

    model_config = ConfigDict(frozen=True)

    previous_recorded: bool
    carried_terms: tuple[Term, ...] = ()
    carried_presidencies: tuple[Presidency, ...] = ()
    registry: tuple[State, ...] = ()
    #: the profile a cycle opened without one runs by (the setting ``INTERSESSIONAL_PROFILE``);
    #: ``None`` from a worker before profiles existed
    profile: Profile | None = None


class ReadRegistry(BaseModel):
    """What a coalition or a silence procedure judges States on: the registry as it begins."""

    model_config = ConfigDict(frozen=True)

    purpose: str


class RegistryRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    registry: tuple[State, ...]


class ReadRecord(BaseModel):
    """What a coalition or a silence procedure judges authority on (``domain.authority``):
    the terms and presidencies the ledger's cycle streams hold around ``day`` — the cycles of
    the year before it, its own year and the year after (opened at the MSP of ``day``'s
    year). The result, a :class:`domain.authority.Record`, is kept in the workflow's history,
    so a replay judges on what was read then."""

    model_config = ConfigDict(frozen=True)

    day: date
    purpose: str


class TakeCheckpoint(BaseModel):
    """Sign the Merkle root of the whole ledger (issue #3: after every cycle closes)."""

    model_config = ConfigDict(frozen=True)

    reason: str


class CheckpointTaken(BaseModel):
    model_config = ConfigDict(frozen=True)

    tree_size: int
    root_hash: str
    key_id: str

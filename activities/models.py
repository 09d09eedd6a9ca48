"""The inputs and results of the activities: one model each, shared by workflows and worker."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.coalition_events import AnyCoalitionEvent
from domain.committee import Presidency
from domain.convention import State
from domain.elections import Term
from domain.events import CycleEvent
from domain.silence_events import AnySilenceEvent

#: every event the engine records: a year's, a coalition's, a silence procedure's
LedgerEvent = CycleEvent | AnyCoalitionEvent | AnySilenceEvent


def cycle_id(year: int) -> str:
    """The workflow id of the ``year`` cycle, and the name of its stream in the ledger."""
    return f"cycle-{year}"


class RecordEvent(BaseModel):
    """Append ``event`` to ``stream`` at version ``expected_version + 1``, under ``event_id``
    (chosen by the workflow, deterministically, so a retried activity never writes twice)."""

    model_config = ConfigDict(frozen=True)

    stream: str
    expected_version: int = Field(ge=0)
    event_id: UUID
    event: LedgerEvent


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


class ReadRegistry(BaseModel):
    """What a coalition or a silence procedure judges States on: the registry as it begins."""

    model_config = ConfigDict(frozen=True)

    purpose: str


class RegistryRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    registry: tuple[State, ...]


class TakeCheckpoint(BaseModel):
    """Sign the Merkle root of the whole ledger (issue #3: after every cycle closes)."""

    model_config = ConfigDict(frozen=True)

    reason: str


class CheckpointTaken(BaseModel):
    model_config = ConfigDict(frozen=True)

    tree_size: int
    root_hash: str
    key_id: str

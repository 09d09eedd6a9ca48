"""The attestations kept beside the events (``ledger.schema.attestations``), read back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, Select, select

from ledger.schema import attestations, attestations_began, events


class KeptAttestation(BaseModel):
    """One row: the event it stands beside, and the attestation's parts as kept."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    nonce: str
    key_id: str
    statement: str
    signature: str
    input: str


_COLUMNS = tuple(attestations.c[name] for name in KeptAttestation.model_fields)


def _kept(engine: Engine, query: Select[Any]) -> list[KeptAttestation]:
    with engine.connect() as conn:
        return [KeptAttestation(**dict(zip(KeptAttestation.model_fields, row, strict=True)))
                for row in conn.execute(query)]


def by_event(engine: Engine) -> dict[str, KeptAttestation]:
    """Every kept attestation (a few per cycle: one per person's step), by its event's id."""
    return {kept.event_id: kept for kept in _kept(engine, select(*_COLUMNS))}


def began(engine: Engine) -> int:
    """The position from which every person's event carries an attestation."""
    with engine.connect() as conn:
        found = conn.execute(select(attestations_began.c.position)).scalar()
    return int(found) if found is not None else 1


def kept_for_streams(engine: Engine, streams: Sequence[str]) -> list[KeptAttestation]:
    """The kept attestations of the events of ``streams``."""
    return _kept(engine, select(*_COLUMNS)
                 .join(events, events.c.event_id == attestations.c.event_id)
                 .where(events.c.stream.in_(list(streams))).order_by(events.c.position))

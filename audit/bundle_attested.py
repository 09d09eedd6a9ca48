"""The attestations of an audit bundle (``attestations.json``): written by ``audit export``
beside the events, checked offline by ``audit verify-bundle`` against the keyring it carries
(or the auditor's own) and the events of ``events.log``, with :mod:`audit.attestations`."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from attesting.keyring import Keyring, trust_of
from audit.attestations import Attestations, Registered, check_attestations
from audit.bundle_format import EVENTS
from identities import People
from ledger.attested import KeptAttestation, began, kept_for_streams
from ledger.encoding import SEPARATOR


class BundledAttestations(BaseModel):
    """``attestations.json``: the kept attestations of the bundled events, the position from
    which the ledger kept them, the keyring, and the people registry (names and roles only)."""

    model_config = ConfigDict(frozen=True)

    began: int
    keyring: Keyring
    people: list[Registered]
    attestations: list[KeptAttestation]


def bundled(engine: Engine, streams: Sequence[str], keyring: Keyring) -> bytes:
    """The member's bytes for ``streams`` of the ledger on ``engine``."""
    people = [Registered(**p.model_dump()) for p in People(engine).list()]
    return BundledAttestations(began=began(engine), keyring=keyring, people=people,
                               attestations=kept_for_streams(engine, streams)
                               ).model_dump_json(indent=1).encode()


@dataclass(frozen=True)
class _Line:
    """What the check reads of one line of ``events.log``."""

    position: int
    event_id: str
    stream: str
    version: int
    type: str
    role: str
    recorded_at: str
    payload: dict[str, Any]


def _lines(archive: zipfile.ZipFile) -> Iterator[_Line]:
    with archive.open(EVENTS) as raw:
        for line in raw:
            fields = line.decode().rstrip("\n").split(SEPARATOR)
            # format, 14 header fields, the payload, then the stored hash
            yield _Line(position=int(fields[1]), event_id=fields[2], stream=fields[3],
                        version=int(fields[4]), type=fields[5], role=fields[8],
                        recorded_at=fields[10], payload=json.loads(fields[15]))


def check_bundled(archive: zipfile.ZipFile, data: bytes, pinned: Keyring | None = None
                  ) -> Attestations:
    """Every bundled event's attestation, checked against the auditor's keyring
    (``pinned``) or else the one the bundle carries."""
    held = BundledAttestations.model_validate_json(data)
    kept = {k.event_id: k for k in held.attestations}
    return check_attestations(_lines(archive), kept, trust_of(pinned or held.keyring),
                              held.people, held.began)

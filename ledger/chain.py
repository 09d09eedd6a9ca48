"""One stream's chain, checked on its own: what the engine's recovery asks of the record before
it starts a year again from it (``audit verify`` checks the whole ledger, checkpoints and all)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from ledger.encoding import GENESIS, canonical_json, event_hash
from ledger.records import COLUMNS, StoredEvent, header


def stream_problem(recorded: Sequence[StoredEvent]) -> str | None:
    """Why one stream's events (in version order, from its first) are not the chain they were
    written as — an event whose hash or link to its predecessor does not hold — or ``None``.
    What the engine's recovery asks before it starts a year again from the record."""
    previous = GENESIS
    for e in recorded:
        row = tuple(str(v) if isinstance(v, UUID) else v
                    for v in (getattr(e, name) for name in COLUMNS[:14]))
        if e.prev_hash != previous or event_hash(header(row), canonical_json(e.payload)) != e.hash:
            return (f"its event at version {e.version} (ledger position {e.position}) does not "
                    "hash as it was recorded")
        previous = e.hash
    return None

"""What a tamperer with write access to the ledger's database would do, in SQL."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Engine, text

from ledger.encoding import canonical_json, event_hash
from ledger.records import COLUMNS, header


def execute(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), params)


def renumber(engine: Engine, from_position: int, by: int) -> None:
    """Shift the positions from ``from_position`` on by ``by`` (through free positions, so
    that no two rows hold one position on the way)."""
    execute(engine, "UPDATE events SET position = position + 1000000 WHERE position >= :p",
            p=from_position)
    execute(engine, "UPDATE events SET position = position - 1000000 + :by "
            "WHERE position >= 1000000", by=by)


def row(engine: Engine, stream: str, version: int) -> dict[str, Any] | None:
    with engine.connect() as conn:
        found = conn.execute(text(f"SELECT {', '.join(COLUMNS)} FROM events WHERE "
                                  "stream = :s AND version = :v"),
                             {"s": stream, "v": version}).first()
    return dict(found._mapping) if found else None


def forge(engine: Engine, stream: str, version: int, recompute: bool = False) -> int:
    """Change the payload of ``stream`` v``version`` (a forged records reference); with
    ``recompute``, recompute its hash and every later hash and link of its stream, as a
    careful tamperer would. Returns the event's position."""
    forged = row(engine, stream, version)
    assert forged is not None
    payload = {**json.loads(forged["payload"]), "forged": True}
    execute(engine, "UPDATE events SET payload = :p WHERE position = :pos",
            p=canonical_json(payload), pos=forged["position"])
    if recompute:
        rechain(engine, stream, version)
    return int(forged["position"])


def rechain(engine: Engine, stream: str, from_version: int) -> None:
    """Recompute the hashes and links of ``stream`` from ``from_version`` on."""
    before = row(engine, stream, from_version - 1)
    previous, version = (before["hash"] if before else "0" * 64), from_version
    while (current := row(engine, stream, version)) is not None:
        current["prev_hash"] = previous
        values = tuple(current[c] for c in COLUMNS)
        digest = event_hash(header(values), str(current["payload"]))
        execute(engine, "UPDATE events SET prev_hash = :ph, hash = :h WHERE position = :p",
                ph=previous, h=digest, p=current["position"])
        previous, version = digest, version + 1


def last_version(engine: Engine, stream: str) -> int:
    version = 1
    while row(engine, stream, version + 1) is not None:
        version += 1
    return version


def append_copy(engine: Engine, stream: str, workflow: bool = True) -> tuple[int, int]:
    """A copy of ``stream``'s last event appended to it under a new id, well chained, as the
    ledger's last event (the head raised): no workflow recorded it, and the rules refuse it
    again (a closed year or coalition closed twice). ``workflow=False`` clears its workflow
    id. Returns its position and version."""
    last = last_version(engine, stream)
    copied = row(engine, stream, last)
    assert copied is not None
    with engine.connect() as conn:
        head = int(conn.execute(text("SELECT position FROM ledger_head")).scalar_one())
    forged = {**copied, "position": head + 1, "event_id": str(uuid.uuid4()),
              "version": last + 1, "prev_hash": copied["hash"]}
    if not workflow:
        forged |= {"workflow_id": None, "run_id": None}
    values = tuple(forged[c] for c in COLUMNS)
    forged["hash"] = event_hash(header(values), str(forged["payload"]))
    execute(engine, f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES "
            f"({', '.join(':' + c for c in COLUMNS)})", **forged)
    execute(engine, "UPDATE ledger_head SET position = :p", p=head + 1)
    return head + 1, last + 1

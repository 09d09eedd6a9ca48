"""The append-only, hash-chained event store.

Every append takes the ``ledger_head`` row lock first, so appends are serialised: positions are
gapless and handed out in commit order, and a reader catching up by position never skips an
event that commits late (the trap of sequence-numbered SQL stores with concurrent writers).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from ledger.encoding import GENESIS, canonical_json, canonical_time, event_hash
from ledger.engine import writing
from ledger.errors import EventIdConflict, WrongExpectedVersion
from ledger.records import COLUMNS, NewEvent, Receipt, StoredEvent, header
from ledger.schema import events, ledger_head

_STREAM = re.compile(r"[a-z0-9][a-z0-9._:-]{0,199}")
_SELECT = select(*(events.c[name] for name in COLUMNS))


def _now() -> datetime:
    return datetime.now(UTC)


def _stored(row: Sequence[Any]) -> StoredEvent:
    values = dict(zip(COLUMNS, row, strict=True))
    values["payload"] = json.loads(values["payload"])
    return StoredEvent.model_validate(values)


def _same_event(stored: StoredEvent, stream: str, offered: NewEvent) -> bool:
    return (stored.stream, stored.type, stored.schema_version, stored.actor, stored.role,
            stored.occurred_at, stored.workflow_id, stored.run_id, stored.causation_id,
            canonical_json(stored.payload)) == (
            stream, offered.type, offered.schema_version, offered.actor, offered.role,
            canonical_time(offered.occurred_at), offered.workflow_id, offered.run_id,
            offered.causation_id, canonical_json(offered.payload))


class Ledger:
    """Append and read recorded events. ``clock`` is injectable for tests."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now) -> None:
        self.engine = engine
        self._clock = clock

    def append(self, stream: str, batch: Sequence[NewEvent], expected_version: int
               ) -> list[Receipt]:
        """Record ``batch`` at the end of ``stream``, atomically, if the stream is at
        ``expected_version``. Offering an already recorded batch again (a retried activity)
        returns its original receipts and writes nothing."""
        if not _STREAM.fullmatch(stream):
            raise ValueError(f"{stream!r} is not a stream name (lower-case letters, digits, "
                             "'.', '_', ':' or '-', at most 200)")
        if not batch:
            return []
        with writing(self.engine) as conn:
            head = conn.execute(select(ledger_head.c.position).where(ledger_head.c.id == 1)
                                .with_for_update()).scalar_one()
            recorded = self._already_recorded(conn, stream, batch)
            if recorded is not None:
                return recorded
            return self._write(conn, head, stream, batch, expected_version)

    def _already_recorded(self, conn: Connection, stream: str, batch: Sequence[NewEvent]
                          ) -> list[Receipt] | None:
        ids = [str(e.event_id) for e in batch]
        rows = conn.execute(_SELECT.where(events.c.event_id.in_(ids))).all()
        if not rows:
            return None
        found = {s.event_id: s for s in map(_stored, rows)}
        for offered in batch:
            stored = found.get(offered.event_id)
            if stored is None or not _same_event(stored, stream, offered):
                clash = stored or next(iter(found.values()))
                raise EventIdConflict(str(offered.event_id if stored else clash.event_id),
                                      clash.position)
        return [found[e.event_id].receipt for e in batch]

    def _write(self, conn: Connection, head: int, stream: str, batch: Sequence[NewEvent],
               expected_version: int) -> list[Receipt]:
        last = conn.execute(select(events.c.version, events.c.hash)
                            .where(events.c.stream == stream)
                            .order_by(events.c.version.desc()).limit(1)).first()
        version, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
        if version != expected_version:
            raise WrongExpectedVersion(stream, expected_version, version)
        previous = conn.execute(select(events.c.recorded_at)
                                .where(events.c.position == head)).scalar()
        # recorded_at never goes backwards along the log, so "as of" reads a prefix
        recorded_at = max(canonical_time(self._clock()), previous or "")
        rows, receipts = [], []
        for offset, e in enumerate(batch, start=1):
            row = (head + offset, str(e.event_id), stream, version + offset, e.type,
                   e.schema_version, e.actor, e.role, canonical_time(e.occurred_at),
                   recorded_at, e.workflow_id, e.run_id,
                   str(e.causation_id) if e.causation_id else None, prev_hash)
            payload = canonical_json(e.payload)
            prev_hash = event_hash(header(row), payload)
            rows.append(dict(zip(COLUMNS, (*row, prev_hash, payload), strict=True)))
            receipts.append(Receipt(event_id=e.event_id, stream=stream, version=row[3],
                                    position=row[0], hash=prev_hash, recorded_at=recorded_at))
        conn.execute(insert(events), rows)
        conn.execute(update(ledger_head).where(ledger_head.c.id == 1)
                     .values(position=head + len(batch)))
        return receipts

    def read_stream(self, stream: str, from_version: int = 1) -> list[StoredEvent]:
        """The events of ``stream`` from ``from_version`` on, in version order."""
        query = (_SELECT.where(events.c.stream == stream, events.c.version >= from_version)
                 .order_by(events.c.version))
        with self.engine.connect() as conn:
            return [_stored(row) for row in conn.execute(query)]

    def read_after(self, position: int, limit: int = 1000) -> list[StoredEvent]:
        """Up to ``limit`` events after global ``position``, in position order."""
        query = _SELECT.where(events.c.position > position).order_by(events.c.position)
        with self.engine.connect() as conn:
            return [_stored(row) for row in conn.execute(query.limit(limit))]

    def read_as_of(self, moment: datetime, batch_size: int = 10_000) -> Iterator[StoredEvent]:
        """Every event recorded at or before ``moment``, in position order (a prefix of the
        log, since recorded times never go backwards along it)."""
        query = (_SELECT.where(events.c.recorded_at <= canonical_time(moment))
                 .order_by(events.c.position))
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=batch_size).execute(query)
            for row in result:
                yield _stored(row)

    def head(self) -> int:
        """The position of the last recorded event (0 for an empty ledger)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(ledger_head.c.position)).scalar_one())

"""The append-only, hash-chained event store.

Every append takes the ``ledger_head`` row lock first, so appends are serialised: positions are
gapless and handed out in commit order, and a reader catching up by position never skips an
event that commits late (the trap of sequence-numbered SQL stores with concurrent writers).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic_core import from_json
from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import IntegrityError

from ledger.encoding import FORMAT, SEPARATOR, canonical_json, canonical_time
from ledger.engine import driver_batches, placeholder
from ledger.errors import AttestationReused, EventIdConflict, WrongExpectedVersion
from ledger.records import COLUMNS, NewEvent, Receipt, StoredEvent
from ledger.schema import events, ledger_head
from ledger.writer import ATTESTATION as _ATTESTATION
from ledger.writer import Transaction, transaction

_STREAM = re.compile(r"[a-z0-9][a-z0-9._:-]{0,199}")
_SELECT = select(*(events.c[name] for name in COLUMNS))

# Every statement is built once: SQLAlchemy then reuses its cache key and compiled form, where
# building it anew on each call cost more than SQLite's own work for a one-event append.
_STREAM_END = (select(events.c.version, events.c.hash).where(events.c.stream == bindparam("stream"))
               .order_by(events.c.version.desc()).limit(1))
_READ_STREAM = (_SELECT.where(events.c.stream == bindparam("stream"),
                              events.c.version >= bindparam("from_version"))
                .order_by(events.c.version))
_READ_STREAM_AS_OF = (_SELECT.where(events.c.stream == bindparam("stream"),
                                    events.c.version >= bindparam("from_version"),
                                    events.c.recorded_at <= bindparam("moment"))
                     .order_by(events.c.version))
_READ_AFTER = (_SELECT.where(events.c.position > bindparam("after")).order_by(events.c.position)
               .limit(bindparam("limit")))
# read_as_of reads millions of rows: through the driver's own cursor (a server-side one on
# PostgreSQL), as verify does: a SQLAlchemy Row apiece cost a sixth of the whole read
_AS_OF = {mark: f"SELECT {', '.join(COLUMNS)} FROM events WHERE recorded_at <= {mark} "
                "ORDER BY position" for mark in ("?", "%s")}
_FIELDS = COLUMNS[:-1]  # COLUMNS ends with the payload, parsed apart
_validate = StoredEvent.__pydantic_validator__.validate_python  # model_validate, sans wrapper
_receipt = Receipt.__pydantic_validator__.validate_python  # Receipt(**values), at half its cost


def _now() -> datetime:
    return datetime.now(UTC)


def _parse(text: str) -> Any:
    """``json.loads(text)``, at a quarter of its cost. pydantic-core's parser returns the same
    values for everything both accept; what it refuses (lone surrogates, deep nesting, bad
    JSON) goes to ``json.loads``, which returns or raises exactly as before."""
    try:
        return from_json(text)
    except ValueError:
        return json.loads(text)


def _stored(row: Sequence[Any]) -> StoredEvent:
    values = dict(zip(_FIELDS, row, strict=False))  # all but the payload
    values["payload"] = _parse(row[-1])
    stored: StoredEvent = _validate(values)
    return stored


def _same_event(stored: StoredEvent, stream: str, offered: NewEvent) -> bool:
    return (stored.stream, stored.type, stored.schema_version, stored.actor, stored.role,
            stored.occurred_at, stored.workflow_id, stored.run_id, stored.causation_id,
            canonical_json(stored.payload)) == (
            stream, offered.type, offered.schema_version, offered.actor, offered.role,
            canonical_time(offered.occurred_at), offered.workflow_id, offered.run_id,
            offered.causation_id, canonical_json(offered.payload))


def retried(attempt: Callable[[bool], list[Receipt]], stream: str, batch: Sequence[NewEvent]
            ) -> list[Receipt]:
    """``attempt(look_first)`` of an append, as :meth:`Ledger.append` makes it: optimistically,
    as a new batch first — the unique index on event_id refuses a recorded id anyway, so
    looking the ids up first (1,000 index probes for a batch of 1,000) is paid only when the
    insert fails — then, after an IntegrityError, looking them up."""
    try:
        return attempt(False)
    except IntegrityError:  # an id already recorded (a retry, or a conflict), or a row
        try:
            return attempt(True)
        except IntegrityError:
            # not an id recorded, and the stream was where the writer expected: the one
            # unique index left is the attestations' nonce
            if not any(e.attestation for e in batch):
                raise
            raise AttestationReused(stream) from None


def offered_ids(stream: str, batch: Sequence[NewEvent]) -> list[str]:
    """The event ids of ``batch``, offered to ``stream`` (none for an empty batch); a
    ``ValueError`` if ``stream`` is not a stream's name. Every append asks it first."""
    if not _STREAM.fullmatch(stream):
        raise ValueError(f"{stream!r} is not a stream name (lower-case letters, digits, "
                         "'.', '_', ':' or '-', at most 200)")
    return [str(e.event_id) for e in batch]


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
        if not (ids := offered_ids(stream, batch)):
            return []
        return retried(lambda look_first: self._append(stream, batch, expected_version, ids,
                                                       look_first=look_first), stream, batch)

    def _append(self, stream: str, batch: Sequence[NewEvent], expected_version: int,
                ids: list[str], *, look_first: bool) -> list[Receipt]:
        """One transaction of :meth:`append`: :meth:`_at_head` once the head is locked."""
        with transaction(self.engine, (stream,)) as tx:
            return self._at_head(tx, stream, batch, expected_version=expected_version, ids=ids,
                                 look_first=look_first)

    def _at_head(self, tx: Transaction, stream: str, batch: Sequence[NewEvent], *,
                 expected_version: int, ids: list[str], look_first: bool) -> list[Receipt]:
        """One attempt at ``batch``, the head locked: its original receipts if its ids are
        recorded (looked up first, or once the version check fails before anything is written:
        a retry of a batch its stream has moved past), else the batch written."""
        if look_first and (recorded := self._already_recorded(tx, stream, batch, ids)):
            return recorded
        try:
            return self._write(tx, stream, batch, expected_version, ids=ids)
        except WrongExpectedVersion:
            if not look_first and (recorded := self._already_recorded(tx, stream, batch, ids)):
                return recorded
            raise

    def _already_recorded(self, tx: Transaction, stream: str, batch: Sequence[NewEvent],
                          ids: list[str]) -> list[Receipt] | None:
        tx.flush()  # the rows held back (a group's) are looked up too
        rows = tx.execute(f"{tx.sql['by_ids']}({', '.join([tx.mark] * len(ids))})",
                          tuple(ids)).fetchall()
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

    def _write(self, tx: Transaction, stream: str, batch: Sequence[NewEvent],
               expected_version: int, *, ids: list[str]) -> list[Receipt]:
        version, prev_hash = tx.end(stream)
        if version != expected_version:
            raise WrongExpectedVersion(stream, expected_version, version)
        # recorded_at never goes backwards along the log, so "as of" reads a prefix
        recorded_at = max(canonical_time(self._clock()), tx.recorded_at)
        rows: list[tuple[Any, ...]] = []
        receipts: list[Receipt] = []
        position, sha256, join = tx.head, hashlib.sha256, SEPARATOR.join
        for e, event_id in zip(batch, ids, strict=True):
            position += 1
            version += 1
            occurred_at, payload = canonical_time(e.occurred_at), canonical_json(e.payload)
            workflow_id, run_id = e.workflow_id, e.run_id
            causation_id = str(e.causation_id) if e.causation_id else None
            # ledger.encoding.event_hash(header(row), payload), inlined: it runs per event
            digest = sha256(join((
                FORMAT, str(position), event_id, stream, str(version), e.type,
                str(e.schema_version), e.actor, e.role, occurred_at, recorded_at,
                workflow_id or "", run_id or "", causation_id or "", prev_hash, payload,
            )).encode()).hexdigest()
            rows.append((position, event_id, stream, version, e.type, e.schema_version, e.actor,
                         e.role, occurred_at, recorded_at, workflow_id, run_id, causation_id,
                         prev_hash, digest, payload))
            receipts.append(_receipt({"event_id": e.event_id, "stream": stream,
                                      "version": version, "position": position, "hash": digest,
                                      "recorded_at": recorded_at}))
            prev_hash = digest
        attested = [(event_id, *(e.attestation[c] for c in _ATTESTATION[1:]))
                    for e, event_id in zip(batch, ids, strict=True) if e.attestation]
        tx.insert(stream, rows, attested, recorded_at)
        return receipts

    def read_stream(self, stream: str, from_version: int = 1) -> list[StoredEvent]:
        """The events of ``stream`` from ``from_version`` on, in version order."""
        params = {"stream": stream, "from_version": from_version}
        with self.engine.connect() as conn:
            return [_stored(row) for row in conn.execute(_READ_STREAM, params)]

    def read_stream_as_of(self, stream: str, moment: str, from_version: int = 1
                          ) -> list[StoredEvent]:
        """The events of ``stream`` from ``from_version`` on recorded at or before ``moment``
        (canonical time), in version order: through the (stream, version) index, so the cost
        is the stream's, not the log's."""
        params = {"stream": stream, "from_version": from_version, "moment": moment}
        with self.engine.connect() as conn:
            return [_stored(row) for row in conn.execute(_READ_STREAM_AS_OF, params)]

    def version(self, stream: str) -> int:
        """The version of ``stream``'s last event (0 for a stream the ledger has not begun)."""
        with self.engine.connect() as conn:
            last = conn.execute(_STREAM_END, {"stream": stream}).first()
        return int(last[0]) if last else 0

    def read_after(self, position: int, limit: int = 1000) -> list[StoredEvent]:
        """Up to ``limit`` events after global ``position``, in position order."""
        params = {"after": position, "limit": limit}
        with self.engine.connect() as conn:
            return [_stored(row) for row in conn.execute(_READ_AFTER, params)]

    def read_as_of(self, moment: datetime, batch_size: int = 10_000) -> Iterator[StoredEvent]:
        """Every event recorded at or before ``moment``, in position order (a prefix of the
        log, since recorded times never go backwards along it)."""
        sql = _AS_OF[placeholder(self.engine)]
        for rows in driver_batches(self.engine, sql, (canonical_time(moment),), batch_size):
            for row in rows:
                yield _stored(row)

    def streams(self, prefix: str = "") -> list[str]:
        """The names of the streams that begin with ``prefix``, in order."""
        query = select(events.c.stream).distinct().order_by(events.c.stream)
        if prefix:
            query = query.where(events.c.stream.startswith(prefix, autoescape=True))
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def head(self) -> int:
        """The position of the last recorded event (0 for an empty ledger)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(ledger_head.c.position)).scalar_one())

"""Snapshots of the processes' states: taken from the record, checked against it, read from.

A process's state after its stream's first *v* events is :func:`audit.replay.fold` of them; a
snapshot (``ledger.snapshots``) stores that state as canonical JSON, bound to the *v*-th event
by its hash. One is taken every :data:`EVERY` events of a stream and at each year's close (the
last event of the stream recorded in a calendar year, once a later year has begun), by the
maintenance command ``intersessional db snapshot`` — never by the recording path, which stays
as lean as it is, and never by a workflow, whose histories stay as they are.

The state as of a moment (:func:`state_as_of`) folds only the events recorded after the newest
snapshot at or before it; :func:`check_snapshots` (run by ``audit verify``) folds every stream
again and refuses, by name, a snapshot that disagrees with its events: a snapshot is never a
second truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from audit.replay import NotFolded, fold
from domain.kinds import Kind, kind_of
from ledger import Ledger, StoredEvent
from ledger.encoding import canonical_json, canonical_time
from ledger.problems import Problem, ProblemKind
from ledger.snapshots import Snapshot, every_snapshot, newest, store

#: the encoding of a snapshot's state: the kind's state model, dumped in JSON mode, as
#: canonical JSON
FORMAT = 1
#: a snapshot every so many events of a stream (and at each year's close)
EVERY = 1_000


def encode(state: BaseModel) -> str:
    return canonical_json(state.model_dump(mode="json"))


def decode(kind: Kind[Any], snapshot: Snapshot) -> Any:
    """The state ``snapshot`` holds; ``ValueError`` if it is in no format this code reads."""
    if snapshot.format != FORMAT:
        raise ValueError(f"snapshot format {snapshot.format} is not {FORMAT}")
    return kind.state.model_validate_json(snapshot.state)


def _snapshot(state: BaseModel, e: StoredEvent) -> Snapshot:
    return Snapshot(stream=e.stream, version=e.version, position=e.position, hash=e.hash,
                    recorded_at=e.recorded_at, format=FORMAT, state=encode(state))


def _due(events: list[StoredEvent], i: int, every: int, year: str) -> bool:
    """Whether a snapshot is due after ``events[i]``: its version a multiple of ``every``,
    or the last of its year (the next event is in a later one, or none is and ``year``,
    today's, is later)."""
    e = events[i]
    following = events[i + 1].recorded_at[:4] if i + 1 < len(events) else year
    return e.version % every == 0 or following > e.recorded_at[:4]


def take_snapshots(ledger: Ledger, every: int = EVERY, now: datetime | None = None) -> int:
    """Take the snapshots due in every process's stream since its newest one; how many were
    new. Streams of no kind (none the engine records) are left alone, and a stream's
    snapshots stop before an event its rules refuse (``audit replay`` names that one)."""
    year = canonical_time(now or datetime.now(UTC))[:4]
    taken = 0
    for stream in ledger.streams():
        try:
            kind = kind_of(stream)
        except KeyError:
            continue
        last = newest(ledger.engine, stream)
        state = decode(kind, last) if last else kind.state()
        tail = ledger.read_stream(stream, from_version=last.version + 1 if last else 1)
        if last and tail and tail[0].prev_hash != last.hash:
            raise ValueError(f"the newest snapshot of {stream} (version {last.version}) is not "
                             "of the event its stream holds; `audit verify` names the problem")
        due: list[Snapshot] = []
        for i, e in enumerate(tail):
            try:
                state = fold(stream, _recorded([e]), state)
            except NotFolded:  # `audit replay` names it; none past it
                break
            if _due(tail, i, every, year):
                due.append(_snapshot(state, e))
        taken += store(ledger.engine, due)
    return taken


def _recorded(events: Iterable[StoredEvent]) -> Iterator[tuple[int, int, Any]]:
    """``events`` as :func:`audit.replay.fold` takes them."""
    return ((e.position, e.version, e.payload) for e in events)


@dataclass(frozen=True)
class AsOf:
    """A process's state as of a moment: after ``version`` events, ``folded`` of them folded
    here, the rest taken from the snapshot of version ``snapshot`` (0: none)."""

    stream: str
    state: Any
    version: int
    snapshot: int
    folded: int


def state_as_of(ledger: Ledger, stream: str, moment: datetime) -> AsOf:
    """The state of ``stream`` as the ledger held it at ``moment``: the newest snapshot at or
    before it, and the events of the stream recorded after it, up to the moment (read through
    the (stream, version) index). ``ValueError`` if the tail does not link to the snapshot."""
    kind, at = kind_of(stream), canonical_time(moment)
    last = newest(ledger.engine, stream, at)
    tail = ledger.read_stream_as_of(stream, at, last.version + 1 if last else 1)
    if last and tail and tail[0].prev_hash != last.hash:
        raise ValueError(f"the snapshot of {stream} at version {last.version} is not of the "
                         "event its stream holds")
    state = fold(stream, _recorded(tail), decode(kind, last) if last else None)
    version = tail[-1].version if tail else (last.version if last else 0)
    return AsOf(stream=stream, state=state, version=version,
                snapshot=last.version if last else 0, folded=len(tail))


def check_snapshots(ledger: Ledger) -> Problem | None:
    """The first snapshot that is not the fold of its stream's events up to it, as a
    :class:`Problem` of kind ``snapshot`` naming it; None if every one is."""
    stream, kind, state, version, events = "", None, None, 0, []
    for s in every_snapshot(ledger.engine):
        def refused(detail: str, s: Snapshot = s) -> Problem:
            return Problem(kind=ProblemKind.SNAPSHOT, position=s.position, stream=s.stream,
                           version=s.version, detail=f"the snapshot {detail}")
        if s.stream != stream:
            stream, version = s.stream, 0
            try:
                kind = kind_of(stream)
            except KeyError:
                return refused("is of a stream no kind of process records")
            state, events = kind.state(), ledger.read_stream(stream)
        assert kind is not None
        if s.version > len(events):
            return refused(f"names version {s.version}, past the stream's end")
        e = events[s.version - 1]
        if (e.hash, e.position, e.recorded_at) != (s.hash, s.position, s.recorded_at):
            return refused("is not bound to the event the stream holds at its version")
        try:
            state = fold(stream, _recorded(events[version:s.version]), state)
        except NotFolded as error:
            return refused(f"cannot be checked: the events before it do not fold ({error.why})")
        version = s.version
        if s.format != FORMAT:
            return refused(f"is in format {s.format}, which this code does not read")
        if s.state != encode(state):
            return refused("disagrees with the fold of the events up to it")
    return None

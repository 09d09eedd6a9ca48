"""``audit replay``: any process — a year's cycle, a country coalition, a silence procedure — as
it stood at any moment, rebuilt from its ledger stream alone.

A process's stream is its workflow id (``cycle-2027``, ``coalition-lao-1``, ``silence-2027-1``);
its kind (``domain.kinds``) says how its events fold. The events recorded at or before the
moment are folded one by one by the kind's own ``apply`` — the rules that judged each step — so
the state shown is what the record implies, not what any server says. Before folding, every
event of the stream is checked: its hash against its content, its link to the event before it,
and, where a signed checkpoint covers it, its hash against the one the signature vouches for. A
replay therefore says how far its events rest on a signature, and refuses a stream that was
tampered with (:class:`ReplayRefused`) or whose intact events the rules refuse
(:class:`NotFolded`).

"As of" is the ledger's time (``recorded_at``): what the record held at that moment. It never
goes backwards along the log; in a running engine it follows the step's own time
(``occurred_at``, the Convention's calendar) by milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel

from domain.errors import RuleViolation
from domain.kinds import Kind, kind_of
from ledger import Ledger, StoredEvent
from ledger.checkpoints import all_checkpoints
from ledger.encoding import GENESIS, canonical_json, canonical_time, event_hash
from ledger.problems import Problem, ProblemKind
from ledger.records import header
from ledger.verify import signature_problem
from ledger.vouching import vouched


class NotReplayed(Exception):  # noqa: N818 - the record, said in a sentence
    """The stream cannot be replayed as recorded; the message says where and why."""


class ReplayRefused(NotReplayed):
    """The stream's events were not those recorded (``problem``)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class NotFolded(NotReplayed):
    """An intact event that the rules refuse (a change of the rules, or an event written
    outside the engine): where, and why."""

    def __init__(self, position: int, stream: str, version: int, why: str) -> None:
        super().__init__(f"{stream} version {version} (position {position}) does not fold: "
                         f"{why}")
        self.position, self.stream, self.version, self.why = position, stream, version, why


@dataclass(frozen=True)
class Replayed:
    """The process of ``stream`` as of ``as_of`` (None: now): its state, the events it was
    folded from, and how many of them a signed checkpoint vouches for (the rest are chained
    only)."""

    stream: str
    kind: Kind[Any]
    as_of: str | None
    state: Any  # the kind's state
    events: tuple[StoredEvent, ...]
    signed: int
    later: int  # events of the stream recorded after the moment

    @property
    def chained_only(self) -> int:
        return len(self.events) - self.signed

    @property
    def phase(self) -> str:
        return self.kind.phase(self.state)


def called(stream: str) -> str:
    """What a sentence calls ``stream`` after "the": a kind with one stream a year by its year
    (``2027 cycle``), any other by its title and id (``country coalition coalition-lao-1``)."""
    kind = kind_of(stream)
    if kind.numbered:
        return f"{kind.title} {stream}"
    return f"{stream.removeprefix(kind.prefix)} {kind.name}"


def _hash(e: StoredEvent) -> str:
    """The event's hash recomputed from its content (``ledger.encoding``, format 1)."""
    return event_hash(header((
        e.position, str(e.event_id), e.stream, e.version, e.type, e.schema_version, e.actor,
        e.role, e.occurred_at, e.recorded_at, e.workflow_id, e.run_id,
        str(e.causation_id) if e.causation_id else None, e.prev_hash)), canonical_json(e.payload))


def check_stream(recorded: list[StoredEvent], signed: Mapping[int, bytes]) -> None:
    """Check each event's hash, its link, and (where ``signed`` has its position) the signed
    hash. Raises :class:`ReplayRefused` naming the first event that fails."""
    previous = GENESIS
    for expected, e in enumerate(recorded, start=1):
        def refused(kind: ProblemKind, detail: str, e: StoredEvent = e) -> ReplayRefused:
            return ReplayRefused(Problem(kind=kind, position=e.position, stream=e.stream,
                                         version=e.version, detail=detail))
        if e.version != expected:
            raise refused(ProblemKind.DELETED if e.version > expected else ProblemKind.INSERTED,
                          f"the stream holds version {e.version} where {expected} belongs")
        if _hash(e) != e.hash:
            raise refused(ProblemKind.ALTERED, "its content no longer matches its hash")
        if e.prev_hash != previous:
            raise refused(ProblemKind.ALTERED, "it does not link to the event before it")
        leaf = signed.get(e.position)
        if leaf is not None and leaf != bytes.fromhex(e.hash):
            raise refused(ProblemKind.ALTERED, "this is not the event the signed checkpoint "
                          "covered: it was changed and its chain recomputed")
        previous = e.hash


def checked(ledger: Ledger, recorded: list[StoredEvent],
            public_key: Ed25519PublicKey | None) -> set[int]:
    """:func:`check_stream` against the ledger's checkpoints, whose signatures are checked
    first (given ``public_key``); the positions of the events a signed checkpoint vouches for."""
    checkpoints = all_checkpoints(ledger.engine)
    if public_key is not None and (problem := signature_problem(checkpoints, public_key)):
        raise ReplayRefused(problem)
    # only the checkpoints' segments that hold the stream's events are proven, each from the
    # previous checkpoint's frontier (ledger.vouching): growing the Merkle tree from the first
    # leaf (~3 µs a leaf) made asking about this year's cycle cost as much as the whole log
    signed = vouched(checkpoints, (e.position for e in recorded))
    check_stream(recorded, signed)
    return set(signed)


def fold(stream: str, recorded: Iterable[tuple[int, int, Any]], state: Any = None) -> Any:
    """The process ``stream`` after its events, given as (position, version, and the payload or
    the event parsed from it), one by one through its kind's ``apply`` onto ``state`` (default:
    the kind's initial state; a snapshot's, :mod:`audit.snapshots`); :class:`NotFolded`
    naming the first one the rules refuse (or that is no event of the kind)."""
    kind = kind_of(stream)
    state = kind.state() if state is None else state
    for position, version, event in recorded:
        try:
            state = kind.apply(state, event if isinstance(event, BaseModel)
                               else kind.event.validate_python(event))
        except (RuleViolation, ValueError) as refused:  # pydantic's ValidationError is one
            raise NotFolded(position, stream, version, str(refused).splitlines()[0]) from None
    return state


def replay(ledger: Ledger, stream: str, as_of: datetime | None = None,
           public_key: Ed25519PublicKey | None = None, *, kind: Kind[Any] | None = None
           ) -> Replayed:
    """The process ``stream`` as of ``as_of``. Raises ``ValueError`` for a name that is no
    kind's stream (or not of ``kind``, if given), ``LookupError`` if the ledger holds no such
    stream, :class:`ReplayRefused` if its events (or the checkpoints' signatures, given
    ``public_key``) were tampered with, and :class:`NotFolded` if the rules refuse one."""
    stream = stream.lower()  # stream names are lower case (domain.kinds)
    try:
        found = kind_of(stream)
    except KeyError as error:
        raise ValueError(error.args[0]) from None
    if kind is not None and found is not kind:
        raise ValueError(f"{stream!r} is not the id of a {kind.title} ({kind.form})")
    recorded = ledger.read_stream(stream)
    if not recorded:
        raise LookupError(f"the ledger holds no {called(stream)}")
    vouched_for = checked(ledger, recorded, public_key)
    moment = canonical_time(as_of) if as_of is not None else None
    upto = [e for e in recorded if moment is None or e.recorded_at <= moment]
    return Replayed(stream=stream, kind=found, as_of=moment,
                    state=fold(stream, ((e.position, e.version, e.payload) for e in upto)),
                    events=tuple(upto), signed=sum(e.position in vouched_for for e in upto),
                    later=len(recorded) - len(upto))

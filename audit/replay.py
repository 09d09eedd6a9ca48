"""``audit replay``: a year's cycle as it stood at any moment, rebuilt from ledger events alone.

The events of stream ``cycle-<year>`` recorded at or before the moment are folded by
``domain.cycle.fold`` — the same rules that judged them — so the state shown is what the
record implies, not what any server says. Before folding, every event of the stream is checked:
its hash against its content, its link to the event before it, and, where a signed checkpoint
covers it, its hash against the one the signature vouches for. A replay therefore says how far
its events rest on a signature, and refuses to fold a stream that was tampered with.

"As of" is the ledger's time (``recorded_at``): what the record held at that moment. It never
goes backwards along the log; in a running engine it follows the step's own time
(``occurred_at``, the Convention's calendar) by milliseconds.

A coalition's or a silence procedure's stream is replayed the same way by
``audit.process_replay``, with :func:`checked` and :func:`held_at`.
"""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict

from contracts import cycle_id
from domain.cycle import fold
from domain.events import parse_event
from domain.state import CycleState
from ledger import Ledger, StoredEvent
from ledger.checkpoints import all_checkpoints
from ledger.encoding import GENESIS, canonical_json, canonical_time, event_hash
from ledger.problems import Problem, ProblemKind
from ledger.records import header
from ledger.verify import signature_problem, witness


class ReplayRefused(Exception):  # noqa: N818 - a refusal, named like the rules' RuleViolation
    """The stream cannot be replayed: its events were not those recorded (``problem``)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class StreamReplayed(BaseModel):
    """A stream as of ``as_of`` (None: now): the events its state was folded from, and how
    many of them a signed checkpoint vouches for (the rest are chained only)."""

    model_config = ConfigDict(frozen=True)

    as_of: str | None
    events: tuple[StoredEvent, ...]
    signed: int
    later: int  # events of the stream recorded after the moment

    @property
    def chained_only(self) -> int:
        return len(self.events) - self.signed


class Replayed(StreamReplayed):
    """The ``year`` cycle, replayed."""

    year: int
    state: CycleState


def _hash(e: StoredEvent) -> str:
    """The event's hash recomputed from its content (``ledger.encoding``, format 1)."""
    return event_hash(header((
        e.position, str(e.event_id), e.stream, e.version, e.type, e.schema_version, e.actor,
        e.role, e.occurred_at, e.recorded_at, e.workflow_id, e.run_id,
        str(e.causation_id) if e.causation_id else None, e.prev_hash)), canonical_json(e.payload))


def check_stream(recorded: list[StoredEvent], signed_leaves: bytes, proven: int) -> None:
    """Check each event's hash, its link, and (up to position ``proven``) the signed hash.
    Raises :class:`ReplayRefused` naming the first event that fails."""
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
        signed = signed_leaves[32 * e.position - 32:32 * e.position]
        if e.position <= proven and signed != bytes.fromhex(e.hash):
            raise refused(ProblemKind.ALTERED, "this is not the event the signed checkpoint "
                          "covered: it was changed and its chain recomputed")
        previous = e.hash


def checked(ledger: Ledger, recorded: list[StoredEvent],
            public_key: Ed25519PublicKey | None) -> int:
    """:func:`check_stream` against the ledger's checkpoints, whose signatures are checked
    first (given ``public_key``); how far the signed checkpoints reach (a position)."""
    checkpoints = all_checkpoints(ledger.engine)
    if public_key is not None and (problem := signature_problem(checkpoints, public_key)):
        raise ReplayRefused(problem)
    signed_leaves, proven = witness(checkpoints)
    check_stream(recorded, signed_leaves, proven.size)
    return proven.size


def held_at(recorded: list[StoredEvent], as_of: datetime | None
            ) -> tuple[str | None, list[StoredEvent]]:
    """The moment as the ledger writes it (None: now) and the events recorded by then."""
    moment = canonical_time(as_of) if as_of is not None else None
    return moment, [e for e in recorded if moment is None or e.recorded_at <= moment]


def replay(ledger: Ledger, year: int, as_of: datetime | None = None,
           public_key: Ed25519PublicKey | None = None) -> Replayed:
    """The ``year`` cycle as of ``as_of``. Raises :class:`ReplayRefused` if its events, or the
    checkpoints' signatures (given ``public_key``), were tampered with, and ``LookupError`` if
    the ledger holds no such cycle."""
    recorded = ledger.read_stream(cycle_id(year))
    if not recorded:
        raise LookupError(f"the ledger holds no {year} cycle")
    proven = checked(ledger, recorded, public_key)
    moment, upto = held_at(recorded, as_of)
    return Replayed(year=year, as_of=moment, state=fold(parse_event(e.payload) for e in upto),
                    events=tuple(upto), signed=sum(e.position <= proven for e in upto),
                    later=len(recorded) - len(upto))

"""``audit replay --coalition …`` and ``--silence …``: a country coalition or a silence
procedure as it stood at any moment, rebuilt from its ledger stream alone.

Its stream is its workflow id (``coalition-lao-1``, ``silence-2027-1``). Its events are checked
as a year's are (``audit.replay.checked``: hash, link, signed leaf; a tampered stream is
refused, naming the event), then folded one by one by the domain's own ``apply``
(``domain.coalition``, ``domain.silence``) — the rules that judged each step. "As of" is the
ledger's time, as for a year.

Also here: which process streams touch some years (by the Convention's time of their events,
``occurred_at``), for ``audit export`` and ``audit cross-check``, and the fold of a stream's
payloads alone, for ``audit verify-bundle``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from audit.replay import StreamReplayed, checked, held_at
from domain import coalition, kinds, silence
from domain.coalition_events import COALITION_EVENT
from domain.coalition_state import CoalitionState
from domain.errors import RuleViolation
from domain.silence import SilenceState
from domain.silence_events import SILENCE_EVENT
from ledger import Ledger, StoredEvent
from reading.streams import streams

COALITIONS, SILENCE = kinds.COALITION.prefix, kinds.SILENCE.prefix

Kind = Literal["coalition", "silence"]
ProcessState = CoalitionState | SilenceState
#: what each kind is called in a sentence
NAMES: Mapping[Kind, str] = {"coalition": "country coalition", "silence": "silence procedure"}
#: a stream's id as people write it: the kind's prefix, then the rest
FORMS: Mapping[Kind, str] = {"coalition": "coalition-<iso3>-<n>",
                             "silence": "silence-<year>-<n>"}


class NotFolded(Exception):  # noqa: N818 - like ReplayRefused: the record, said in a sentence
    """An intact event that the rules refuse (a change of the rules, or an event written
    outside the engine): where, and why."""

    def __init__(self, position: int, stream: str, version: int, why: str) -> None:
        super().__init__(f"{stream} version {version} (position {position}) does not fold: "
                         f"{why}")
        self.position, self.stream, self.version, self.why = position, stream, version, why


def kind_of(stream: str) -> Kind | None:
    """``coalition``, ``silence``, or ``None`` for a stream of neither."""
    if stream.startswith(COALITIONS):
        return "coalition"
    if stream.startswith(SILENCE):
        return "silence"
    return None


def _appliers(kind: Kind) -> tuple[ProcessState, Callable[[Any, dict[str, Any]], Any]]:
    """The state before the first event, and the domain's ``apply`` of one payload."""
    if kind == "coalition":
        return CoalitionState(), lambda s, p: coalition.apply(s, COALITION_EVENT
                                                              .validate_python(p))
    return SilenceState(), lambda s, p: silence.apply(s, SILENCE_EVENT.validate_python(p))


def fold_payloads(stream: str, payloads: Iterable[tuple[int, int, dict[str, Any]]]
                  ) -> ProcessState:
    """The process after its events' payloads, given as (position, version, payload), one by
    one through the domain's ``apply``; :class:`NotFolded` naming the first it refuses."""
    kind = kind_of(stream)
    if kind is None:
        raise ValueError(f"{stream} is the stream of no coalition or silence procedure")
    state, apply = _appliers(kind)
    for position, version, payload in payloads:
        try:
            state = apply(state, payload)
        except (RuleViolation, ValidationError, ValueError) as refused:
            why = str(refused).splitlines()[0]
            raise NotFolded(position, stream, version, why) from None
    return state


def fold_recorded(stream: str, recorded: Iterable[StoredEvent]) -> ProcessState:
    """The process ``stream`` after its recorded events."""
    return fold_payloads(stream, ((e.position, e.version, e.payload) for e in recorded))


def year_of(e: StoredEvent) -> int:
    """The year the event occurred in (the Convention's time: ``occurred_at``, UTC)."""
    return int(e.occurred_at[:4])


def process_streams(ledger: Ledger) -> list[str]:
    """Every coalition's and silence procedure's stream the ledger holds."""
    return streams(ledger, kinds.COALITION) + streams(ledger, kinds.SILENCE)


def touching(ledger: Ledger, years: Collection[int]) -> list[str]:
    """The process streams with an event that occurred in one of ``years``; every one of
    them for no years at all (``()``)."""
    chosen = set(years)
    return [s for s in process_streams(ledger)
            if not chosen or any(year_of(e) in chosen for e in ledger.read_stream(s))]


class ProcessReplayed(StreamReplayed):
    """The ``kind`` process of ``stream``, replayed."""

    stream: str
    kind: Kind
    state: CoalitionState | SilenceState

    @property
    def phase(self) -> str:
        return self.state.phase.value


def replay_process(ledger: Ledger, kind: Kind, stream: str, as_of: datetime | None = None,
                   public_key: Ed25519PublicKey | None = None) -> ProcessReplayed:
    """The ``kind`` process ``stream`` as of ``as_of``. Raises ``ValueError`` for an id that is
    not of that kind, ``LookupError`` if the ledger holds no such stream,
    ``audit.replay.ReplayRefused`` if its events (or the checkpoints' signatures, given
    ``public_key``) were tampered with, and :class:`NotFolded` if the rules refuse one."""
    stream = stream.lower()  # stream names are lower case (domain.kinds)
    if kind_of(stream) != kind:
        raise ValueError(f"{stream!r} is not the id of a {NAMES[kind]} ({FORMS[kind]})")
    recorded = ledger.read_stream(stream)
    if not recorded:
        raise LookupError(f"the ledger holds no {NAMES[kind]} {stream}")
    proven = checked(ledger, recorded, public_key)
    moment, upto = held_at(recorded, as_of)
    return ProcessReplayed(stream=stream, kind=kind, as_of=moment,
                           state=fold_recorded(stream, upto),
                           events=tuple(upto), signed=sum(e.position <= proven for e in upto),
                           later=len(recorded) - len(upto))


def summary(state: ProcessState) -> str:
    """The folded state in one sentence (``replay``'s line under the phase)."""
    if isinstance(state, SilenceState):
        if state.text is None:
            return "not circulated"
        objections = "; ".join(f"{s} objects: {o}" for s, o in state.objections) or "none"
        return (f"{state.subject!r}: circulation {state.circulation} of "
                f"{state.text.reference}, silence until "
                f"{state.deadline.isoformat() if state.deadline else '—'}; objections: "
                f"{objections}")
    if state.charter is None:
        return "not identified"
    c = state.charter
    held = sum(w.outcomes is not None for w in state.workshops)
    return (f"{c.affected_state} with {c.partner_state} ({c.partner_role.value})"
            + (", a non-State Party (CK-8)" if state.non_state_party else "")
            + f"; focus {', '.join(f.value for f in c.focus)}; agreed: "
            f"{', '.join(state.agreed) or 'none'}; strategy "
            f"{state.strategy.reference if state.strategy else 'none'}; participants: "
            f"{', '.join(p.name for p in state.participants) or 'none'}; "
            f"{len(state.workshops)} workshop(s), {held} held; {len(state.activities)} "
            f"activity(ies) coordinated; progress to the MSP of "
            f"{', '.join(str(r.msp_year) for r in state.reports) or 'none yet'}"
            + (f"; closed: {state.closed_because}" if state.closed_because else ""))

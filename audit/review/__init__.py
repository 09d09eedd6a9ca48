"""What a Review Conference reviews (CO-9, CC-4, ISU-5), gathered from the recorded events alone.

:func:`gather` walks the events once for every kind of process in ``domain.kinds``: it sorts them
into their streams, asks the kind's :class:`~audit.review.section.Section` which of a stream's
events the report reads, parses each by the kind's events (one it cannot read refuses the
report, naming it), and lets the section make its facts: the years' cycles
(:mod:`audit.review.cycle`), the country coalitions (:mod:`audit.review.coalition`) and the
silence procedures (:mod:`audit.review.silence`) the years concern. A new kind of process adds
one section module and its entry in :data:`SECTIONS` (and, to be shown, its part of
``report.html`` and its field here).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from audit.review import coalition, cycle, silence
from audit.review.coalition import CoalitionFacts, Progress
from audit.review.facts import Deviation, DeviationKind, Fact, MandateSeats, YearFacts
from audit.review.section import Read, ReportError, Section, Years, refused
from audit.review.silence import SilenceFacts
from domain.convention import State, shipped_registry
from domain.kinds import COALITION, CYCLE, KINDS, SILENCE, Kind
from i18n import _
from ledger import StoredEvent
from reading.streams import numbered

__all__ = ["SECTIONS", "ReportError", "ReviewFacts", "gather", "summary"]

#: every kind's section of the report, by the kind's name (``domain.kinds.KINDS``)
SECTIONS: dict[str, Section] = {CYCLE.name: cycle.SECTION, COALITION.name: coalition.SECTION,
                                SILENCE.name: silence.SECTION}


class ReviewFacts(Fact):
    """The years ``from_year``…``to_year`` as the ledger recorded them."""

    from_year: int
    to_year: int
    years: tuple[YearFacts, ...]
    names: dict[str, str]  # alpha-3 code -> the State's name, as recorded
    coalitions: tuple[CoalitionFacts, ...] = ()
    procedures: tuple[SilenceFacts, ...] = ()

    def progress(self, msp_year: int) -> list[Progress]:
        """The coalitions' progress reported into the submission to the MSP of ``msp_year``
        (the one the ``msp_year`` cycle's work plan goes to)."""
        return [r for c in self.coalitions for r in c.reports if r.msp_year == msp_year]

    def deviations(self, kind: DeviationKind) -> list[Deviation]:
        return [d for y in self.years for d in y.deviations if d.kind is kind]

    def registry_standings(self) -> bool:
        """Whether any coordinator's standing had to come from today's registry."""
        return any(not c.recorded for y in self.years for c in y.held)

    def mandates(self) -> dict[str, MandateSeats]:
        """Every mandate of the years, in the order of 2MSP (a later year adds its new ones)."""
        found: dict[str, MandateSeats] = {}
        for m in (m for y in self.years for m in y.coordinators):
            found.setdefault(m.key, m)
        return found


def gather(events: Iterable[StoredEvent], from_year: int, to_year: int,
           registry: Mapping[str, State] | None = None) -> ReviewFacts:
    """The facts of ``from_year``…``to_year`` from ``events`` (any order; streams of no kind
    are passed over, and so are those a kind's section says the years do not concern).
    Earlier years' events may be given too: their elections say how the States of carried
    terms stood when they were elected; only a State no recorded step judged is looked up in
    ``registry`` (default: the shipped one). ``ReportError`` if a year has no recorded cycle,
    or an event read cannot be read or is refused by the rules."""
    if from_year > to_year:
        raise ReportError(_("the report runs from {first} to {last}, which is backwards; "
                            "--from-year comes first.").format(first=from_year, last=to_year))
    years = Years(from_year, to_year, shipped_registry() if registry is None else registry)
    by_stream: dict[str, list[StoredEvent]] = defaultdict(list)
    for stored in events:
        by_stream[stored.stream].append(stored)
    found: dict[str, tuple[Any, ...]] = {}
    named: list[Mapping[str, str]] = []
    for kind in KINDS.values():
        section = SECTIONS[kind.name]
        read = [r for stream in numbered(s for s in by_stream if kind.owns(s))
                if (r := _read(kind, section, stream, by_stream[stream], years)) is not None]
        found[section.field], recorded_names = section.make(read, years)
        named.append(recorded_names)
    names = {code: state.name for code, state in years.registry.items()}
    for recorded in reversed(named):  # the first kinds' records win: the cycles' elections
        names |= recorded
    return ReviewFacts(from_year=from_year, to_year=to_year, names=names, **found)


def _read(kind: Kind[Any], section: Section, stream: str, events: list[StoredEvent],
          years: Years) -> Read | None:
    """The events of ``stream`` the section reads, parsed; ``None`` if it reads none."""
    recorded = sorted(events, key=lambda e: e.version)
    chosen = section.reads(stream, recorded, years)
    if not chosen:
        return None
    parsed = []
    for s in chosen:
        try:
            parsed.append((s, kind.event.validate_python(s.payload)))
        except ValidationError as error:
            raise refused(s.position, s.stream, s.version, "is not an event the engine "
                          f"knows: {error.errors()[0]['msg']}") from None
    return Read(stream=stream, events=tuple(parsed), later=len(recorded) - len(chosen))


def summary(kind: Kind[Any], state: Any) -> str:
    """``state``, a state of ``kind``, in one sentence (``audit replay``'s line)."""
    return SECTIONS[kind.name].summary(state)

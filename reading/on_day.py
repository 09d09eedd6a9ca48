"""The Convention on a given day, from the ledger: the cycle running that day, who presided,
who was designated, the coordinators in office and the Coordination Committee as it sat.

A day is the Convention's (events' ``occurred_at``), not the ledger's: a year imported from the
record (``intersessional history import``) was recorded today but happened then, and it is
then that this reading places it. The cycle running on ``day`` is the latest one opened on or
before it; its events that occurred by the end of ``day`` are folded by the rules that judged
them (``domain.cycle.fold``), and the committee follows from the record by the cycle's profile.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from pydantic import BaseModel, ConfigDict

from domain.committee import CommitteeMember, coordinators_on, designates_on, presiding_on
from domain.cycle import fold
from domain.events import CycleEvent, parse_event
from domain.state import CycleState, Phase
from ledger import Ledger


class Coordinator(BaseModel):
    model_config = ConfigDict(frozen=True)

    mandate: str
    state: str
    first_year: int
    last_year: int
    replacing: str | None = None


class OnDay(BaseModel):
    """What the record says of the machinery on ``day``."""

    model_config = ConfigDict(frozen=True)

    day: date
    year: int
    phase: str
    profile: str
    president: str | None
    designated: tuple[str, ...]
    coordinators: tuple[Coordinator, ...]
    committee: tuple[CommitteeMember, ...]
    sources: tuple[str, ...]


def _events(ledger: Ledger, year: int) -> list[CycleEvent]:
    return [parse_event(e.payload) for e in ledger.read_stream(f"cycle-{year}")]


def running_on(ledger: Ledger, day: date) -> tuple[int, CycleState, list[CycleEvent]] | None:
    """The cycle running on ``day`` (its year, its state that day, the events folded)."""
    end = datetime.combine(day, time.max, tzinfo=UTC)
    years = sorted((int(s.removeprefix("cycle-")) for s in ledger.streams("cycle-")),
                   reverse=True)
    for year in years:
        events = _events(ledger, year)
        if events and events[0].occurred_at <= end:
            held = [e for e in events if e.occurred_at <= end]
            return year, fold(held), held
    return None


def on_day(ledger: Ledger, day: date) -> OnDay | None:
    """The machinery on ``day`` as the ledger records it; ``None`` before its first cycle."""
    found = running_on(ledger, day)
    if found is None:
        return None
    year, state, held = found
    presiding = presiding_on(day, state.presidencies)
    running = coordinators_on(day, state.terms, state.profile.term_basis)
    coordinators = tuple(Coordinator(mandate=key, state=t.state, first_year=t.first_year,
                                     last_year=t.last_year, replacing=t.replacing)
                         for key in state.catalogue for t in running.get(key, []))
    phase = state.phase.value
    if not state.records_workplan and state.phase is Phase.CLOSING:
        phase = "awaiting_its_closing_meeting"  # a year whose record holds no work plan
    return OnDay(day=day, year=year, phase=phase, profile=state.profile.name,
                 president=presiding.state if presiding else None,
                 designated=tuple(p.state for p in designates_on(day, state.presidencies)),
                 coordinators=coordinators, committee=state.committee_on(day),
                 sources=tuple(dict.fromkeys(e.source for e in held if e.source)))

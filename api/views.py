"""What the API and the dashboard show: a cycle, its timeline from the ledger, the Coordination
Committee of a day, the signed-in person; a country coalition and a silence procedure as the
ledger records them (:mod:`reading.streams`). Shared by the JSON routes and the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from contracts import cycle_id
from domain.committee import CommitteeMember
from domain.convention import COMMITTEE_ORGANISATIONS, Role, shipped_registry
from domain.kinds import COALITION, CYCLE, SILENCE
from domain.state import CycleState, Phase, WorkplanStatus
from domain.steps import BY_STEP, Step
from identities import Person
from ledger import Ledger, StoredEvent
from reading.timeline import what as summary_of

ORGANISATIONS = {"ICRC": "International Committee of the Red Cross", "UN": "United Nations",
                 "CMC": "Cluster Munition Coalition"}


class CycleView(BaseModel):
    """A cycle as the engine holds it now."""

    year: int
    phase: Phase
    workplan_status: WorkplanStatus | None
    workplan_hash: str | None = Field(description="SHA-256 of the current draft, if any")
    event_count: int
    state: CycleState


class TimelineEntry(BaseModel):
    """One recorded event: what, by whom in which role, when, and its place in the chain."""

    position: int
    version: int
    type: str
    actor: str
    role: str
    occurred_at: str
    recorded_at: str
    hash: str
    prev_hash: str
    summary: str
    payload: dict[str, Any]


class Seat(BaseModel):
    represents: str
    name: str
    basis: str
    paragraph: str


class Committee(BaseModel):
    """The Coordination Committee on a day, from the cycle's recorded elections (CC-3)."""

    year: int
    on: date
    seats: list[Seat]


class Me(BaseModel):
    """The person the token belongs to, and the steps their role may take."""

    id: int
    name: str
    role: Role
    represents: str | None
    description: str
    steps: list[Step]
    coalition_steps: list[str] = Field(description="the steps of a country coalition the "
                                       "role may take")
    silence_steps: list[str] = Field(description="the steps of a silence procedure (an "
                                     "extension) the role may take")


def cycle_view(year: int, state: CycleState) -> CycleView:
    return CycleView(year=year, phase=state.phase, workplan_status=state.workplan_status,
                     workplan_hash=state.draft_hash, event_count=state.event_count, state=state)


def timeline(ledger: Ledger, year: int) -> list[TimelineEntry]:
    return [entry(e) for e in ledger.read_stream(cycle_id(year))]


def entry(e: StoredEvent) -> TimelineEntry:
    try:
        what = summary_of(e.payload)
    except (KeyError, TypeError, ValueError, ArithmeticError):  # a payload of another shape
        what = ""
    return TimelineEntry(position=e.position, version=e.version, type=e.type, actor=e.actor,
                         role=e.role, occurred_at=e.occurred_at, recorded_at=e.recorded_at,
                         hash=e.hash, prev_hash=e.prev_hash, summary=what, payload=e.payload)


def name_of(code: str) -> str:
    """``Chile (CHL)``, ``United Nations (UN)``, or the bare code."""
    if code in COMMITTEE_ORGANISATIONS:
        return f"{ORGANISATIONS.get(code, code)} ({code})"
    return shipped_registry().describe(code)


def committee(year: int, state: CycleState, on: date) -> Committee:
    members: tuple[CommitteeMember, ...] = state.committee_on(on)
    return Committee(year=year, on=on, seats=[
        Seat(represents=m.represents, name=name_of(m.represents), basis=m.basis,
             paragraph=m.paragraph) for m in members])


def steps_of(role: Role) -> list[Step]:
    """The steps a person in ``role`` may take, in the order of the year."""
    return [Step(step) for step in CYCLE.commands if role in BY_STEP[step].roles]


def me(person: Person) -> Me:
    return Me(id=person.id, name=person.name, role=person.role, represents=person.represents,
              description=person.describe(), steps=steps_of(person.role),
              coalition_steps=[n for n in COALITION.commands
                               if person.role in COALITION.by_step[n].roles],
              silence_steps=[n for n in SILENCE.commands
                             if person.role in SILENCE.by_step[n].roles])


def known_years(ledger: Ledger) -> list[int]:
    """The years whose cycles the ledger holds, newest first."""
    return sorted((int(s[6:]) for s in ledger.streams("cycle-") if s[6:].isdigit()),
                  reverse=True)

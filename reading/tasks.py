"""Which steps wait for whom: for one person, every step open now that is theirs to take, in
every year's cycle, country coalition and silence procedure the ledger records, with its
deadline and the dashboard page where it is taken. The dashboard's front page, ``GET /tasks``,
``intersessional tasks`` and the reminders (``notify``) read it here, so that they all agree.

A step is a person's when their role takes it and the record gives them that role on the day
(``domain.authority``, as the engine judges it): the President presiding, a committee member
sitting on the Coordination Committee, a coordinator in office; for a coalition, a delegate of
a co-coordinating State (CK-2); for a silence procedure circulated among the committee, one of
its members (CC-5). A step only the committee's chair records (CC-5) is the chair's alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from contracts import cycle_id
from domain.authority import Record, authorise
from domain.committee_decisions import chair_alone
from domain.convention import Actor, Role
from domain.errors import RuleViolation
from domain.events import parse_event
from domain.kinds import COALITION, CYCLE, SILENCE, Kind
from domain.offices import record_of
from domain.procedure import PendingStep
from identities import Person
from ledger import Ledger
from reading.streams import NotFoldable, fold, streams
from reading.workplan import DECIDING


class Task(BaseModel):
    """A step waiting for the person: where (kind and stream), what, under which rule, by
    when, and the page where it is taken."""

    model_config = ConfigDict(frozen=True)

    kind: str
    stream: str
    step: str
    label: str
    rule_id: str
    due: date | None
    overdue: bool
    page: str


def _actor(person: Person) -> Actor:
    return Actor(name=person.name, role=person.role, represents=person.represents)


def authorised(person: Person, record: Record, day: date) -> bool:
    """Whether the record gives ``person`` their role on ``day`` (``domain.authority``)."""
    try:
        authorise(_actor(person), day, record)
    except RuleViolation:
        return False
    return True


def may_take(step: PendingStep, person: Person, state: Any, day: date) -> bool:
    """Whether ``person`` takes ``step`` of a year's cycle in ``state`` on ``day``: their role
    takes it, it is not the committee chair's alone (CC-5), and the cycle's record gives them
    that role that day."""
    if person.role not in step.roles or chair_alone(state, step.step, person.role):
        return False
    return authorised(person, Record(terms=state.terms, presidencies=state.presidencies,
                                     mandates=state.mandates, profile=state.profile), day)


def _page(kind: Kind[Any], stream: str, step: str) -> str:
    if kind is CYCLE:
        year = stream.removeprefix(CYCLE.prefix)
        return (f"/dashboard/{year}/{step}/confirm" if step in DECIDING
                else f"/dashboard/{year}#pending")
    folder = "coalitions" if kind is COALITION else "silence"
    return f"/dashboard/{folder}/{stream}#pending"


def _speaks(kind: Kind[Any], person: Person, state: Any) -> bool:
    """A delegate's or a member's further condition in a coalition or a silence procedure."""
    if kind is COALITION and person.role is Role.DELEGATE:
        return person.represents in state.co_coordinators  # CK-2
    if kind is SILENCE and state.among:  # circulated among the committee's members (CC-5)
        return person.represents in state.among
    if kind is SILENCE and person.role is Role.DELEGATE:  # SP-2: once a circulation
        return person.represents not in {state for state, _ in state.objections}
    return True


def record_around(ledger: Ledger, day: date) -> Record:
    """Who held office around ``day``, as the cycles of the years around it record (what the
    workflows of coalitions and silence procedures read, ``contracts.READ_RECORD``)."""
    return record_of(parse_event(e.payload) for y in range(day.year - 1, day.year + 2)
                     for e in ledger.read_stream(cycle_id(y)))


def tasks_of(ledger: Ledger, person: Person, day: date) -> list[Task]:
    """The steps waiting for ``person`` on ``day``, soonest deadline first (those with none
    last), across every cycle, coalition and silence procedure the ledger records."""
    found: list[Task] = []
    record: Record | None = None
    for kind in (CYCLE, COALITION, SILENCE):
        for stream in streams(ledger, kind):
            try:
                state = fold(kind, ledger.read_stream(stream))
            except NotFoldable:  # an altered ledger: the audit's to say, no task in it
                continue
            if state is None or kind.ended(state):
                continue
            for step in kind.pending(state):
                if kind is CYCLE:
                    if not may_take(step, person, state, day):
                        continue
                else:
                    if person.role not in step.roles or not _speaks(kind, person, state):
                        continue
                    record = record if record is not None else record_around(ledger, day)
                    if not authorised(person, record, day):
                        continue
                found.append(Task(kind=kind.name, stream=stream, step=step.step,
                                  label=step.label, rule_id=step.rule_id, due=step.due,
                                  overdue=step.due is not None and step.due < day,
                                  page=_page(kind, stream, step.step)))
    return sorted(found, key=lambda t: (t.due is None, t.due or day, t.stream))

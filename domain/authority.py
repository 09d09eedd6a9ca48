"""Who may act in a role on a given day, as the record says — for every kind of process.

A role alone is a claim; authority follows from the recorded elections and designations on
the step's date (issue 19):

- the President represents the State whose presidency the record holds that day (CO-3: the
  President of the most recent meeting; :func:`domain.committee.presiding_on`); the
  President-designate, a State designated and not yet in office;
- a committee member's State or organisation sits on the Coordination Committee that day
  (CC-3; for identifying a coalition's candidate, CK-7);
- a coordinator's State holds an elected term (:class:`domain.elections.Term`) covering the
  day, for a mandate the step is for (a coalition's workshop: clearance or cooperation and
  assistance, CK-7);
- the ISU acts as the ISU, for no State (ISU-1); a delegate acts for their own State only —
  which States a step is for is the kind's to say (:func:`check_delegate`).

The annual cycle holds its record in its state; a coalition or a silence procedure is given it
(:class:`Record`, read from the ledger's cycle streams by its workflow). Each refusal names its
rule and says, in one sentence, who holds the seat or presidency that day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from domain.committee import (
    Presidency,
    committee_on,
    coordinators_on,
    designates_on,
    presiding_on,
)
from domain.convention import Actor, Role
from domain.elections import Term
from domain.errors import RuleViolation
from domain.limits import Most
from domain.mandates import DEFAULT_MANDATES, Mandate
from domain.profile import FIRST_READING, Profile, profile

#: the roles whose authority the record decides (a delegate's State is the step's business)
BY_THE_RECORD = frozenset({Role.PRESIDENT, Role.PRESIDENT_DESIGNATE, Role.COMMITTEE_MEMBER,
                           Role.COORDINATOR})
#: CK-7: the coordinators who explore a country workshop with the affected State (7MSP ¶10)
WORKSHOP_MANDATES = ("clearance", "cooperation-assistance")


class Record(BaseModel):
    """What the record holds of who holds office: the elected terms, the presidencies and the
    mandates they are for (as the ledger's cycle streams hold them)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    terms: Annotated[tuple[Term, ...], Most(items=10_000)] = ()
    presidencies: Annotated[tuple[Presidency, ...], Most(items=10_000)] = ()
    mandates: Annotated[tuple[Mandate, ...], Most(items=100)] = DEFAULT_MANDATES
    #: how terms run and who sits on the committee (the latest cycle's, as the ledger holds it)
    profile: Profile = Field(default_factory=lambda: profile(FIRST_READING))

    @property
    def catalogue(self) -> dict[str, Mandate]:
        return {m.key: m for m in self.mandates}


def needs_record(actor: Actor) -> bool:
    """Whether ``actor``'s authority is the record's to say (not a delegate's, the engine's)."""
    return actor.role in BY_THE_RECORD


@dataclass(frozen=True)
class Citing:
    """The rule a refusal cites for each role the record decides, and the mandates whose
    coordinators may take the step (none: no coordinator may)."""

    president: str = "CO-3"
    committee: str = "CC-3"
    coordinator: str = "CO-3"
    mandates: tuple[str, ...] = ()


def _for(actor: Actor) -> str:
    return f"{actor.name} (for {actor.represents or 'no State'})"


def check_president(rule_id: str, actor: Actor, day: date,
                    presidencies: Iterable[Presidency]) -> None:
    """Refuse ``actor`` as President unless their State holds the presidency on ``day``."""
    presiding = presiding_on(day, presidencies)
    if presiding is None:
        raise RuleViolation(rule_id, "the record names no presidency in office on {day}, so "
                                     "{actor} cannot act as President; the first year the "
                                     "engine keeps is opened with the presidency in office "
                                     "(carried_presidencies).",
                                     day=day, actor=_for(actor))
    if actor.represents != presiding.state:
        raise RuleViolation(rule_id, "{state} holds the presidency of the {meeting} on {day}, "
                                     "so {actor} cannot act as President.",
                                     state=presiding.state, meeting=presiding.meeting, day=day,
                                     actor=_for(actor))


def check_president_designate(rule_id: str, actor: Actor, day: date,
                              presidencies: Iterable[Presidency]) -> None:
    """Refuse ``actor`` as President-designate unless their State is designated on ``day``."""
    designated = designates_on(day, presidencies)
    if actor.represents not in [p.state for p in designated]:
        holder = " and ".join(f"{p.state} (for the {p.meeting})" for p in designated)
        raise RuleViolation(rule_id, "{holder} is President-designate on {day}, so {actor} "
                                     "cannot act as President-designate.",
                                     holder=holder or 'no State', day=day, actor=_for(actor))


def check_committee_member(rule_id: str, actor: Actor, day: date, record: Record) -> None:
    """Refuse ``actor`` unless the State or organisation they represent sits on the
    Coordination Committee on ``day`` (CC-3)."""
    members = committee_on(day, record.terms, record.presidencies, record.catalogue,
                           record.profile)
    if actor.represents in [m.represents for m in members]:
        return
    sitting = ", ".join(dict.fromkeys(m.represents for m in members))
    raise RuleViolation(rule_id, "{represents} does not sit on the Coordination Committee on "
                                 "{day}, so {name} cannot take its decision; that day it is "
                                 "{sitting}.",
                                 represents=actor.represents or 'no one', day=day, name=actor.name,
                                 sitting=sitting)


def check_coordinator(rule_id: str, actor: Actor, day: date, record: Record,
                      mandates: Iterable[str]) -> None:
    """Refuse ``actor`` unless their State holds an elected term covering ``day`` for one of
    ``mandates`` (none given: no coordinator takes the step)."""
    keys, catalogue = tuple(mandates), record.catalogue
    in_force = coordinators_on(day, record.terms, record.profile.term_basis)
    if any(t.state == actor.represents for key in keys for t in in_force.get(key, [])):
        return
    names = " or ".join(catalogue[k].name if k in catalogue else k for k in keys)
    holding = ", ".join(f"{t.state} ({catalogue[k].name if k in catalogue else k})"
                        for k in keys for t in in_force.get(k, [])) or "no State"
    raise RuleViolation(rule_id, "{actor} holds no elected term as coordinator of {names} "
                                 "covering {day}; the coordinators that day are {holding}.",
                                 actor=_for(actor), names=names or 'this step', day=day,
                                 holding=holding)


def check_isu(actor: Actor) -> None:
    """The ISU acts as the ISU, for all the States Parties and for none of them (ISU-1)."""
    if actor.represents is not None:
        raise RuleViolation("ISU-1", "the ISU serves all the States Parties and reports to "
                                     "them, so {name} of the ISU acts for no State, not for "
                                     "{represents}.",
                                     name=actor.name, represents=actor.represents)


def check_delegate(rule_id: str, label: str, actor: Actor, speaks_for: Iterable[str | None]
                   ) -> None:
    """Refuse a delegate unless they speak for one of the States a step is for."""
    states = [s for s in speaks_for if s]
    if actor.represents not in states:
        raise RuleViolation(rule_id, "{label} is for a delegate of {states}; {name} speaks for "
                                     "{represents}.",
                                     label=label, states=' or '.join(states), name=actor.name,
                                     represents=actor.represents or 'no State')


def authorise(actor: Actor, day: date, record: Record, citing: Citing = Citing()) -> None:
    """Refuse ``actor`` if the record on ``day`` does not give their role to them; a delegate
    is judged by the kind (:func:`check_delegate`), the engine and an auditor are not."""
    match actor.role:
        case Role.PRESIDENT:
            check_president(citing.president, actor, day, record.presidencies)
        case Role.PRESIDENT_DESIGNATE:
            check_president_designate(citing.president, actor, day, record.presidencies)
        case Role.COMMITTEE_MEMBER:
            check_committee_member(citing.committee, actor, day, record)
        case Role.COORDINATOR:
            check_coordinator(citing.coordinator, actor, day, record, citing.mandates)
        case Role.ISU:
            check_isu(actor)
        case _:
            return

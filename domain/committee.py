"""The Coordination Committee on any date, derived from recorded elections and presidencies.

CC-3: the membership of a given day follows from what was recorded — never typed in by hand.
CC-1 (chaired by the President, meets ad hoc) and CC-2 (coordinates the coordinators' work with
the MSP's) are served by the cycle: the committee's decisions on the work plan are taken by its
members or its chair and recorded with who took them. CC-4 (reviewed at the First Review
Conference) is served by the audit trail: every committee decision is an event in the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.convention import COMMITTEE_ORGANISATIONS
from domain.elections import Term, holders
from domain.limits import Name
from domain.mandates import Mandate, mandates


class Presidency(BaseModel):
    """A State's presidency of a Meeting of States Parties or Review Conference.

    Designated at one meeting (``designated_on``), it is President-designate until the meeting
    it presides opens (``presides_from``), then President until the next one opens
    (``presides_until``; ``None`` while that date is not yet known).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: Name
    meeting: Name
    designated_on: date
    presides_from: date
    presides_until: date | None = None

    def presides_on(self, day: date) -> bool:
        return self.presides_from <= day and (
            self.presides_until is None or day < self.presides_until)

    def designate_on(self, day: date) -> bool:
        return self.designated_on <= day < self.presides_from


class CommitteeMember(BaseModel):
    """One seat at the committee: who sits (a State's code or ICRC/UN/CMC), and on what basis."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    represents: str
    basis: str
    paragraph: str


def presiding_on(day: date, presidencies: Iterable[Presidency]) -> Presidency | None:
    """CO-3: the presidency of the most recent meeting on ``day`` (``None`` where the record
    names none); an earlier presidency left open-ended ends when a later one takes office."""
    return max((p for p in presidencies if p.presides_on(day)),
               key=lambda p: p.presides_from, default=None)


def designates_on(day: date, presidencies: Iterable[Presidency]) -> tuple[Presidency, ...]:
    """The presidencies designated and not yet in office on ``day`` (President-designate)."""
    return tuple(p for p in presidencies if p.designate_on(day))


def committee_on(
    day: date,
    terms: Iterable[Term],
    presidencies: Iterable[Presidency],
    catalogue: Mapping[str, Mandate] | None = None,
) -> tuple[CommitteeMember, ...]:
    """The Coordination Committee on ``day`` (CC-3, 2MSP P3.2 (a)–(f))."""
    known = catalogue if catalogue is not None else mandates()
    chosen = list(presidencies)
    presiding = presiding_on(day, chosen)
    members = [CommitteeMember(represents=presiding.state,
                               basis=f"President of the {presiding.meeting}",
                               paragraph="P3.2(a)")] if presiding else []
    in_force = holders(terms, day.year)
    for key, m in known.items():
        paragraph = "P3.2(b)" if m.is_working_group else "P3.2(c)"
        members += [CommitteeMember(represents=t.state, basis=f"Coordinator, {m.name}",
                                    paragraph=paragraph) for t in in_force.get(key, [])]
    members += [CommitteeMember(represents=p.state, basis=f"President-designate of the "
                                f"{p.meeting}", paragraph="P3.2(d)")
                for p in designates_on(day, chosen)]
    members += [CommitteeMember(represents=org, basis="Representative",
                                paragraph="P3.2(f)" if org == "CMC" else "P3.2(e)")
                for org in COMMITTEE_ORGANISATIONS]
    return tuple(members)


def sits_on_committee(
    represents: str | None,
    day: date,
    terms: Iterable[Term],
    presidencies: Iterable[Presidency],
    catalogue: Mapping[str, Mandate] | None = None,
) -> bool:
    """Whether a State or organisation holds a committee seat on ``day``."""
    return represents is not None and any(
        m.represents == represents for m in committee_on(day, terms, presidencies, catalogue))

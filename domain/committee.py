"""The Coordination Committee on any date, derived from recorded elections and presidencies.

CC-3: the membership of a given day follows from what was recorded — never typed in by hand —
and from the cycle's profile (``domain.profile``): which seats sit, as members or observers,
and how terms run from day to day.
CC-1 (chaired by the President, meets ad hoc) and CC-2 (coordinates the coordinators' work with
the MSP's) are served by the cycle: the committee's decisions on the work plan are taken by its
members or its chair and recorded with who took them. CC-4 (reviewed at the First Review
Conference) is served by the audit trail: every committee decision is an event in the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.convention import COMMITTEE_ORGANISATIONS
from domain.elections import Term, holders, in_force_on
from domain.limits import Name
from domain.mandates import Mandate, mandates
from domain.profile import FIRST_READING, Profile, SeatKind, SitsAs, TermBasis, profile


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
    sits_as: SitsAs = SitsAs.MEMBER


def presiding_on(day: date, presidencies: Iterable[Presidency]) -> Presidency | None:
    """CO-3: the presidency of the most recent meeting on ``day`` (``None`` where the record
    names none); an earlier presidency left open-ended ends when a later one takes office."""
    return max((p for p in presidencies if p.presides_on(day)),
               key=lambda p: p.presides_from, default=None)


def designates_on(day: date, presidencies: Iterable[Presidency]) -> tuple[Presidency, ...]:
    """The presidencies designated and not yet in office on ``day`` (President-designate)."""
    return tuple(p for p in presidencies if p.designate_on(day))


def former_on(day: date, presidencies: Iterable[Presidency]) -> Presidency | None:
    """The presidency before the one presiding on ``day`` (the former President)."""
    chosen = list(presidencies)
    presiding = presiding_on(day, chosen)
    if presiding is None:
        return None
    return max((p for p in chosen if p.presides_from < presiding.presides_from),
               key=lambda p: p.presides_from, default=None)


def coordinators_on(day: date, terms: Iterable[Term], basis: TermBasis
                    ) -> dict[str, list[Term]]:
    """The coordinators' terms running on ``day`` under ``basis``, by mandate."""
    if basis is TermBasis.MEETING_TO_MEETING:
        return in_force_on(terms, day)
    return holders(terms, day.year)


def _seats(kind: SeatKind, day: date, terms: Sequence[Term], chosen: Sequence[Presidency],
           *, known: Mapping[str, Mandate], basis: TermBasis) -> list[tuple[str, str, str]]:
    # (who, on what basis, the paragraph when the profile's is the seeds')
    match kind:
        case SeatKind.PRESIDENT:
            p = presiding_on(day, chosen)
            return [(p.state, f"President of the {p.meeting}", "P3.2(a)")] if p else []
        case SeatKind.COORDINATORS:
            running = coordinators_on(day, terms, basis)
            return [(t.state, f"Coordinator, {m.name}",
                     "P3.2(b)" if m.is_working_group else "P3.2(c)")
                    for key, m in known.items() for t in running.get(key, [])]
        case SeatKind.PRESIDENT_DESIGNATE:
            return [(p.state, f"President-designate of the {p.meeting}", "P3.2(d)")
                    for p in designates_on(day, chosen)]
        case SeatKind.FORMER_PRESIDENT:
            f = former_on(day, chosen)
            return [(f.state, f"former President, of the {f.meeting}", "practice")] if f else []
        case SeatKind.ORGANISATIONS:
            return [(org, "Representative", "P3.2(f)" if org == "CMC" else "P3.2(e)")
                    for org in COMMITTEE_ORGANISATIONS]


def committee_on(
    day: date,
    terms: Iterable[Term],
    presidencies: Iterable[Presidency],
    catalogue: Mapping[str, Mandate] | None = None,
    chosen_profile: Profile | None = None,
) -> tuple[CommitteeMember, ...]:
    """The Coordination Committee on ``day`` (CC-3, 2MSP P3.2 (a)–(f)), seat by seat as the
    profile lists them (default: the engine's first reading)."""
    known = catalogue if catalogue is not None else mandates()
    rules = chosen_profile or profile(FIRST_READING)
    chosen, recorded = list(presidencies), list(terms)
    members: list[CommitteeMember] = []
    for seat in rules.committee:
        members += [CommitteeMember(represents=who, basis=basis, paragraph=paragraph,
                                    sits_as=seat.sits_as)
                    for who, basis, paragraph in _seats(seat.seat, day, recorded, chosen,
                                                        known=known, basis=rules.term_basis)]
    return tuple(members)


def deciding_members(members: Iterable[CommitteeMember]) -> list[str]:
    """Who sits as a member (not an observer), each once: those a quorum counts (CC-5)."""
    return list(dict.fromkeys(m.represents for m in members if m.sits_as is SitsAs.MEMBER))


def sits_on_committee(
    represents: str | None,
    day: date,
    terms: Iterable[Term],
    presidencies: Iterable[Presidency],
    catalogue: Mapping[str, Mandate] | None = None,
    *,
    chosen_profile: Profile | None = None,
) -> bool:
    """Whether a State or organisation holds a committee seat on ``day``."""
    return represents is not None and any(
        m.represents == represents
        for m in committee_on(day, terms, presidencies, catalogue, chosen_profile))

"""Coordinator elections: terms, staggering and eligibility (CO-1, CO-2, CO-4 … CO-7, WG-2, WG-3).

A term is (State, mandate, first year, last year) and runs from 1 January of its first year to
31 December of its last. The Meeting of States Parties of year *Y−1* elects the terms that begin
on 1 January of *Y* (CO-2). Who holds every seat in any year follows from the terms alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.errors import RuleViolation
from domain.limits import ITEMS, Most, Name, Text
from domain.mandates import Mandate, mandate, mandates


class Term(BaseModel):
    """One coordinator's term: a State leading a mandate from ``first_year`` to ``last_year``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: Name
    mandate: Name
    first_year: int
    last_year: int

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.last_year < self.first_year:
            raise ValueError(f"a term cannot end ({self.last_year}) before it starts "
                             f"({self.first_year})")
        return self

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    @property
    def length(self) -> int:
        return self.last_year - self.first_year + 1


class NecessityException(BaseModel):
    """CO-7's "unless necessary": an explicit, recorded reason to let ``state`` coordinate
    ``mandate`` in the term right after one it already provided."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: Name
    mandate: Name
    reason: Text = Field(min_length=1)

    @model_validator(mode="after")
    def _reason_said(self) -> NecessityException:
        if not self.reason.strip():
            raise ValueError("a necessity exception needs a reason in words (CO-7)")
        return self


class ElectionResult(BaseModel):
    """What a Meeting of States Parties decided about coordinators (CO-2)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    msp_year: int
    terms: Annotated[tuple[Term, ...], Most(items=ITEMS)]
    necessity: Annotated[tuple[NecessityException, ...], Most(items=ITEMS)] = ()

    @property
    def terms_begin(self) -> int:
        return self.msp_year + 1


def holders(terms: Iterable[Term], year: int) -> dict[str, list[Term]]:
    """Terms in force in ``year``, by mandate key, each list ordered by first year."""
    found: dict[str, list[Term]] = defaultdict(list)
    for term in sorted(terms, key=lambda t: (t.first_year, t.state)):
        if term.covers(year):
            found[term.mandate].append(term)
    return dict(found)


class SeatHolding(BaseModel):
    """One seat of one mandate in one year; ``term`` is ``None`` for a vacant seat."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mandate: str
    seat: int
    term: Term | None


def seat_table(
    terms: Iterable[Term], year: int, catalogue: Mapping[str, Mandate] | None = None
) -> list[SeatHolding]:
    """Who holds every seat of every mandate in ``year`` (vacant seats included)."""
    known = catalogue if catalogue is not None else mandates()
    held = holders(terms, year)
    table = []
    for m in known.values():
        in_force = held.get(m.key, [])
        for seat in range(1, m.max_seats + 1):
            term = in_force[seat - 1] if seat <= len(in_force) else None
            table.append(SeatHolding(mandate=m.key, seat=seat, term=term))
    return table


def seats_open(
    terms: Iterable[Term], year: int, catalogue: Mapping[str, Mandate] | None = None
) -> dict[str, int]:
    """Seats per mandate that no continuing term fills in ``year``: what the MSP of ``year−1``
    has to elect (at least one per working group, WG-2; exactly one per thematic area, WG-3)."""
    known = catalogue if catalogue is not None else mandates()
    held = holders(terms, year)
    return {key: m.max_seats - len(held.get(key, [])) for key, m in known.items()}


def plan_first_round(
    msp_year: int,
    nominations: Mapping[str, Sequence[str]],
    catalogue: Mapping[str, Mandate] | None = None,
) -> ElectionResult:
    """The first round's terms with CO-5's staggering: where a working group has two
    coordinators, the first named serves a full term and the second a single year, so that
    from then on their seats fall vacant in alternate years."""
    known = catalogue if catalogue is not None else mandates()
    terms = []
    begin = msp_year + 1
    for key, states in nominations.items():
        m = mandate(key, known)
        if not 1 <= len(states) <= m.max_seats:
            rule = "WG-2" if m.is_working_group else "WG-3"
            raise RuleViolation(rule, f"{m.name} takes 1 to {m.max_seats} coordinator(s); "
                                f"{len(states)} were nominated.")
        for index, iso3 in enumerate(states):
            length = 1 if index == 1 else m.term_years  # CO-5: the second seat starts short
            terms.append(Term(state=iso3, mandate=key, first_year=begin,
                              last_year=begin + length - 1))
    return ElectionResult(msp_year=msp_year, terms=tuple(terms))

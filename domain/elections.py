"""Coordinator elections: terms, staggering and eligibility (CO-1, CO-2, CO-4 … CO-7, WG-2, WG-3).

A term is (State, mandate, first year, last year): the cycles it serves. The Meeting of States
Parties (or Review Conference) of year *Y−1* elects the terms whose first cycle is *Y* (CO-2).
When a term runs on a given day depends on the profile (``domain.profile``): from meeting to
meeting, it begins on the day of the election that recorded it (``begins``) and ends at the
election held in its last year, its successors' (:func:`in_force_on`); by calendar years, from
1 January of its first year to 31 December of its last. A term ended early carries the day it
ended (``ends``); its replacement (``replacing``) serves the rest of it (CO-10).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.errors import RuleViolation
from domain.limits import ITEMS, NAME, Most, Name, Text
from domain.mandates import Mandate, mandate, mandates
from domain.quiet import Quiet


class Term(Quiet):
    """One coordinator's term: a State leading a mandate from ``first_year`` to ``last_year``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    QUIET = ("begins", "ends", "replacing")

    state: Name
    mandate: Name
    first_year: int
    last_year: int
    #: the day the term began, where the record says (meeting to meeting: its election's day)
    begins: date | None = None
    #: the day it ended early (CO-10), if it did
    ends: date | None = None
    #: the State whose term this one completes, for a replacement (CO-10)
    replacing: Annotated[str | None, Most(NAME)] = None

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.last_year < self.first_year:
            raise ValueError(f"a term cannot end ({self.last_year}) before it starts "
                             f"({self.first_year})")
        if self.begins is not None and self.ends is not None and self.ends <= self.begins:
            raise ValueError(f"a term cannot end ({self.ends}) on or before the day it began "
                             f"({self.begins})")
        return self

    @property
    def served_until(self) -> int:
        """The last cycle the term served: its last year, or the year it ended early (CO-7
        judged on the real sequence)."""
        return self.last_year if self.ends is None else (self.ends - timedelta(days=1)).year

    def same_seat(self, other: Term) -> bool:
        """Whether ``other`` is this term, whatever the record has since learnt of its days."""
        return (self.state, self.mandate, self.first_year, self.last_year) == (
            other.state, other.mandate, other.first_year, other.last_year)

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
    """Terms in force in ``year``, by mandate key, each list ordered by first year; a term
    ended early gives its seat to its replacement from the year it ended (CO-10)."""
    chosen = list(terms)
    found: dict[str, list[Term]] = defaultdict(list)
    for term in sorted(chosen, key=lambda t: (t.first_year, t.state)):
        if not term.covers(year) or (term.ends is not None and term.ends.year <= year):
            continue
        if term.ends is None and any(t.ends is not None and t.same_seat(term) for t in chosen):
            continue  # the record holds this term ended early: that version speaks for it
        found[term.mandate].append(term)
    return dict(found)


def _meeting_days(terms: Sequence[Term]) -> list[date]:
    # the days elections took effect: a meeting's, never a replacement's
    return sorted({t.begins for t in terms if t.begins is not None and t.replacing is None})


def span(term: Term, elections: Sequence[date]) -> tuple[date, date]:
    """The days ``term`` runs, ``[first, end)``, given the days elections took effect."""
    first = term.begins or date(term.first_year, 1, 1)
    if term.ends is not None:
        return first, term.ends
    if term.begins is not None:
        following = [d for d in elections if d.year == term.last_year and d > term.begins]
        if following:
            return first, following[0]  # the meeting that elected its successors
    return first, date(term.last_year + 1, 1, 1)


def in_force_on(terms: Iterable[Term], day: date) -> dict[str, list[Term]]:
    """Terms running on ``day``, by mandate key, each list ordered by the day it began."""
    chosen = list(dict.fromkeys(terms))
    elections = _meeting_days(chosen)
    found: dict[str, list[Term]] = defaultdict(list)
    for term in sorted(chosen, key=lambda t: (t.begins or date(t.first_year, 1, 1), t.state)):
        first, end = span(term, elections)
        if first <= day < end and not any(term.same_seat(t) and t.ends is not None
                                          and t is not term for t in chosen):
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
            raise RuleViolation(rule, "{name} takes 1 to {max_seats} coordinator(s); {count} "
                                      "were nominated.",
                                      name=m.name, max_seats=m.max_seats, count=len(states))
        for index, iso3 in enumerate(states):
            length = 1 if index == 1 else m.term_years  # CO-5: the second seat starts short
            terms.append(Term(state=iso3, mandate=key, first_year=begin,
                              last_year=begin + length - 1))
    return ElectionResult(msp_year=msp_year, terms=tuple(terms))

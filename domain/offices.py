"""Who holds office, as a cycle's events record it: the opening (what it carries over, its
profile, the President already designated for a later meeting), the election (CO-1 on the
day, CO-2 from meeting to meeting, the rest of ``domain.election_rules``), further
designations (CO-3) and terms ended early (CO-10). ``domain.cycle.apply`` calls these once the
step's role, phase and authority are judged."""

from __future__ import annotations

from collections.abc import Iterable

from domain.authority import Record
from domain.committee import Presidency
from domain.committee_decisions import end_early
from domain.election_rules import validate_election, validate_recorded_slate
from domain.elections import ElectionResult, Term
from domain.errors import RuleViolation
from domain.events import (
    CoordinatorsElected,
    CycleEvent,
    CycleOpened,
    PresidentDesignated,
    RecordCompleted,
    TermEndedEarly,
)
from domain.mandates import DEFAULT_MANDATES
from domain.profile import FIRST_READING, TermBasis, profile
from domain.state import CycleState


def opened(s: CycleState, e: CycleOpened) -> CycleState:
    if e.calendar.year != e.year:
        raise RuleViolation("ISU-2", "the calendar given is for {calendar_year}, not for the "
                                     "{year} cycle being opened.",
                                     calendar_year=e.calendar.year, year=e.year)
    return s.model_copy(update={"year": e.year, "calendar": e.calendar,
                                "mandates": e.mandates, "terms": e.carried_terms,
                                "presidencies": e.carried_presidencies, "profile": e.profile,
                                # a President designated at an earlier meeting for one after
                                # this cycle's opening (the Second Review Conference's, at
                                # the 8MSP) is the cycle's designation: none is awaited
                                "designated": next((p for p in e.carried_presidencies
                                                    if p.presides_from
                                                    > e.calendar.opening_msp), None),
                                "closing_meeting": e.closing_meeting,
                                "records_workplan": e.records_workplan})


def elected(s: CycleState, e: CoordinatorsElected) -> CycleState:
    if e.election.msp_year != e.year - 1:
        raise RuleViolation("CO-2", "the {year} cycle records the election at the MSP of "
                                    "{election_year}, not of {msp_year}.",
                                    year=e.year, election_year=e.year - 1,
                                    msp_year=e.election.msp_year)
    day = e.occurred_at.date()
    if s.profile.term_basis is TermBasis.MEETING_TO_MEETING:
        late = [t for t in e.election.terms if t.begins != day]
        if late:
            raise RuleViolation("CO-2", "terms run from the meeting that elects them to the one "
                                        "that ends them ({name} profile): {state}'s term for "
                                        "{mandate} begins on {begins}, not on {day}, the "
                                        "election's.",
                                        name=s.profile.name, state=late[0].state,
                                        mandate=late[0].mandate, begins=late[0].begins or 'no day',
                                        day=day)
    standings = {state.iso3: state for state in e.standings}
    if e.incomplete is not None:
        noted = validate_recorded_slate(e.election, s.terms, standings, s.catalogue, day)
        return s.model_copy(update={"election": e.election, "terms": s.terms + e.election.terms,
                                    "warnings": s.warnings + noted,
                                    "incomplete": e.incomplete})
    warnings = validate_election(e.election, s.terms, standings, s.catalogue, day)
    return s.model_copy(update={"election": e.election, "terms": s.terms + e.election.terms,
                                "warnings": s.warnings + warnings})


def designated(s: CycleState, e: PresidentDesignated) -> CycleState:
    if any(p.meeting == e.presidency.meeting for p in s.presidencies
           if p.designated_on.year >= e.year - 1):
        raise RuleViolation("CO-3", "the President of the {meeting} is already designated in "
                                    "this cycle; a meeting has one President.",
                                    meeting=e.presidency.meeting)
    return s.model_copy(update={"designated": s.designated or e.presidency,
                                "presidencies": (*s.presidencies, e.presidency)})


def ended(s: CycleState, e: TermEndedEarly) -> CycleState:
    standings = {state.iso3: state for state in e.standings}
    return s.model_copy(update={"terms": end_early(s, e.term, e.ended_on, e.replacement,
                                                   standings)})


def completed(s: CycleState, e: RecordCompleted) -> CycleState:
    """HI-2: the coordinators further sources name for an incomplete year, beside those
    recorded: one-cycle terms from the day its election was recorded, judged as the
    incomplete election was (CO-1 on that day, the seats)."""
    begun = {t.begins for t in (s.election.terms if s.election else ())}
    if any(t.begins not in begun for t in e.terms):
        raise RuleViolation("HI-2", "a completion names who served the cycle from its election "
                                    "({days}), as the coordinators recorded with it.",
                                    days=', '.join(str(d) for d in begun))
    known = {(t.state, t.mandate) for t in s.terms if t.covers(e.year)}
    again = [t for t in e.terms if (t.state, t.mandate) in known]
    if again:
        raise RuleViolation("HI-2", "{state} is already recorded for {mandate} in the {year} "
                                    "cycle; a completion adds.",
                                    state=again[0].state, mandate=again[0].mandate, year=e.year)
    standings = {state.iso3: state for state in e.standings}
    day = next(iter(begun), None)
    noted = validate_recorded_slate(ElectionResult(msp_year=e.year - 1, terms=e.terms),
                                    s.terms, standings, s.catalogue, day)
    return s.model_copy(update={"terms": s.terms + e.terms, "warnings": s.warnings + noted})


def record_of(events: Iterable[CycleEvent]) -> Record:
    """The terms and presidencies ``events`` (of one or more cycles, in order) record, as they
    were recorded (not judged again: who held office is what the ledger says), with the
    mandates and profile of the latest cycle opened; a term ended early (CO-10) counts as it
    ended, beside its replacement's."""
    terms: dict[Term, None] = {}
    presidencies: dict[Presidency, None] = {}
    mandates, chosen = DEFAULT_MANDATES, profile(FIRST_READING)
    for event in events:
        match event:
            case CycleOpened() as opening:
                terms.update(dict.fromkeys(opening.carried_terms))
                presidencies.update(dict.fromkeys(opening.carried_presidencies))
                mandates, chosen = opening.mandates, opening.profile
            case CoordinatorsElected() as election:
                terms.update(dict.fromkeys(election.election.terms))
            case RecordCompleted() as completion:
                terms.update(dict.fromkeys(completion.terms))
            case TermEndedEarly() as ending:
                terms[ending.term.model_copy(update={"ends": ending.ended_on})] = None
                if ending.replacement is not None:
                    terms[ending.replacement] = None
            case PresidentDesignated() as designation:
                presidencies[designation.presidency] = None
            case _:
                pass
    return Record(terms=tuple(terms), presidencies=tuple(presidencies), mandates=mandates,
                  profile=chosen)

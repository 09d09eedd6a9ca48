"""Judging an election result: CO-1, CO-2, CO-4 … CO-7, WG-2 and WG-3.

``validate_election`` refuses the first rule broken (role and phase are the cycle's business)
and returns the soft-rule warnings (CO-6) to record with the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from domain.convention import State
from domain.elections import ElectionResult, Term, holders
from domain.errors import RuleViolation, RuleWarning
from domain.mandates import Mandate, mandate, mandates


def check_eligibility(term: Term, m: Mandate, registry: Mapping[str, State],
                      day: date | None = None) -> tuple[RuleWarning, ...]:
    """CO-1: refuse a coordinator from a State that is not a State Party on ``day`` (its
    standing today where the registry has no dates, or no day is given). A State that had
    deposited its instrument, the Convention not yet in force for it, is accepted with a
    recorded warning: it had consented to be bound (the practice elected such States)."""
    state = registry.get(term.state)
    if (state is not None and day is not None and not state.party_on(day)
            and state.joined is not None and state.joined <= day and state.withdrew is None
            and state.is_state_party):
        return (RuleWarning.of("CO-1", f"{term.state} had deposited its instrument on "
                               f"{state.joined}, and the Convention entered into force for it "
                               f"on {state.in_force}: elected for {m.name} on {day}, before it "
                               "was a State Party; accepted, and recorded."),)
    if state is None or not state.party_on(day):
        standing = "is not a State in the registry" if state is None else (
            f"is {state.standing_on(day)}")
        raise RuleViolation("CO-1", f"{term.state} {standing}; a coordinator for "
                            f"{m.name} must come from a State Party.")
    return ()


def _check_length(term: Term, m: Mandate, first_round: bool, result: ElectionResult) -> None:
    if term.first_year != result.terms_begin:
        raise RuleViolation("CO-2", f"the MSP of {result.msp_year} elects terms beginning on "
                            f"1 January {result.terms_begin}; {term.state}'s term for {m.name} "
                            f"begins in {term.first_year}.")
    if term.length == m.term_years:
        return
    partner = any(t.mandate == term.mandate and t.length == m.term_years
                  for t in result.terms)
    if first_round and m.max_seats == 2 and term.length == 1 and partner:
        return  # CO-5: in the first round one of two coordinators serves a single year
    raise RuleViolation("CO-4", f"a coordinator of {m.name} serves {m.term_years} year(s); "
                        f"{term.state} was given {term.first_year}–{term.last_year}"
                        f" ({term.length} year(s)).")


def _check_seats(combined: Sequence[Term], result: ElectionResult,
                 known: Mapping[str, Mandate], *, complete: bool = True) -> None:
    # complete: the result names every seat that falls vacant (an incomplete record does not)
    last = max(t.last_year for t in result.terms)
    for year in range(result.terms_begin, last + 1):
        in_force = holders(combined, year)
        for key, m in known.items():
            rule = "WG-2" if m.is_working_group else "WG-3"
            states = [t.state for t in in_force.get(key, [])]
            if len(states) > m.max_seats:
                raise RuleViolation(rule, f"{m.name} would have {len(states)} coordinators in "
                                    f"{year} ({', '.join(states)}); it is led by at most "
                                    f"{m.max_seats}.")
            if len(set(states)) < len(states):
                raise RuleViolation(rule, f"{states[0]} would hold both seats of {m.name} in "
                                    f"{year}; two coordinators come from two States.")
            if complete and year == result.terms_begin and not states:
                raise RuleViolation(rule, f"{m.name} would have no coordinator in {year}; "
                                    f"elect one (it is led by 1 to {m.max_seats}).")


def _check_stagger(combined: Sequence[Term], known: Mapping[str, Mandate]) -> None:
    for key, m in known.items():
        if m.max_seats < 2:
            continue
        group = [t for t in combined if t.mandate == key]
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if b.replacing == a.state or a.replacing == b.state:
                    continue  # CO-10: a replacement serves the rest of the same seat
                overlap = a.first_year <= b.last_year and b.first_year <= a.last_year
                if overlap and a.last_year == b.last_year:
                    raise RuleViolation("CO-5", f"both coordinators of {m.name} ({a.state} and "
                                        f"{b.state}) would finish in {a.last_year}; their terms "
                                        "start in alternate years (in the first round one of "
                                        "them serves a single year).")


def check_rotation(previous: Sequence[Term], result: ElectionResult,
                    known: Mapping[str, Mandate]) -> None:
    excused = {(n.state, n.mandate) for n in result.necessity}
    used = set()
    for term in result.terms:
        renewal = known[term.mandate].renewable  # the same State may serve a renewable seat again
        before = [p for p in previous if p.state == term.state
                  and p.served_until + 1 == term.first_year
                  and not (renewal and p.mandate == term.mandate)]
        if not before:
            continue
        if (term.state, term.mandate) in excused:
            used.add((term.state, term.mandate))
            continue
        p = before[0]
        raise RuleViolation("CO-7", f"{term.state} provided the {p.mandate} coordinator for "
                            f"{p.first_year}–{p.served_until}, so it may not provide a coordinator "
                            f"for {term.mandate} in the term right after ({term.first_year}–"
                            f"{term.last_year}) unless the Meeting records why it is necessary.")
    for n in result.necessity:
        if (n.state, n.mandate) not in used:
            raise RuleViolation("CO-7", f"a necessity exception is recorded for {n.state} on "
                                f"{n.mandate}, but {n.state} is not elected there in the term "
                                "right after one of its own; record exceptions only where needed.")


def _affected_warnings(combined: Sequence[Term], result: ElectionResult,
                       known: Mapping[str, Mandate],
                       registry: Mapping[str, State]) -> tuple[RuleWarning, ...]:
    in_force = holders(combined, result.terms_begin)
    warnings = []
    for key, m in known.items():
        states = [t.state for t in in_force.get(key, [])]
        if m.is_working_group and not any(
            s in registry and registry[s].affected for s in states
        ):
            warnings.append(RuleWarning.of(
                "CO-6", f"no coordinator of {m.name} in {result.terms_begin} comes from a State "
                "Party affected by cluster munitions; accepted, and recorded."))
    return tuple(warnings)


def validate_election(
    result: ElectionResult,
    previous: Sequence[Term],
    registry: Mapping[str, State],
    catalogue: Mapping[str, Mandate] | None = None,
    day: date | None = None,
) -> tuple[RuleWarning, ...]:
    """Refuse an election result that breaks CO-1 (on ``day``, the election's), CO-2, CO-4,
    CO-5, CO-7, WG-2 or WG-3, given every earlier term; return the CO-6 warnings to record."""
    known = catalogue if catalogue is not None else mandates()
    early: tuple[RuleWarning, ...] = ()
    if not result.terms:
        raise RuleViolation("CO-2", f"the MSP of {result.msp_year} elected no coordinator; "
                            "record at least the seats that fall vacant.")
    for term in result.terms:
        m = mandate(term.mandate, known)
        early += check_eligibility(term, m, registry, day)
        first_round = not any(p.mandate == term.mandate for p in previous)
        _check_length(term, m, first_round, result)
    combined = [*previous, *result.terms]
    _check_seats(combined, result, known)
    _check_stagger(combined, known)
    check_rotation(previous, result, known)
    return early + _affected_warnings(combined, result, known, registry)


def validate_recorded_slate(
    result: ElectionResult,
    previous: Sequence[Term],
    registry: Mapping[str, State],
    catalogue: Mapping[str, Mandate] | None = None,
    day: date | None = None,
) -> tuple[RuleWarning, ...]:
    """Judge the coordinators an incomplete record names for one cycle: each from a State
    Party on ``day`` (CO-1), serving that cycle only (their real terms are not known), and no
    mandate over its seats or held twice by one State (WG-2, WG-3)."""
    known = catalogue if catalogue is not None else mandates()
    early: tuple[RuleWarning, ...] = ()
    for term in result.terms:
        m = mandate(term.mandate, known)
        early += check_eligibility(term, m, registry, day)
        if (term.first_year, term.last_year) != (result.terms_begin, result.terms_begin):
            raise RuleViolation("CO-2", f"an incomplete record names who served the "
                                f"{result.terms_begin} cycle; {term.state}'s term for {m.name} "
                                f"is given as {term.first_year}–{term.last_year}.")
    _check_seats([*previous, *result.terms], result, known, complete=False)
    return early

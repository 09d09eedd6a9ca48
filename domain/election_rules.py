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
        return (RuleWarning.of("CO-1", "{state} had deposited its instrument on {joined}, and "
                                       "the Convention entered into force for it on {in_force}: "
                                       "elected for {name} on {day}, before it was a State "
                                       "Party; accepted, and recorded.",
                                       state=term.state, joined=state.joined,
                                       in_force=state.in_force, name=m.name, day=day),)
    if state is None or not state.party_on(day):
        standing = "is not a State in the registry" if state is None else (
            f"is {state.standing_on(day)}")
        raise RuleViolation("CO-1", "{state} {standing}; a coordinator for {name} must come "
                                    "from a State Party.",
                                    state=term.state, standing=standing, name=m.name)
    return ()


def _check_length(term: Term, m: Mandate, first_round: bool, result: ElectionResult) -> None:
    if term.first_year != result.terms_begin:
        raise RuleViolation("CO-2", "the MSP of {msp_year} elects terms beginning on 1 January "
                                    "{terms_begin}; {state}'s term for {name} begins in "
                                    "{first_year}.",
                                    msp_year=result.msp_year, terms_begin=result.terms_begin,
                                    state=term.state, name=m.name, first_year=term.first_year)
    if term.length == m.term_years:
        return
    partner = any(t.mandate == term.mandate and t.length == m.term_years
                  for t in result.terms)
    if first_round and m.max_seats == 2 and term.length == 1 and partner:
        return  # CO-5: in the first round one of two coordinators serves a single year
    raise RuleViolation("CO-4", "a coordinator of {name} serves {term_years} year(s); {state} "
                                "was given {first_year}–{last_year} ({length} year(s)).",
                                name=m.name, term_years=m.term_years, state=term.state,
                                first_year=term.first_year, last_year=term.last_year,
                                length=term.length)


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
                raise RuleViolation(rule, "{name} would have {count} coordinators in {year} "
                                          "({states}); it is led by at most {max_seats}.",
                                          name=m.name, count=len(states), year=year,
                                          states=', '.join(states), max_seats=m.max_seats)
            if len(set(states)) < len(states):
                raise RuleViolation(rule, "{state} would hold both seats of {name} in {year}; "
                                          "two coordinators come from two States.",
                                          state=states[0], name=m.name, year=year)
            if complete and year == result.terms_begin and not states:
                raise RuleViolation(rule, "{name} would have no coordinator in {year}; elect "
                                          "one (it is led by 1 to {max_seats}).",
                                          name=m.name, year=year, max_seats=m.max_seats)


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
                    raise RuleViolation("CO-5", "both coordinators of {name} ({one} and "
                                                "{other}) would finish in {last_year}; their "
                                                "terms start in alternate years (in the first "
                                                "round one of them serves a single year).",
                                                name=m.name, one=a.state, other=b.state,
                                                last_year=a.last_year)


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
        raise RuleViolation("CO-7", "{state} provided the {mandate} coordinator for "
                                    "{first_year}–{served_until}, so it may not provide a "
                                    "coordinator for {term_mandate} in the term right after "
                                    "({term_first_year}–{last_year}) unless the Meeting records "
                                    "why it is necessary.",
                                    state=term.state, mandate=p.mandate, first_year=p.first_year,
                                    served_until=p.served_until, term_mandate=term.mandate,
                                    term_first_year=term.first_year, last_year=term.last_year)
    for n in result.necessity:
        if (n.state, n.mandate) not in used:
            raise RuleViolation("CO-7", "a necessity exception is recorded for {state} on "
                                        "{mandate}, but {state} is not elected there in the "
                                        "term right after one of its own; record exceptions "
                                        "only where needed.",
                                        state=n.state, mandate=n.mandate)


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
                "CO-6", "no coordinator of {name} in {terms_begin} comes from a State Party "
                        "affected by cluster munitions; accepted, and recorded.",
                        name=m.name, terms_begin=result.terms_begin))
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
        raise RuleViolation("CO-2", "the MSP of {msp_year} elected no coordinator; record at "
                                    "least the seats that fall vacant.",
                                    msp_year=result.msp_year)
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
            raise RuleViolation("CO-2", "an incomplete record names who served the "
                                        "{terms_begin} cycle; {state}'s term for {name} is "
                                        "given as {first_year}–{last_year}.",
                                        terms_begin=result.terms_begin, state=term.state,
                                        name=m.name, first_year=term.first_year,
                                        last_year=term.last_year)
    _check_seats([*previous, *result.terms], result, known, complete=False)
    return early

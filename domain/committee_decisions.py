"""The Coordination Committee decides as a committee (CC-5), and a term may end early (CO-10).

CC-5 — the seeds give the decision on the ISU's work plan to the committee (2MSP P4.4(h)), which
the President chairs (CC-1). Under a profile with a quorum, no single member decides for it:
its chair records the decision with the members present, every one of whom sits on the
committee that day, and enough of them (members, not observers) to make the profile's quorum.
Under the engine's first reading (no quorum), a member's step is the committee's, as cycles
recorded before profiles existed were judged.

CO-10 — a term ended before its time is recorded with the reason and who decided it; its
replacement serves the rest of it: same mandate, same last year, from the day it ended, and
from a State Party on that day (CO-1) that does not already hold a seat of the mandate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from domain.committee import CommitteeMember, committee_on, coordinators_on, deciding_members
from domain.convention import Actor, Role, State
from domain.elections import Term, span
from domain.errors import RuleViolation
from domain.profile import Profile
from domain.silence_decision import SilenceDecision
from domain.state import CycleState

#: the steps that are the committee's decisions (2MSP P4.4(h)), taken under CC-5
COLLECTIVE_STEPS = frozenset({"approve_workplan", "return_workplan"})


def chair_alone(state: CycleState, step: str, role: Role) -> bool:
    """Whether ``step`` is, under the cycle's profile, the chair's to record and ``role`` is
    not the chair's: a member may not take it for the committee (CC-5)."""
    return (step in COLLECTIVE_STEPS and state.profile.quorum is not None
            and role is not Role.PRESIDENT)


def check_by_silence(state: CycleState, actor: Actor, present: tuple[str, ...],
                     decision: SilenceDecision, *, approving: bool, deciding: str) -> None:
    """Refuse a committee decision recorded as taken by silence procedure among its members
    unless its chair records it, with no one present (there was no meeting), from a procedure
    circulated among the committee on the draft in hand, whose outcome is this decision:
    adopted to approve, not adopted (a member broke silence) to return (CC-5)."""
    if actor.role is not Role.PRESIDENT:
        raise RuleViolation("CC-5", "the chair, the President, records {deciding} the committee "
                                    "took by silence procedure; {name} cannot.",
                                    deciding=deciding, name=actor.name)
    if present:
        raise RuleViolation("CC-5", "{deciding} by silence procedure was taken at no meeting: "
                                    "no member is recorded as present.",
                                    deciding=deciding)
    if not decision.among:
        raise RuleViolation("CC-5", "silence procedure {procedure} was circulated to every "
                                    "State Party, not among the committee's members.",
                                    procedure=decision.procedure)
    if decision.content_hash != state.draft_hash:
        raise RuleViolation("CC-5", "silence procedure {procedure} circulated another document "
                                    "(sha256 {content_hash}…) than the draft work plan (sha256 "
                                    "{draft_hash}…).",
                                    procedure=decision.procedure,
                                    content_hash=decision.content_hash[:12],
                                    draft_hash=(state.draft_hash or '')[:12])
    if (decision.outcome == "adopted") is not approving:
        raise RuleViolation("CC-5", "silence procedure {procedure} was {outcome}, so it is not "
                                    "{deciding}.",
                                    procedure=decision.procedure,
                                    outcome=decision.outcome.replace('_', ' '), deciding=deciding)


def check_sitting(members: Sequence[CommitteeMember], present: Sequence[str], day: date
                  ) -> None:
    """Refuse (CC-5) a ``present`` naming anyone who did not sit among ``members`` on
    ``day``."""
    sitting = list(dict.fromkeys(m.represents for m in members))
    strangers = [p for p in dict.fromkeys(present) if p not in sitting]
    if strangers:
        raise RuleViolation("CC-5", "{strangers} did not sit on the Coordination Committee on "
                                    "{day}, so cannot be recorded as present; that day it is "
                                    "{sitting}.",
                                    strangers=', '.join(strangers), day=day,
                                    sitting=', '.join(sitting))


def check_collective(state: CycleState, actor: Actor, present: tuple[str, ...], day: date,
                     deciding: str, *, by_silence: SilenceDecision | None = None,
                     approving: bool = True) -> None:
    """Refuse a committee decision that is not the committee's under the cycle's profile; a
    ``present`` list naming someone who did not sit that day is refused under any profile.
    One taken ``by_silence`` procedure among its members is judged on that (CC-5)."""
    if by_silence is not None:
        check_by_silence(state, actor, present, by_silence, approving=approving,
                         deciding=deciding)
        return
    rules: Profile = state.profile
    if rules.quorum is None and not present:
        return
    members = committee_on(day, state.terms, state.presidencies, state.catalogue, rules)
    check_sitting(members, present, day)
    named = list(dict.fromkeys(present))
    if rules.quorum is None:
        return
    if actor.role is not Role.PRESIDENT:
        raise RuleViolation("CC-5", "the Coordination Committee decides as a committee: its "
                                    "chair, the President, records {deciding} with the members "
                                    "present; {name} is one member and cannot decide for it.",
                                    deciding=deciding, name=actor.name)
    if actor.represents not in named:
        raise RuleViolation("CC-5", "the chair ({represents}) records {deciding} at a meeting "
                                    "of the committee it chairs, so is among those present.",
                                    represents=actor.represents, deciding=deciding)
    voting = deciding_members(members)
    counted = [p for p in named if p in voting]
    needed = rules.needed(len(voting)) or 0
    if len(counted) < needed:
        raise RuleViolation("CC-5", "{counted} of the committee's {voting} members were present "
                                    "on {day}; under the {name} profile it decides with at "
                                    "least {needed} present.",
                                    counted=len(counted), voting=len(voting), day=day,
                                    name=rules.name, needed=needed)


def _running(state: CycleState, term: Term, day: date) -> Term:
    held = [t for t in state.terms if t.same_seat(term) and t.ends is None]
    if not held:
        raise RuleViolation("CO-10", "the record holds no running term of {state} for {mandate} "
                                     "({first_year}–{last_year}) to end.",
                                     state=term.state, mandate=term.mandate,
                                     first_year=term.first_year, last_year=term.last_year)
    elections = sorted({t.begins for t in state.terms if t.begins and t.replacing is None})
    first, end = span(held[0], elections)
    if not first < day < end:
        raise RuleViolation("CO-10", "{state}'s term for {mandate} runs from {first} to {end}; "
                                     "it cannot end early on {day}.",
                                     state=term.state, mandate=term.mandate, first=first, end=end,
                                     day=day)
    return held[0]


def end_early(state: CycleState, term: Term, day: date, replacement: Term | None,
              standings: Mapping[str, State]) -> tuple[Term, ...]:
    """The cycle's terms once ``term`` ends on ``day`` and ``replacement`` (if any) takes the
    rest of it; ``RuleViolation`` (CO-10, CO-1) if the record does not allow it."""
    ended = _running(state, term, day).model_copy(update={"ends": day})
    terms = tuple(ended if t.same_seat(term) else t for t in state.terms)
    if replacement is None:
        return terms
    rest = Term(state=replacement.state, mandate=term.mandate, first_year=replacement.first_year,
                last_year=term.last_year, begins=day, replacing=term.state)
    if replacement != rest:
        raise RuleViolation("CO-10", "a replacement serves the rest of {state}'s term: "
                                     "{mandate}, from {day} to the end of {last_year}.",
                                     state=term.state, mandate=term.mandate, day=day,
                                     last_year=term.last_year)
    standing = standings.get(replacement.state)
    if standing is None or not standing.party_on(day):
        words = standing.standing_on(day) if standing else "not a State in the registry"
        raise RuleViolation("CO-1", "{state} is {words}; a coordinator comes from a State Party.",
                                    state=replacement.state, words=words)
    holding = coordinators_on(day, terms, state.profile.term_basis).get(term.mandate, [])
    if any(t.state == replacement.state for t in holding):
        raise RuleViolation("CO-10", "{state} already holds a seat of {mandate} on {day}; the "
                                     "rest of the term goes to another State.",
                                     state=replacement.state, mandate=term.mandate, day=day)
    return (*terms, rest)

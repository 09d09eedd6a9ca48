"""Build the event a step would record, with the fields the rules derive, and judge it.

Callers (the workflow's update validators, the demo, tests) never type in what follows from
the rules: the standing of each elected State and the CO-6 warnings, the IM-6 warning, a work
plan's content hash. Each function returns the event only if :func:`domain.cycle.apply` accepts
it in ``state``; otherwise the ``RuleViolation`` propagates and nothing is to be recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from domain import commands as c
from domain import events as e
from domain.calendar import default_calendar
from domain.committee import Presidency
from domain.convention import Actor, State
from domain.cycle import apply
from domain.elections import ElectionResult, Term
from domain.errors import RuleViolation, RuleWarning
from domain.events import (
    CoordinatorsElected,
    CycleEvent,
    IntersessionalMeetingConvened,
    WorkplanDrafted,
)
from domain.mandates import DEFAULT_MANDATES
from domain.meetings import IntersessionalMeeting
from domain.profile import FIRST_READING, Profile, TermBasis, profile
from domain.silence_decision import SilenceDecision
from domain.state import CycleState
from domain.workplan import Workplan


def _new_warnings(state: CycleState, event: CycleEvent) -> tuple[RuleWarning, ...]:
    # apply() checks role, then phase, then data, and derives the soft-rule warnings
    return apply(state, event).warnings[len(state.warnings):]


def election(state: CycleState, result: ElectionResult, registry: Mapping[str, State],
             actor: Actor, at: datetime, *, incomplete: str | None = None
             ) -> CoordinatorsElected:
    """The ``CoordinatorsElected`` event for ``result``, recording the standing in today's
    registry of every State it was judged on (so a replay never depends on a later registry)."""
    year = state.year if state.year is not None else result.terms_begin
    if state.profile.term_basis is TermBasis.MEETING_TO_MEETING:
        # from meeting to meeting: the terms begin with the election that records them
        result = result.model_copy(update={"terms": tuple(
            t if t.begins else t.model_copy(update={"begins": at.date()})
            for t in result.terms)})
    # every State the judgement reads: the elected (CO-1) and those already in office (CO-6)
    judged = {t.state for t in (*state.terms, *result.terms)}
    standings = tuple(s for code, s in registry.items() if code in judged)
    event = CoordinatorsElected(year=year, occurred_at=at, actor=actor, election=result,
                                standings=standings, incomplete=incomplete)
    return event.model_copy(update={"warnings": _new_warnings(state, event)})


def convening(state: CycleState, meeting: IntersessionalMeeting, actor: Actor,
              at: datetime) -> IntersessionalMeetingConvened:
    """The ``IntersessionalMeetingConvened`` event, with its IM-6 warning if any."""
    event = IntersessionalMeetingConvened(year=state.year or meeting.year, occurred_at=at,
                                          actor=actor, meeting=meeting)
    return event.model_copy(update={"warnings": _new_warnings(state, event)})


def drafting(state: CycleState, plan: Workplan, actor: Actor, at: datetime) -> WorkplanDrafted:
    """The ``WorkplanDrafted`` event with the plan's content hash computed from its text."""
    event = WorkplanDrafted(year=state.year or plan.for_year - 1, occurred_at=at, actor=actor,
                            workplan=plan, content_hash=plan.content_hash())
    apply(state, event)
    return event


def opening(command: c.OpenCycle, terms: Iterable[Term], presidencies: Iterable[Presidency],
            at: datetime, default_profile: Profile | None = None) -> e.CycleOpened:
    """The ``CycleOpened`` event for ``command``, carrying over the given terms and
    presidencies (CO-8), judged on a cycle not yet opened; the command's profile, else
    ``default_profile``, else the engine's first reading."""
    event = e.CycleOpened(year=command.year, occurred_at=at, actor=command.actor,
                          calendar=command.calendar or default_calendar(command.year),
                          mandates=command.mandates or DEFAULT_MANDATES,
                          carried_terms=tuple(terms), carried_presidencies=tuple(presidencies),
                          profile=command.profile or default_profile or profile(FIRST_READING),
                          closing_meeting=command.closing_meeting)
    apply(CycleState(), event)
    return event


def by_silence(command: c.ApproveWorkplan | c.ReturnWorkplan,
               silence: SilenceDecision | None) -> SilenceDecision | None:
    """The decision of the silence procedure ``command`` names, as given (read from the
    ledger by the caller); ``RuleViolation`` (CC-5) if what is given is of another one."""
    if command.by_silence is None:
        return None
    if silence is None or silence.procedure != command.by_silence:
        raise RuleViolation("CC-5", "the outcome of silence procedure {by_silence} is not known "
                                    "to the engine, so no decision can be recorded from it.",
                                    by_silence=command.by_silence)
    return silence


def decide(state: CycleState, command: c.StepCommand, registry: Mapping[str, State],
           at: datetime, silence: SilenceDecision | None = None) -> CycleEvent:
    """The event ``command`` records in ``state`` at ``at``; ``RuleViolation`` if refused.
    A committee decision ``by_silence`` carries ``silence``, that procedure's outcome (CC-5)."""
    year, who = state.year or 0, command.actor
    event: CycleEvent
    match command:
        case c.ElectCoordinators():
            return election(state, command.election, registry, who, at)
        case c.ConveneMeeting():
            return convening(state, command.meeting, who, at)
        case c.DraftWorkplan():
            return drafting(state, command.workplan, who, at)
        case c.DesignatePresident():
            event = e.PresidentDesignated(year=year, occurred_at=at, actor=who,
                                          presidency=command.presidency)
        case c.DispenseWithMeeting():
            event = e.IntersessionalMeetingDispensedWith(
                year=year, occurred_at=at, actor=who, decided_by=command.decided_by,
                reason=command.reason)
        case c.HoldMeeting():
            event = e.IntersessionalMeetingHeld(year=year, occurred_at=at, actor=who,
                                                records_reference=command.records_reference)
        case c.ReturnWorkplan():
            event = e.WorkplanReturnedForRevision(year=year, occurred_at=at, actor=who,
                                                  content_hash=command.content_hash,
                                                  reasons=command.reasons,
                                                  present=tuple(dict.fromkeys(command.present)),
                                                  by_silence=by_silence(command, silence))
        case c.ApproveWorkplan():
            event = e.WorkplanApprovedByCommittee(year=year, occurred_at=at, actor=who,
                                                  content_hash=command.content_hash,
                                                  present=tuple(dict.fromkeys(command.present)),
                                                  by_silence=by_silence(command, silence))
        case c.EndTermEarly():
            event = ending(state, command, registry, at)
        case c.RejectWorkplan():
            event = e.WorkplanRejectedByMSP(year=year, occurred_at=at, actor=who,
                                            content_hash=command.content_hash,
                                            reason=command.reason)
        case _:
            event = _HASH_STEPS[type(command)](year=year, occurred_at=at, actor=who,
                                               content_hash=command.content_hash)
    apply(state, event)
    return event


def ending(state: CycleState, command: c.EndTermEarly, registry: Mapping[str, State],
           at: datetime) -> e.TermEndedEarly:
    """The ``TermEndedEarly`` event: the replacement's term is the rest of the one ended, from
    the day it ended, first serving this cycle; its State's standing recorded (CO-1)."""
    term = command.term
    replacement = None if command.replacement is None else Term(
        state=command.replacement, mandate=term.mandate, first_year=state.year or term.first_year,
        last_year=term.last_year, begins=command.ended_on, replacing=term.state)
    standings = tuple(s for code, s in registry.items() if code == command.replacement)
    return e.TermEndedEarly(year=state.year or 0, occurred_at=at, actor=command.actor,
                            term=term, ended_on=command.ended_on, reason=command.reason,
                            decided_by=command.decided_by, replacement=replacement,
                            standings=standings)


_HASH_STEPS: dict[type[c.Command], type[e.WorkplanSubmittedToCommittee
                                          | e.WorkplanSubmittedToMSP
                                          | e.WorkplanAdoptedByMSP]] = {
    c.SubmitWorkplanToCommittee: e.WorkplanSubmittedToCommittee,
    c.SendWorkplanToMSP: e.WorkplanSubmittedToMSP,
    c.AdoptWorkplan: e.WorkplanAdoptedByMSP,
}

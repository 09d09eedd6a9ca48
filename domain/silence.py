"""A silence procedure (extension, SP-1 … SP-4; see ``domain.silence_events``):
``apply``/``fold`` and ``decide`` over the state and table of ``domain.silence_state``
(re-exported here). The engine itself records the outcome at the deadline — adopted with no
objection, not adopted with one — on a durable timer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from domain import silence_events as se
from domain.authority import Record, authorise
from domain.convention import Actor, Role, State
from domain.errors import RuleViolation
from domain.procedure import check_open, check_role, open_steps
from domain.silence_among import check_among, check_breaker
from domain.silence_state import (
    BY_EVENT,
    BY_STEP,
    ENGINE,
    STEP_OF,
    STEPS,
    SilencePhase,
    SilenceState,
    Step,
)

__all__ = ["BY_EVENT", "BY_STEP", "ENGINE_ACTOR", "STEPS", "SilencePhase", "SilenceState",
           "apply", "authority", "circulation", "decide", "fold", "outcome"]


#: a silence procedure runs for days or weeks between meetings; a deadline further off than
#: this is a typing error (a year 9999), not a procedure, and would hold a timer for ever
LONGEST_SILENCE = timedelta(days=366)


def _deadline_ahead(at: datetime, deadline: datetime, rule_id: str) -> None:
    if deadline <= at:
        raise RuleViolation(rule_id, "the deadline {deadline} is not after the circulation "
                                     "({at}); silence runs until a later moment.",
                                     deadline=deadline.isoformat(), at=at.isoformat())
    if deadline - at > LONGEST_SILENCE:
        raise RuleViolation(rule_id, "the deadline {deadline} is more than a year after the "
                                     "circulation ({at}); silence runs between two meetings, "
                                     "for days or weeks.",
                                     deadline=deadline.isoformat(), at=at.isoformat())


def _broken(s: SilenceState, e: se.SilenceBroken) -> SilenceState:
    assert s.deadline is not None  # circulated
    if e.occurred_at >= s.deadline:
        raise RuleViolation("SP-2", "silence can be broken only before the deadline "
                                    "({deadline}).",
                                    deadline=s.deadline.isoformat())
    check_breaker(s.among, e)  # among the committee, only its members (CC-5)
    day = e.occurred_at.date()  # a State Party on the day it speaks (its recorded dates)
    if e.standing is None:
        if e.actor.role is not Role.COMMITTEE_MEMBER:
            raise RuleViolation("SP-2", "silence is broken by a State Party, whose standing is "
                                "recorded with the objection.")
    elif e.standing.iso3 != e.actor.represents or not e.standing.party_on(day):
        raise RuleViolation("SP-2", "silence is broken by a State Party; {name} speaks for "
                                    "{represents}, which is not one on {day}.",
                                    name=e.actor.name, represents=e.actor.represents or 'no State',
                                    day=day)
    if e.circulation != s.circulation:
        raise RuleViolation("SP-2", "the text is in its circulation {circulation}, not "
                                    "{given}.",
                                    circulation=s.circulation, given=e.circulation)
    objector = e.standing.iso3 if e.standing is not None else e.actor.represents or ""
    if objector in [state for state, _ in s.objections]:
        named = e.standing.name if e.standing is not None else objector
        raise RuleViolation("SP-2", "{named} has already broken silence on this circulation.",
                                    named=named)
    return s.model_copy(update={"objections": (*s.objections, (objector, e.objection))})


def _deadline_came(s: SilenceState, e: se.DecisionAdoptedBySilence | se.DecisionNotAdopted
                   ) -> SilenceState:
    assert s.deadline is not None
    assert s.text is not None
    if e.occurred_at < s.deadline or e.circulation != s.circulation:
        raise RuleViolation("SP-3", "the outcome of circulation {circulation} is recorded at "
                                    "its deadline ({deadline}), not before.",
                                    circulation=s.circulation, deadline=s.deadline.isoformat())
    if isinstance(e, se.DecisionAdoptedBySilence):
        if e.content_hash != s.text.sha256:
            raise RuleViolation("SP-3", "the decision adopted is the text circulated.")
        return s.model_copy(update={"adopted": True, "decided_at": e.occurred_at})
    if e.objected_by != tuple(state for state, _ in s.objections):
        raise RuleViolation("SP-3", "the States that broke silence are those recorded.")
    return s.model_copy(update={"deadline_passed": True, "decided_at": e.occurred_at})


def _evolve(s: SilenceState, e: se.AnySilenceEvent) -> SilenceState:
    match e:
        case se.TextCirculated():
            _deadline_ahead(e.occurred_at, e.deadline, "SP-1")
            return s.model_copy(update={"procedure": e.procedure, "subject": e.subject,
                                        "text": e.text, "deadline": e.deadline,
                                        "circulation": 1, "among": e.among})
        case se.TextRecirculated():
            _deadline_ahead(e.occurred_at, e.deadline, "SP-4")
            if e.circulation != s.circulation + 1:
                raise RuleViolation("SP-4", "this is circulation {circulation}.",
                                            circulation=s.circulation + 1)
            return s.model_copy(update={"text": e.text, "deadline": e.deadline,
                                        "circulation": e.circulation, "objections": (),
                                        "deadline_passed": False, "decided_at": None})
        case se.SilenceBroken():
            return _broken(s, e)
        case se.DecisionAdoptedBySilence() | se.DecisionNotAdopted():
            return _deadline_came(s, e)
        case se.TextWithdrawn():
            return s.model_copy(update={"withdrawn": True})


def _admit(rule: Step, state: SilenceState, actor: Actor) -> None:
    """Refuse ``rule``'s step for ``actor``'s role, or at this moment."""
    check_role(rule, actor)
    open_now = ", ".join(o.label for o in open_steps(STEPS, state)) or "nothing"
    check_open(rule, state, f"the procedure is {state.phase.value.replace('_', ' ')}, where "
               f"what may be done is: {open_now}")


def apply(state: SilenceState, event: se.AnySilenceEvent) -> SilenceState:
    """The procedure after ``event``; ``RuleViolation`` if the rules refuse it."""
    if state.procedure is not None and event.procedure != state.procedure:
        raise ValueError(f"an event of {event.procedure} cannot apply to {state.procedure}")
    _admit(BY_EVENT[event.type], state, event.actor)
    after = _evolve(state, event)
    return after.model_copy(update={"event_count": state.event_count + 1})


def fold(events: Iterable[se.AnySilenceEvent]) -> SilenceState:
    state = SilenceState()
    for event in events:
        state = apply(state, event)
    return state


def authority(_state: SilenceState, command: se.SilenceCommand, record: Record,
              at: datetime) -> None:
    """Refuse ``command`` if the record on ``at``'s date does not give its actor the role they
    act in: the President circulates, recirculates and withdraws only while their State holds
    the presidency (CO-3), and circulates ``among`` the committee only to its members that day
    (CC-5). A delegate's State is judged with the step (SP-2)."""
    authorise(command.actor, at.date(), record)
    if isinstance(command, se.CirculateText) and command.among:
        check_among(command.among, at.date(), record)


def circulation(procedure: str, command: se.CirculateText, at: datetime) -> se.TextCirculated:
    """The ``TextCirculated`` event for ``command``, judged on a procedure not yet begun."""
    event = se.TextCirculated(procedure=procedure, occurred_at=at, actor=command.actor,
                              subject=command.subject, text=command.text,
                              deadline=command.deadline, among=command.among)
    apply(SilenceState(), event)
    return event


def decide(state: SilenceState, command: se.SilenceStepCommand, registry: Mapping[str, State],
           at: datetime) -> se.AnySilenceEvent:
    """The event ``command`` records in ``state`` at ``at``; ``RuleViolation`` if refused.
    A delegate's State is judged on ``registry`` and its standing recorded (SP-2)."""
    common: dict[str, Any] = {"procedure": state.procedure or "", "occurred_at": at,
                              "actor": command.actor}
    event: se.AnySilenceEvent
    _admit(BY_STEP[STEP_OF[type(command)]], state, command.actor)  # before the event is built
    match command:
        case se.BreakSilence():
            standing = registry.get(command.actor.represents or "")
            if standing is None and command.actor.role is not Role.COMMITTEE_MEMBER:
                raise RuleViolation("SP-2", "silence is broken by a State Party; {name} speaks "
                                            "for no State of the registry.",
                                            name=command.actor.name)
            event = se.SilenceBroken(**common, standing=standing, objection=command.objection,
                                     circulation=state.circulation)
        case se.RecirculateText():
            event = se.TextRecirculated(**common, text=command.text, deadline=command.deadline,
                                        circulation=state.circulation + 1)
        case se.WithdrawText():
            event = se.TextWithdrawn(**common, reason=command.reason)
    apply(state, event)
    return event


def outcome(state: SilenceState, at: datetime) -> se.AnySilenceEvent:
    """What the engine records at the deadline: adopted if silence held, else not adopted."""
    assert state.text is not None
    common: dict[str, Any] = {"procedure": state.procedure or "", "occurred_at": at,
                              "actor": ENGINE_ACTOR, "circulation": state.circulation}
    event: se.AnySilenceEvent
    if state.objections:
        event = se.DecisionNotAdopted(**common, objected_by=tuple(s for s, _ in state.objections))
    else:
        event = se.DecisionAdoptedBySilence(**common, content_hash=state.text.sha256)
    apply(state, event)
    return event


ENGINE_ACTOR = Actor(name="intersessional engine, at the silence deadline", role=ENGINE)

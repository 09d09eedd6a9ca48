"""A country coalition's life (7MSP, CK-1 … CK-8): ``apply`` one event or refuse it; ``fold``
its stream; ``decide`` which event a command records.

The Coordination Committee identifies a candidate (CK-7); the affected State and its donor or
lead State each agree to co-coordinate (CK-2) — then the coalition is *formed*; the affected
State registers its national strategy document (CK-3) — then it is *active*; participants join
and leave (CK-4); country workshops are planned and held, with what they identified (CK-7,
7MSP ¶8); existing activities are recorded as coordinated, never twice (CK-6); each year's
progress is reported to the MSP (CK-3: against the strategy); the coalition closes.

``apply`` checks, in order: the role (the step's rule), which State a delegate speaks for,
the moment (the step's rule), then the data — as ``domain.cycle.apply`` does for a year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from domain import coalition_events as ce
from domain.authority import WORKSHOP_MANDATES, Citing, Record, authorise, check_delegate
from domain.coalition_state import (
    AFFECTED_ONLY,
    BY_EVENT,
    BY_STEP,
    STEPS,
    CoalitionState,
    ProgressReport,
    Step,
    Workshop,
)
from domain.coalitions import (
    check_identified_by,
    check_not_duplicated,
    check_participant,
    validate_charter,
)
from domain.convention import Role, State
from domain.errors import RuleViolation
from domain.procedure import check_open, check_role, open_steps

EARLIEST_ZONE = timedelta(hours=14)


def _check_delegate(rule: Step, s: CoalitionState, e: ce.CoalitionEvent) -> None:
    if e.actor.role is not Role.DELEGATE or s.charter is None:
        return
    speaks_for = ((s.charter.affected_state,) if rule.event in AFFECTED_ONLY
                  else s.co_coordinators)
    check_delegate(rule.rule_id, rule.label, e.actor, speaks_for)


def authority(_state: CoalitionState, command: ce.CoalitionCommand, record: Record,
              at: datetime) -> None:
    """Refuse ``command`` if the record on ``at``'s date does not give its actor the role
    they act in: the President presiding (CO-3), a committee member sitting that day (CC-3;
    CK-7 to identify a candidate), a coordinator of clearance or of cooperation and assistance
    in office for a workshop (CK-7). The role and the moment are ``apply``'s to judge."""
    identifying = isinstance(command, ce.IdentifyCandidate)
    authorise(command.actor, at.date(), record, Citing(
        committee="CK-7" if identifying else "CC-3", coordinator="CK-7",
        mandates=WORKSHOP_MANDATES))


def _identified(s: CoalitionState, e: ce.CandidateIdentified) -> CoalitionState:
    check_identified_by(e.actor)
    standing = {e.affected.iso3: e.affected, e.partner.iso3: e.partner}
    if validate_charter(e.charter, standing) != e.non_state_party:
        raise RuleViolation("CK-8", "whether the coalition extends to a non-State Party follows "
                            "from the affected State's standing; it is never typed in.")
    return s.model_copy(update={"coalition": e.coalition, "charter": e.charter,
                                "affected": e.affected, "partner": e.partner,
                                "non_state_party": e.non_state_party})


def _agreed(s: CoalitionState, e: ce.CoCoordinationAgreed) -> CoalitionState:
    if e.state != e.actor.represents:
        raise RuleViolation("CK-2", "{name} agrees for {represents}, not for {state}.",
                                    name=e.actor.name, represents=e.actor.represents, state=e.state)
    if e.state in s.agreed:
        raise RuleViolation("CK-2", "{state} has already agreed to co-coordinate.",
                                    state=e.state)
    return s.model_copy(update={"agreed": (*s.agreed, e.state)})


def _registered(s: CoalitionState, e: ce.StrategyDocumentRegistered) -> CoalitionState:
    if s.strategy == e.document:
        raise RuleViolation("CK-3", "the strategy {reference} (sha256 {sha256}…) is already the "
                                    "registered one.",
                                    reference=e.document.reference, sha256=e.document.sha256[:12])
    return s.model_copy(update={"strategy": e.document})


def _joined(s: CoalitionState, e: ce.ParticipantJoined) -> CoalitionState:
    p = e.participant
    check_participant(p.kind.value, p.name, [q.name for q in s.participants])
    if p.name in s.co_coordinators:
        raise RuleViolation("CK-4", "{name} takes part already, as a co-coordinator.",
                                    name=p.name)
    return s.model_copy(update={"participants": (*s.participants, p)})


def _left(s: CoalitionState, e: ce.ParticipantLeft) -> CoalitionState:
    if e.name not in [p.name for p in s.participants]:
        raise RuleViolation("CK-4", "{name} does not take part in this coalition.",
                                    name=e.name)
    return s.model_copy(update={"participants": tuple(p for p in s.participants
                                                      if p.name != e.name)})


def _held(s: CoalitionState, e: ce.CountryWorkshopHeld) -> CoalitionState:
    planned = s.workshop_planned
    assert planned is not None  # the step is open only then
    # the workshop's dates are local to its place, which the engine does not know: it has
    # begun once its first day has come anywhere (UTC+14 is the earliest time zone)
    if (e.occurred_at.astimezone(UTC) + EARLIEST_ZONE).date() < planned.plan.starts:
        raise RuleViolation("CK-7", "a workshop is recorded as held once it has begun; the "
                                    "workshop in {place} begins on {starts}.",
                                    place=planned.plan.place, starts=planned.plan.starts)
    held = planned.model_copy(update={"outcomes": e.outcomes})
    return s.model_copy(update={"workshops": tuple(held if w is planned else w
                                                   for w in s.workshops)})


def _reported(s: CoalitionState, e: ce.ProgressReported) -> CoalitionState:
    year = e.occurred_at.year
    if e.msp_year not in (year, year + 1):
        raise RuleViolation("CK-3", "progress reported in {year} goes to the MSP of {year} or "
                                    "{next_year}, not of {msp_year}.",
                                    year=year, next_year=year + 1, msp_year=e.msp_year)
    if e.msp_year in [r.msp_year for r in s.reports]:
        raise RuleViolation("CK-3", "the coalition has already reported its progress to the MSP "
                                    "of {msp_year}; it reports once a year.",
                                    msp_year=e.msp_year)
    report = ProgressReport(msp_year=e.msp_year, summary=e.summary)
    return s.model_copy(update={"reports": (*s.reports, report)})


def _evolve(s: CoalitionState, e: ce.AnyCoalitionEvent) -> CoalitionState:
    match e:
        case ce.CandidateIdentified():
            return _identified(s, e)
        case ce.CoCoordinationAgreed():
            return _agreed(s, e)
        case ce.StrategyDocumentRegistered():
            return _registered(s, e)
        case ce.ParticipantJoined():
            return _joined(s, e)
        case ce.ParticipantLeft():
            return _left(s, e)
        case ce.CountryWorkshopPlanned():
            return s.model_copy(update={"workshops": (*s.workshops, Workshop(plan=e.workshop))})
        case ce.CountryWorkshopHeld():
            return _held(s, e)
        case ce.ExistingActivityCoordinated():
            check_not_duplicated(e.activity.reference, [a.reference for a in s.activities])
            return s.model_copy(update={"activities": (*s.activities, e.activity)})
        case ce.ProgressReported():
            return _reported(s, e)
        case ce.CoalitionClosed():
            return s.model_copy(update={"closed_because": e.reason})


def apply(state: CoalitionState, event: ce.AnyCoalitionEvent) -> CoalitionState:
    """The coalition after ``event``; ``RuleViolation`` if the rules refuse it."""
    if state.coalition is not None and event.coalition != state.coalition:
        raise ValueError(f"an event of {event.coalition} cannot apply to {state.coalition}")
    rule = BY_EVENT[event.type]
    check_role(rule, event.actor)
    _check_delegate(rule, state, event)
    open_now = ", ".join(o.label for o in open_steps(STEPS, state)) or "nothing"
    check_open(rule, state, f"the coalition is {state.phase.value.replace('_', ' ')}, where "
               f"what may be done is: {open_now}")
    after = _evolve(state, event)
    return after.model_copy(update={"event_count": state.event_count + 1})


def fold(events: Iterable[ce.AnyCoalitionEvent]) -> CoalitionState:
    state = CoalitionState()
    for event in events:
        state = apply(state, event)
    return state


def identification(coalition: str, command: ce.IdentifyCandidate,
                   registry: Mapping[str, State], at: datetime) -> ce.CandidateIdentified:
    """The ``CandidateIdentified`` event for ``command``, with the two States' standing read
    from ``registry`` now (CK-1, CK-2, CK-5, CK-7, CK-8), judged on a coalition not yet
    identified."""
    charter = command.charter
    check_role(BY_STEP["identify_candidate"], command.actor)
    non_party = validate_charter(charter, registry)
    # validate_charter refuses a charter without either State
    assert charter.affected_state is not None
    assert charter.partner_state is not None
    event = ce.CandidateIdentified(
        coalition=coalition, occurred_at=at, actor=command.actor, charter=charter,
        affected=registry[charter.affected_state], partner=registry[charter.partner_state],
        non_state_party=non_party)
    apply(CoalitionState(), event)
    return event


def decide(state: CoalitionState, command: ce.CoalitionStepCommand, at: datetime
           ) -> ce.AnyCoalitionEvent:
    """The event ``command`` records in ``state`` at ``at``; ``RuleViolation`` if refused."""
    common: dict[str, Any] = {"coalition": state.coalition or "", "occurred_at": at,
                              "actor": command.actor}
    event: ce.AnyCoalitionEvent
    match command:
        case ce.AgreeToCoCoordinate():
            event = ce.CoCoordinationAgreed(**common, state=command.actor.represents or "")
        case ce.RegisterStrategy():
            event = ce.StrategyDocumentRegistered(**common, document=command.document)
        case ce.AdmitParticipant():
            event = ce.ParticipantJoined(**common, participant=command.participant)
        case ce.RecordDeparture():
            event = ce.ParticipantLeft(**common, name=command.name)
        case ce.PlanWorkshop():
            event = ce.CountryWorkshopPlanned(**common, workshop=command.workshop)
        case ce.HoldWorkshop():
            event = ce.CountryWorkshopHeld(**common, outcomes=command.outcomes)
        case ce.CoordinateActivity():
            event = ce.ExistingActivityCoordinated(**common, activity=command.activity)
        case ce.ReportProgress():
            event = ce.ProgressReported(**common, msp_year=command.msp_year,
                                        summary=command.summary)
        case ce.CloseCoalition():
            event = ce.CoalitionClosed(**common, reason=command.reason)
    apply(state, event)
    return event

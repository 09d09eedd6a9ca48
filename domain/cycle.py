"""The annual cycle: ``apply`` one event to the state, or refuse it; ``fold`` a history.

``apply`` is the single judge of every step: the workflow's update validators call it on the
candidate event before anything is recorded, and the audit fold calls it on recorded events.
It checks, in order: the actor's role (the step's rule), the phase (the step's rule), whether
the record the cycle holds gives the actor that role on the step's date (``domain.authority``:
the President presiding, a committee member sitting that day), then the
data (the rules of elections, meetings and the work plan). It reads only the state and the
event, so replaying a year never depends on the clock or on today's registry.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.authority import Record, authorise
from domain.committee_decisions import check_collective
from domain.errors import RuleViolation
from domain.events import (
    CoordinatorsElected,
    CycleClosed,
    CycleEvent,
    CycleOpened,
    DeadlineMissed,
    DeadlineReminderSent,
    IntersessionalMeetingConvened,
    IntersessionalMeetingDispensedWith,
    IntersessionalMeetingHeld,
    PresidentDesignated,
    RecordCompleted,
    TermEndedEarly,
    WorkplanAdoptedByMSP,
    WorkplanApprovedByCommittee,
    WorkplanDrafted,
    WorkplanRejectedByMSP,
    WorkplanReturnedForRevision,
    WorkplanSubmittedToCommittee,
    WorkplanSubmittedToMSP,
)
from domain.meetings import validate_meeting
from domain.offices import completed, designated, elected, ended, opened
from domain.procedure import check_role
from domain.state import CycleState, Phase, WorkplanStatus
from domain.steps import BY_EVENT, StepRule, pending_steps
from domain.workplan import check_same_text, validate_workplan

W = WorkplanStatus


def _check_authority(state: CycleState, event: CycleEvent) -> None:
    # the record the cycle holds (its terms and presidencies) gives the role, on the step's date
    authorise(event.actor, event.occurred_at.date(), Record(
        terms=state.terms, presidencies=state.presidencies, mandates=state.mandates,
        profile=state.profile))


def _check_phase(rule: StepRule, state: CycleState) -> None:
    if rule.when(state):
        return
    if state.phase is Phase.NOT_OPENED:
        raise RuleViolation(rule.rule_id, "{label} needs an open cycle; the ISU opens it first.",
                                          label=rule.label)
    open_now = ", ".join(p.label for p in pending_steps(state)) or "nothing"
    raise RuleViolation(rule.rule_id, "{label} is not possible now: the {year} cycle is in its "
                                      "{phase} phase, where what may be done is: {open_now}.",
                                      label=rule.label, year=state.year,
                                      phase=state.phase.value.replace('_', ' '), open_now=open_now)


def _convened(s: CycleState, e: IntersessionalMeetingConvened) -> CycleState:
    if e.meeting.year != e.year:
        raise RuleViolation("IM-1", "the {year} cycle convenes the {year} meeting, not one in "
                                    "{meeting_year}.",
                                    year=e.year, meeting_year=e.meeting.year)
    warnings = validate_meeting(e.meeting)
    return s.model_copy(update={"meeting": e.meeting, "warnings": s.warnings + warnings})


def _drafted(s: CycleState, e: WorkplanDrafted) -> CycleState:
    validate_workplan(e.workplan, e.year)
    if e.content_hash != e.workplan.content_hash():
        raise RuleViolation("ISU-3", "the content hash given is not the hash of the work plan "
                            "text; the hash is computed from the text, never typed in.")
    return s.model_copy(update={"workplan": e.workplan, "workplan_status": W.DRAFT,
                                "draft_hash": e.content_hash})


def _hash_of_draft(s: CycleState, presented: str, step: str) -> None:
    if presented != s.draft_hash:
        raise RuleViolation("ISU-3", "the work plan {step} (sha256 {presented}…) is not the "
                                     "current draft (sha256 {draft_hash}…).",
                                     step=step, presented=presented[:12],
                                     draft_hash=(s.draft_hash or '')[:12])


def _committee_decided(s: CycleState, e: WorkplanApprovedByCommittee
                       | WorkplanReturnedForRevision) -> None:
    deciding = ("the approval of the work plan" if isinstance(e, WorkplanApprovedByCommittee)
                else "the return of the work plan")
    check_collective(s, e.actor, e.present, e.occurred_at.date(), deciding,
                     by_silence=e.by_silence, approving=isinstance(e, WorkplanApprovedByCommittee))


def _decided(s: CycleState, e: WorkplanAdoptedByMSP | WorkplanRejectedByMSP) -> CycleState:
    status = W.ADOPTED if isinstance(e, WorkplanAdoptedByMSP) else W.REJECTED
    check_same_text(s.submitted_hash, e.content_hash, f"{status.value} by the MSP")
    return s.model_copy(update={"workplan_status": status})


def _evolve(s: CycleState, e: CycleEvent) -> CycleState:
    match e:
        case CycleOpened():
            return opened(s, e)
        case CoordinatorsElected():
            return elected(s, e)
        case PresidentDesignated():
            return designated(s, e)
        case TermEndedEarly():
            return ended(s, e)
        case RecordCompleted():
            return completed(s, e)
        case IntersessionalMeetingConvened():
            return _convened(s, e)
        case IntersessionalMeetingDispensedWith():
            return s.model_copy(update={"meeting_dispensed": True})
        case IntersessionalMeetingHeld():
            return s.model_copy(update={"meeting_held": True})
        case WorkplanDrafted():
            return _drafted(s, e)
        case WorkplanSubmittedToCommittee():
            _hash_of_draft(s, e.content_hash, "submitted")
            return s.model_copy(update={"workplan_status": W.WITH_COMMITTEE})
        case WorkplanApprovedByCommittee():
            _hash_of_draft(s, e.content_hash, "approved")
            _committee_decided(s, e)
            return s.model_copy(update={"workplan_status": W.APPROVED,
                                        "approved_hash": e.content_hash})
        case WorkplanReturnedForRevision():
            _hash_of_draft(s, e.content_hash, "returned")
            _committee_decided(s, e)
            return s.model_copy(update={"workplan_status": W.RETURNED,
                                        "returns": (*s.returns, e.reasons)})
        case WorkplanSubmittedToMSP():
            check_same_text(s.approved_hash, e.content_hash, "submitted to the MSP")
            return s.model_copy(update={"workplan_status": W.SUBMITTED,
                                        "submitted_hash": e.content_hash})
        case WorkplanAdoptedByMSP() | WorkplanRejectedByMSP():
            return _decided(s, e)
        case DeadlineReminderSent():
            return s.model_copy(update={"reminders": (*s.reminders, e.deadline)})
        case DeadlineMissed():
            return s.model_copy(update={"deadlines_missed": (*s.deadlines_missed, e.deadline)})
        case CycleClosed():
            return s.model_copy(update={"closed": True})


def apply(state: CycleState, event: CycleEvent) -> CycleState:
    """The state after ``event``; ``RuleViolation`` if the rules refuse it."""
    if state.year is not None and event.year != state.year:
        raise ValueError(f"an event of the {event.year} cycle cannot apply to the {state.year} "
                         "cycle")
    rule = BY_EVENT[event.type]
    check_role(rule, event.actor)
    _check_phase(rule, state)
    _check_authority(state, event)
    after = _evolve(state, event)
    return after.model_copy(update={"event_count": state.event_count + 1})


def fold(events: Iterable[CycleEvent]) -> CycleState:
    """The cycle's state after ``events``, in order; the first refused event raises."""
    state = CycleState()
    for event in events:
        state = apply(state, event)
    return state

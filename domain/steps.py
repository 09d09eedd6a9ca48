"""Which role may take which step, in which phase, under which rule.

One row per step. ``when`` is the step's precondition on the cycle state; a step whose
precondition holds is *pending*. The rule id is the one a refusal of that step cites.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum

from domain.convention import Role
from domain.procedure import PendingStep, ProcedureStep, open_steps
from domain.rules import N_
from domain.state import CycleState, Phase, WorkplanStatus


class Step(StrEnum):
    OPEN_CYCLE = "open_cycle"
    ELECT_COORDINATORS = "elect_coordinators"
    DESIGNATE_PRESIDENT = "designate_president"
    CONVENE_MEETING = "convene_meeting"
    DISPENSE_WITH_MEETING = "dispense_with_meeting"
    HOLD_MEETING = "hold_meeting"
    DRAFT_WORKPLAN = "draft_workplan"
    SUBMIT_WORKPLAN_TO_COMMITTEE = "submit_workplan_to_committee"
    APPROVE_WORKPLAN = "approve_workplan"
    RETURN_WORKPLAN = "return_workplan"
    SEND_WORKPLAN_TO_MSP = "send_workplan_to_msp"
    ADOPT_WORKPLAN = "adopt_workplan"
    REJECT_WORKPLAN = "reject_workplan"
    SEND_REMINDER = "send_reminder"
    MISS_DEADLINE = "miss_deadline"
    CLOSE_CYCLE = "close_cycle"
    END_TERM_EARLY = "end_term_early"
    COMPLETE_RECORD = "complete_record"


#: a row of the annual cycle's table of steps
StepRule = ProcedureStep[CycleState]


def _in(*phases: Phase) -> Callable[[CycleState], bool]:
    return lambda s: s.phase in phases


def _workplan(*statuses: WorkplanStatus | None) -> Callable[[CycleState], bool]:
    return lambda s: s.phase is Phase.WORKPLAN and s.workplan_status in statuses


def _cal(attr: str) -> Callable[[CycleState], date | None]:
    return lambda s: getattr(s.calendar, attr) if s.calendar else None


def _meeting_due(s: CycleState) -> date | None:
    return s.calendar.meeting_window[1] if s.calendar else None


P, ISU, CM = Role.PRESIDENT, Role.ISU, Role.COMMITTEE_MEMBER
_BEFORE_CLOSING = (Phase.ELECTION, Phase.INTERSESSIONAL_MEETING, Phase.WORKPLAN,
                   Phase.SUBMISSION, Phase.MSP_DECISION)
S = Step
STEPS: tuple[StepRule, ...] = (
    StepRule(step=S.OPEN_CYCLE, event="CycleOpened", label=N_("opening the cycle"),
             roles=(ISU, Role.ENGINE),  # the engine: on a Schedule, or as the last year closes
             rule_id="ISU-2", when=_in(Phase.NOT_OPENED)),
    StepRule(step=S.ELECT_COORDINATORS, event="CoordinatorsElected",
             label=N_("recording the election of coordinators"), roles=(P,), rule_id="CO-2",
             when=lambda s: s.phase is Phase.ELECTION and s.election is None,
             due=_cal("opening_msp")),
    StepRule(step=S.DESIGNATE_PRESIDENT, event="PresidentDesignated",
             label=N_("recording the designation of the next President"), roles=(P,),
             rule_id="CO-3", when=lambda s: s.phase is Phase.ELECTION or (
                 s.designated is not None and s.phase in _BEFORE_CLOSING),
             # a further designation (the incoming Review Conference's President beside the
             # next MSP's) may follow the first; only the first is awaited
             pending=lambda s: s.phase is Phase.ELECTION and s.designated is None,
             due=_cal("opening_msp")),
    StepRule(step=S.CONVENE_MEETING, event="IntersessionalMeetingConvened",
             label=N_("convening the intersessional meeting"), roles=(P,), rule_id="IM-5",
             when=lambda s: s.phase is Phase.INTERSESSIONAL_MEETING and s.meeting is None,
             due=_meeting_due),
    StepRule(step=S.DISPENSE_WITH_MEETING, event="IntersessionalMeetingDispensedWith",
             label=N_("recording that this cycle holds no intersessional meeting"), roles=(P,),
             rule_id="IM-8",
             when=lambda s: s.phase is Phase.INTERSESSIONAL_MEETING and s.meeting is None),
    StepRule(step=S.HOLD_MEETING, event="IntersessionalMeetingHeld",
             label=N_("recording that the intersessional meeting was held"), roles=(ISU, P),
             rule_id="IM-1",
             when=lambda s: s.phase is Phase.INTERSESSIONAL_MEETING and s.meeting is not None,
             due=_meeting_due),
    StepRule(step=S.DRAFT_WORKPLAN, event="WorkplanDrafted",
             label=N_("drafting the work plan and budget"), roles=(ISU,), rule_id="ISU-2",
             when=_workplan(None, WorkplanStatus.DRAFT, WorkplanStatus.RETURNED),
             due=_cal("committee_due")),
    StepRule(step=S.SUBMIT_WORKPLAN_TO_COMMITTEE, event="WorkplanSubmittedToCommittee",
             label=N_("submitting the work plan to the Coordination Committee"), roles=(ISU,),
             rule_id="ISU-2", when=_workplan(WorkplanStatus.DRAFT), due=_cal("committee_due")),
    StepRule(step=S.APPROVE_WORKPLAN, event="WorkplanApprovedByCommittee",
             label=N_("approving the work plan for the Coordination Committee"), roles=(P, CM),
             rule_id="ISU-3", when=_workplan(WorkplanStatus.WITH_COMMITTEE),
             due=_cal("committee_due")),
    StepRule(step=S.RETURN_WORKPLAN, event="WorkplanReturnedForRevision",
             label=N_("returning the work plan for revision"), roles=(P, CM), rule_id="ISU-3",
             when=_workplan(WorkplanStatus.WITH_COMMITTEE), due=_cal("committee_due")),
    StepRule(step=S.SEND_WORKPLAN_TO_MSP, event="WorkplanSubmittedToMSP",
             label=N_("submitting the approved work plan to the MSP"), roles=(P,),
             rule_id="ISU-3", when=_in(Phase.SUBMISSION), due=_cal("closing_msp")),
    StepRule(step=S.ADOPT_WORKPLAN, event="WorkplanAdoptedByMSP",
             label=N_("recording the MSP's adoption of the work plan"), roles=(P,),
             rule_id="ISU-3", when=_in(Phase.MSP_DECISION), due=_cal("closing_msp")),
    StepRule(step=S.REJECT_WORKPLAN, event="WorkplanRejectedByMSP",
             label=N_("recording the MSP's rejection of the work plan"), roles=(P,),
             rule_id="ISU-3", when=_in(Phase.MSP_DECISION), due=_cal("closing_msp")),
    StepRule(step=S.SEND_REMINDER, event="DeadlineReminderSent", label=N_("sending a reminder"),
             roles=(Role.ENGINE,), rule_id="G-1",
             when=lambda s: s.phase not in (Phase.NOT_OPENED, Phase.CLOSED)),
    StepRule(step=S.MISS_DEADLINE, event="DeadlineMissed", label=N_("recording a missed deadline"),
             roles=(Role.ENGINE,), rule_id="G-1",
             when=lambda s: s.phase not in (Phase.NOT_OPENED, Phase.CLOSED)),
    StepRule(step=S.CLOSE_CYCLE, event="CycleClosed", label=N_("closing the cycle"),
             roles=(ISU, Role.ENGINE), rule_id="ISU-3", when=_in(Phase.CLOSING)),
    StepRule(step=S.END_TERM_EARLY, event="TermEndedEarly",
             label=N_("recording that a coordinator's term ended early"), roles=(P, ISU),
             rule_id="CO-10", when=lambda s: s.phase in _BEFORE_CLOSING,
             pending=lambda _: False),
    StepRule(step=S.COMPLETE_RECORD, event="RecordCompleted",
             label=N_("completing an incomplete year's record of its coordinators"), roles=(ISU,),
             rule_id="HI-2", when=lambda s: s.incomplete is not None,
             pending=lambda _: False),
)

BY_EVENT: dict[str, StepRule] = {rule.event: rule for rule in STEPS}
BY_STEP: dict[str, StepRule] = {rule.step: rule for rule in STEPS}


def pending_steps(state: CycleState, include_engine: bool = False) -> list[PendingStep]:
    """The steps open now, in the cycle's order (the engine's own steps only if asked)."""
    return open_steps(STEPS, state, include_engine)

"""Build, for any step and any cycle state, the event a person would submit for it.

Used by the cycle tests and their Hypothesis properties: the factory never judges (it calls no
``apply``), so the tests can hand the rules both legal and illegal steps.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.calendar import default_calendar
from domain.committee import Presidency
from domain.convention import Actor, Role, shipped_registry
from domain.elections import Term, plan_first_round
from domain.events import (
    CoordinatorsElected,
    CycleClosed,
    CycleEvent,
    CycleOpened,
    Deadline,
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
from domain.meetings import IntersessionalMeeting, NeighbouringMeeting, default_agenda
from domain.state import CycleState
from domain.steps import BY_STEP, Step
from domain.workplan import BudgetLine, MandateLetter, Workplan, WorkplanItem

YEAR = 2025
NOMINATIONS = {
    "general-status": ["CHE", "LBN"], "universalization": ["GHA", "PHL"],
    "victim-assistance": ["CHL", "ITA"], "clearance": ["LAO", "NOR"],
    "stockpile-destruction": ["ESP", "BIH"], "cooperation-assistance": ["AUS", "IRQ"],
    "national-implementation": ["NZL"], "reporting": ["BEL"],
}
SITTING = Presidency(state="CHE", meeting="12MSP", designated_on=date(2023, 9, 4),
                     presides_from=date(2024, 9, 2), presides_until=date(2025, 9, 1))
DESIGNATED = Presidency(state="PHL", meeting="13MSP", designated_on=date(2024, 9, 6),
                        presides_from=date(2025, 9, 1))


def actor(role: Role, represents: str | None = None) -> Actor:
    return Actor(name=f"a {role.value}", role=role, represents=represents)


#: the President of the 2025 cycle: of CHE, whose presidency the record holds (SITTING)
CHAIR = actor(Role.PRESIDENT, "CHE")


def at(day: int) -> datetime:
    """A moment of the cycle: ``day`` days after the opening MSP."""
    return datetime(2024, 9, 2, 9, tzinfo=UTC) + timedelta(days=day)


def workplan(variant: int = 0) -> Workplan:
    return Workplan(for_year=YEAR + 1, items=(
        WorkplanItem(title="Prepare the meetings", letters=(MandateLetter.A,)),
        WorkplanItem(title="Report to the MSP", letters=(MandateLetter.I, MandateLetter.H))),
        budget=(BudgetLine(label="Staff", amount=Decimal(600000 + variant), currency="CHF"),))


def meeting(place: str = "Geneva", days: int = 5) -> IntersessionalMeeting:
    return IntersessionalMeeting(year=YEAR, place=place, first_day=date(YEAR, 6, 2),
                                 last_day=date(YEAR, 6, 1 + days),
                                 back_to_back_with=NeighbouringMeeting.APMBC,
                                 agenda=default_agenda(min(days, 5)))


def event_for(step: Step, state: CycleState, when: datetime, role: Role | None = None,
              variant: int = 0) -> CycleEvent:
    """The event for ``step`` in ``state``, taken by the step's first role unless ``role``."""
    acting = role or BY_STEP[step].roles[0]
    # CHE holds the presidency (SITTING) for the whole cycle; the ISU and the engine act for
    # no State
    who = actor(acting, None if acting in (Role.ISU, Role.ENGINE) else "CHE")
    common = {"year": YEAR, "occurred_at": when, "actor": who}
    plan = workplan(variant)
    draft = state.draft_hash or plan.content_hash()
    match step:
        case Step.OPEN_CYCLE:
            return CycleOpened(**common, calendar=default_calendar(YEAR),
                               carried_presidencies=(SITTING,))
        case Step.ELECT_COORDINATORS:
            result = plan_first_round(YEAR - 1, NOMINATIONS)
            registry = shipped_registry()
            return CoordinatorsElected(**common, election=result, standings=tuple(
                registry[t.state] for t in result.terms))
        case Step.DESIGNATE_PRESIDENT:
            return PresidentDesignated(**common, presidency=DESIGNATED)
        case Step.CONVENE_MEETING:
            return IntersessionalMeetingConvened(**common, meeting=meeting())
        case Step.DISPENSE_WITH_MEETING:
            return IntersessionalMeetingDispensedWith(**common, decided_by="Review Conference")
        case Step.HOLD_MEETING:
            return IntersessionalMeetingHeld(**common, records_reference="ISU/IM/summary")
        case Step.DRAFT_WORKPLAN:
            return WorkplanDrafted(**common, workplan=plan, content_hash=plan.content_hash())
        case Step.SUBMIT_WORKPLAN_TO_COMMITTEE:
            return WorkplanSubmittedToCommittee(**common, content_hash=draft)
        case Step.APPROVE_WORKPLAN:
            return WorkplanApprovedByCommittee(**common, content_hash=draft)
        case Step.RETURN_WORKPLAN:
            return WorkplanReturnedForRevision(**common, content_hash=draft, reasons="revise")
        case Step.SEND_WORKPLAN_TO_MSP:
            return WorkplanSubmittedToMSP(**common, content_hash=state.approved_hash or draft)
        case Step.ADOPT_WORKPLAN:
            return WorkplanAdoptedByMSP(**common, content_hash=state.submitted_hash or draft)
        case Step.REJECT_WORKPLAN:
            return WorkplanRejectedByMSP(**common, content_hash=state.submitted_hash or draft,
                                         reason="budget")
        case Step.SEND_REMINDER:
            return DeadlineReminderSent(**common, deadline=Deadline.COMMITTEE_APPROVAL,
                                        due=date(YEAR, 7, 21))
        case Step.MISS_DEADLINE:
            return DeadlineMissed(**common, deadline=Deadline.COMMITTEE_APPROVAL,
                                  due=date(YEAR, 7, 21), escalated_to="CHE")
        case Step.CLOSE_CYCLE:
            return CycleClosed(**common)
        case Step.COMPLETE_RECORD:  # of a cycle whose record is whole: always refused
            return RecordCompleted(**common, terms=(Term(
                state="NZL", mandate="reporting", first_year=YEAR, last_year=YEAR),))
        case Step.END_TERM_EARLY:  # of a term the record does not hold: always refused
            return TermEndedEarly(**common, term=Term(state="XXX", mandate="reporting",
                                                      first_year=YEAR, last_year=YEAR + 1),
                                  ended_on=when.date(), reason="resigned", decided_by="MSP")

"""The steps people take, as imperative commands: one input model per step.

A command is what a person asks for (``ApproveWorkplan``); the event is what the ledger records
once the rules accept it (``WorkplanApprovedByCommittee``). :func:`domain.decide.decide` turns
one into the other, deriving what follows from the rules and judging the result with
:func:`domain.cycle.apply`. Hash-carrying commands name the text the person saw by its SHA-256
(ISU-3): a work plan altered after approval no longer matches and is refused.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field

from domain.attestation import Attested
from domain.calendar import CycleCalendar
from domain.committee import Presidency
from domain.conferences import FormalMeeting
from domain.convention import Actor
from domain.elections import ElectionResult, Term
from domain.limits import ITEMS, NAME, Most, Name, Text
from domain.mandates import Mandate
from domain.meetings import IntersessionalMeeting
from domain.profile import Profile
from domain.quiet import Quiet
from domain.silence_decision import SILENCE_STREAM
from domain.steps import Step
from domain.workplan import Workplan

ContentHash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$",
                                   description="SHA-256 of the work plan text, in hex")]


class Command(Attested, Quiet):
    model_config = ConfigDict(frozen=True, extra="forbid")
    # fields added after steps were first attested: left out of the input while empty, so an
    # attestation signed before they existed still names the same input (AT-2 on replay)
    QUIET = ("present", "profile", "closing_meeting", "by_silence")

    actor: Actor


class OpenCycle(Command):
    """Open the ``year`` cycle (ISU, or the engine on a schedule or as the year before closes).
    Without a calendar the defaults of the year apply; without mandates, the Convention's eight.
    The engine carries over what the previous cycle's recorded events leave running; the first
    year kept by the engine may name what came before it in ``carried_*``."""

    year: int = Field(ge=2011, le=2999)
    calendar: CycleCalendar | None = None
    mandates: Annotated[tuple[Mandate, ...] | None, Most(items=ITEMS)] = None
    carried_terms: Annotated[tuple[Term, ...], Most(items=ITEMS)] = ()
    carried_presidencies: Annotated[tuple[Presidency, ...], Most(items=ITEMS)] = ()
    #: how terms run and who sits on the committee (``domain.profile``); default: the
    #: profile the engine is set to (``INTERSESSIONAL_PROFILE``), else ``seeds``
    profile: Profile | None = None
    #: the meeting that closes the cycle, where it is known (a Review Conference, in parts)
    closing_meeting: FormalMeeting | None = None


class ElectCoordinators(Command):
    election: ElectionResult


class DesignatePresident(Command):
    presidency: Presidency


class ConveneMeeting(Command):
    meeting: IntersessionalMeeting


class DispenseWithMeeting(Command):
    decided_by: Name = Field(min_length=1, description="the decision that dispensed with it")
    reason: Text = ""


class HoldMeeting(Command):
    records_reference: Name = Field(min_length=1)


class DraftWorkplan(Command):
    workplan: Workplan


class SubmitWorkplanToCommittee(Command):
    content_hash: ContentHash


#: CC-5: the members present when the committee decided, as its chair records them
Present = Annotated[tuple[Name, ...], Most(items=ITEMS)]
#: CC-5: or the silence procedure among the committee's members that decided it
BySilence = Annotated[str | None, Field(pattern=SILENCE_STREAM,
                                        description="a silence stream, silence-<year>-<n>")]


class ApproveWorkplan(Command):
    content_hash: ContentHash
    present: Present = ()
    by_silence: BySilence = None


class ReturnWorkplan(Command):
    content_hash: ContentHash
    reasons: Text = Field(min_length=1)
    present: Present = ()
    by_silence: BySilence = None


class EndTermEarly(Command):
    """Record that ``term`` ended on ``ended_on`` (CO-10), why, who decided it, and the State
    that serves the rest of it, if one was chosen."""

    term: Term
    ended_on: date
    reason: Text = Field(min_length=1)
    decided_by: Name = Field(min_length=1, description="the body or decision that ended it")
    replacement: Annotated[str | None, Most(NAME)] = None


class SendWorkplanToMSP(Command):
    content_hash: ContentHash


class AdoptWorkplan(Command):
    content_hash: ContentHash


class RejectWorkplan(Command):
    content_hash: ContentHash
    reason: Text = Field(min_length=1)


StepCommand = (ElectCoordinators | DesignatePresident | ConveneMeeting | DispenseWithMeeting
               | HoldMeeting | DraftWorkplan | SubmitWorkplanToCommittee | ApproveWorkplan
               | ReturnWorkplan | SendWorkplanToMSP | AdoptWorkplan | RejectWorkplan
               | EndTermEarly)

#: the step each command takes; the workflow's update of the same name takes that command
COMMANDS: dict[Step, type[Command]] = {
    Step.ELECT_COORDINATORS: ElectCoordinators, Step.DESIGNATE_PRESIDENT: DesignatePresident,
    Step.CONVENE_MEETING: ConveneMeeting, Step.DISPENSE_WITH_MEETING: DispenseWithMeeting,
    Step.HOLD_MEETING: HoldMeeting, Step.DRAFT_WORKPLAN: DraftWorkplan,
    Step.SUBMIT_WORKPLAN_TO_COMMITTEE: SubmitWorkplanToCommittee,
    Step.APPROVE_WORKPLAN: ApproveWorkplan, Step.RETURN_WORKPLAN: ReturnWorkplan,
    Step.SEND_WORKPLAN_TO_MSP: SendWorkplanToMSP, Step.ADOPT_WORKPLAN: AdoptWorkplan,
    Step.REJECT_WORKPLAN: RejectWorkplan, Step.END_TERM_EARLY: EndTermEarly,
}

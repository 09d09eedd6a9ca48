"""The event vocabulary: one frozen pydantic model per past-tense fact of the annual cycle.

Every event carries its schema version, the cycle year (its stream), when it occurred (handed in
by the workflow; the domain never reads the clock) and the actor with the role they acted in.
An event records the facts it was judged on (e.g. the standing of each elected State), so that
replaying it years later never depends on today's registry.

CO-9, CC-4 and ISU-5 — the First Review Conference reviews the intersessional programme, the
Coordination Committee and the ISU — are served by this vocabulary: every step of every year is
a fact with who took it, in what role and when, which the audit replays and reports (G-1).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, TypeAdapter

from domain.calendar import CycleCalendar
from domain.committee import Presidency
from domain.conferences import FormalMeeting
from domain.convention import Actor, State
from domain.elections import ElectionResult, Term
from domain.errors import RuleWarning
from domain.limits import ITEMS, Most, Name, Text, Title
from domain.mandates import DEFAULT_MANDATES, Mandate
from domain.meetings import IntersessionalMeeting
from domain.profile import FIRST_READING, Profile, profile
from domain.quiet import Quiet
from domain.silence_decision import SilenceDecision
from domain.workplan import Workplan


class Event(Quiet):
    model_config = ConfigDict(frozen=True, extra="forbid")
    QUIET = ("source", "present", "closing_meeting", "incomplete", "by_silence")

    schema_version: int = 1
    year: int
    occurred_at: AwareDatetime
    actor: Actor
    #: the document that records the fact, for a fact taken from the Convention's record
    #: (``intersessional history import``); ``None`` for a step taken in the engine
    source: Title | None = None


class Deadline(StrEnum):
    """The cycle's dated obligations a durable timer watches."""

    COMMITTEE_APPROVAL = "committee_approval"
    SUBMISSION_TO_MSP = "submission_to_msp"
    INTERSESSIONAL_MEETING = "intersessional_meeting"


class CycleOpened(Event):
    """The ISU opened the year's cycle. CO-8 (working methods for continuity) is served by what
    it carries over: the terms and presidencies of earlier years, so that rotation (CO-7),
    staggering (CO-5) and the committee (CC-3) run on across cycles. It also fixes the year's
    mandates (seats, term lengths, renewability: CO-4, WG-2, WG-3), so a replay judges each
    year by the mandates in force that year."""

    type: Literal["CycleOpened"] = "CycleOpened"
    calendar: CycleCalendar
    mandates: tuple[Mandate, ...] = DEFAULT_MANDATES
    carried_terms: tuple[Term, ...] = ()
    carried_presidencies: tuple[Presidency, ...] = ()
    #: how terms run and who sits on the committee this year (``domain.profile``); a cycle
    #: recorded before profiles existed was judged by the engine's first reading
    profile: Profile = Field(default_factory=lambda: profile(FIRST_READING))
    #: the meeting that closes the cycle, where the record knows it (its kind and parts)
    closing_meeting: FormalMeeting | None = None
    #: whether the cycle's record holds the ISU's work plan (ISU-2(h)); a year imported from
    #: before the ISU, or whose work plan is known by its document only, does not
    records_workplan: bool = True


class TermEndedEarly(Event):
    """A coordinator's term ended before its time (CO-10), with why and who decided it, and
    the State that serves the rest of it, if one was chosen."""

    type: Literal["TermEndedEarly"] = "TermEndedEarly"
    term: Term
    ended_on: date
    reason: Text = Field(min_length=1)
    decided_by: Name = Field(min_length=1)
    replacement: Term | None = None
    standings: tuple[State, ...] = ()


class RecordCompleted(Event):
    """A year imported from an incomplete record is completed: coordinators further sources
    name as serving that cycle, added beside those recorded; nothing recorded is changed."""

    type: Literal["RecordCompleted"] = "RecordCompleted"
    terms: tuple[Term, ...] = Field(min_length=1)
    standings: tuple[State, ...] = ()


class CoordinatorsElected(Event):
    type: Literal["CoordinatorsElected"] = "CoordinatorsElected"
    election: ElectionResult
    standings: tuple[State, ...]
    warnings: tuple[RuleWarning, ...] = ()
    #: for a year taken from an incomplete record: why it is incomplete. The election then
    #: lists the coordinators the sources name as serving this cycle (one-cycle terms, their
    #: real terms unknown), judged on CO-1 and the seats (WG-2, WG-3) but not on what only
    #: the unknown terms could show (CO-4, CO-5, CO-7, a mandate left without a coordinator)
    incomplete: Text | None = None


class PresidentDesignated(Event):
    type: Literal["PresidentDesignated"] = "PresidentDesignated"
    presidency: Presidency


class IntersessionalMeetingConvened(Event):
    type: Literal["IntersessionalMeetingConvened"] = "IntersessionalMeetingConvened"
    meeting: IntersessionalMeeting
    warnings: tuple[RuleWarning, ...] = ()


class IntersessionalMeetingDispensedWith(Event):
    type: Literal["IntersessionalMeetingDispensedWith"] = "IntersessionalMeetingDispensedWith"
    decided_by: str = Field(min_length=1)
    reason: str = ""


class IntersessionalMeetingHeld(Event):
    type: Literal["IntersessionalMeetingHeld"] = "IntersessionalMeetingHeld"
    records_reference: str = Field(min_length=1)


class WorkplanDrafted(Event):
    type: Literal["WorkplanDrafted"] = "WorkplanDrafted"
    workplan: Workplan
    content_hash: str


class WorkplanSubmittedToCommittee(Event):
    type: Literal["WorkplanSubmittedToCommittee"] = "WorkplanSubmittedToCommittee"
    content_hash: str


class WorkplanApprovedByCommittee(Event):
    type: Literal["WorkplanApprovedByCommittee"] = "WorkplanApprovedByCommittee"
    content_hash: str
    #: the committee's members present when it decided (CC-5), as its chair recorded them
    present: Annotated[tuple[Name, ...], Most(items=ITEMS)] = ()
    by_silence: SilenceDecision | None = None  # or by silence among its members (CC-5)


class WorkplanReturnedForRevision(Event):
    type: Literal["WorkplanReturnedForRevision"] = "WorkplanReturnedForRevision"
    content_hash: str
    #: the committee's members present when it decided (CC-5), as its chair recorded them
    present: Annotated[tuple[Name, ...], Most(items=ITEMS)] = ()
    by_silence: SilenceDecision | None = None  # or by silence among its members (CC-5)
    reasons: str = Field(min_length=1)


class WorkplanSubmittedToMSP(Event):
    type: Literal["WorkplanSubmittedToMSP"] = "WorkplanSubmittedToMSP"
    content_hash: str


class WorkplanAdoptedByMSP(Event):
    type: Literal["WorkplanAdoptedByMSP"] = "WorkplanAdoptedByMSP"
    content_hash: str


class WorkplanRejectedByMSP(Event):
    type: Literal["WorkplanRejectedByMSP"] = "WorkplanRejectedByMSP"
    content_hash: str
    reason: str = Field(min_length=1)


class DeadlineReminderSent(Event):
    type: Literal["DeadlineReminderSent"] = "DeadlineReminderSent"
    deadline: Deadline
    due: date


class DeadlineMissed(Event):
    type: Literal["DeadlineMissed"] = "DeadlineMissed"
    deadline: Deadline
    due: date
    escalated_to: str | None = None


class CycleClosed(Event):
    type: Literal["CycleClosed"] = "CycleClosed"


CycleEvent = Annotated[
    CycleOpened | CoordinatorsElected | PresidentDesignated | IntersessionalMeetingConvened
    | IntersessionalMeetingDispensedWith | IntersessionalMeetingHeld | WorkplanDrafted
    | WorkplanSubmittedToCommittee | WorkplanApprovedByCommittee | WorkplanReturnedForRevision
    | WorkplanSubmittedToMSP | WorkplanAdoptedByMSP | WorkplanRejectedByMSP
    | DeadlineReminderSent | DeadlineMissed | CycleClosed | TermEndedEarly | RecordCompleted,
    Field(discriminator="type"),
]

CYCLE_EVENT: TypeAdapter[CycleEvent] = TypeAdapter(CycleEvent)


def parse_event(payload: dict[str, object]) -> CycleEvent:
    """Rebuild an event from its JSON form (its ``type`` field picks the model)."""
    return CYCLE_EVENT.validate_python(payload)

"""The state of one annual cycle, as folded from its events, and the phase it is in."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.calendar import CycleCalendar
from domain.committee import CommitteeMember, Presidency, committee_on
from domain.conferences import FormalMeeting
from domain.elections import ElectionResult, Term
from domain.errors import RuleWarning
from domain.events import Deadline
from domain.mandates import DEFAULT_MANDATES, Mandate
from domain.meetings import IntersessionalMeeting
from domain.profile import FIRST_READING, Profile, profile
from domain.workplan import Workplan


class Phase(StrEnum):
    NOT_OPENED = "not_opened"
    ELECTION = "election"
    INTERSESSIONAL_MEETING = "intersessional_meeting"
    WORKPLAN = "workplan"
    SUBMISSION = "submission"
    MSP_DECISION = "msp_decision"
    CLOSING = "closing"
    CLOSED = "closed"


class WorkplanStatus(StrEnum):
    """The work plan's life: draft → with the committee → returned for revision (→ draft …) →
    approved by the committee → submitted to the MSP → adopted or rejected."""

    DRAFT = "draft"
    WITH_COMMITTEE = "with_committee"
    RETURNED = "returned"
    APPROVED = "approved"
    SUBMITTED = "submitted"
    ADOPTED = "adopted"
    REJECTED = "rejected"


class CycleState(BaseModel):
    """Everything the rules need to know about one year's cycle."""

    model_config = ConfigDict(frozen=True)

    year: int | None = None
    calendar: CycleCalendar | None = None
    mandates: tuple[Mandate, ...] = DEFAULT_MANDATES
    terms: tuple[Term, ...] = ()
    election: ElectionResult | None = None
    presidencies: tuple[Presidency, ...] = ()
    designated: Presidency | None = None
    meeting: IntersessionalMeeting | None = None
    meeting_held: bool = False
    meeting_dispensed: bool = False
    workplan: Workplan | None = None
    workplan_status: WorkplanStatus | None = None
    draft_hash: str | None = None
    approved_hash: str | None = None
    submitted_hash: str | None = None
    returns: tuple[str, ...] = ()
    warnings: tuple[RuleWarning, ...] = ()
    reminders: tuple[Deadline, ...] = ()
    deadlines_missed: tuple[Deadline, ...] = ()
    closed: bool = False
    event_count: int = 0
    profile: Profile = Field(default_factory=lambda: profile(FIRST_READING))
    closing_meeting: FormalMeeting | None = None
    records_workplan: bool = True
    #: why the cycle's record of its coordinators is incomplete (an imported year), if it is
    incomplete: str | None = None

    @property
    def phase(self) -> Phase:
        if self.year is None:
            return Phase.NOT_OPENED
        if self.closed:
            return Phase.CLOSED
        if self.workplan_status in (WorkplanStatus.ADOPTED, WorkplanStatus.REJECTED):
            return Phase.CLOSING
        if self.workplan_status is WorkplanStatus.SUBMITTED:
            return Phase.MSP_DECISION
        if self.workplan_status is WorkplanStatus.APPROVED:
            return Phase.SUBMISSION
        if self.election is None or self.designated is None:
            return Phase.ELECTION
        if not (self.meeting_held or self.meeting_dispensed):
            return Phase.INTERSESSIONAL_MEETING
        if not self.records_workplan:
            return Phase.CLOSING  # a year whose record holds no work plan closes at its meeting
        return Phase.WORKPLAN

    @property
    def catalogue(self) -> dict[str, Mandate]:
        """The year's mandates by key."""
        return {m.key: m for m in self.mandates}

    def committee_on(self, day: date) -> tuple[CommitteeMember, ...]:
        """CC-3: the Coordination Committee on ``day``, from this cycle's recorded facts."""
        return committee_on(day, self.terms, self.presidencies, self.catalogue, self.profile)

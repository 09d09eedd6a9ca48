"""What a Review Conference reviews (CO-9, CC-4, ISU-5), as facts: year by year, the coordinators
of each mandate, the intersessional meeting, the work plan, the approvals and the deviations
(:mod:`audit.review.cycle` reads them); and what every kind's facts share: :class:`Taken`, who
took a recorded step and where the ledger keeps it.

``report.html`` lays them out. They are frozen; their few properties are the sums the page
shows (CO-6's shares).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.committee import Presidency
from domain.conferences import FormalMeeting
from domain.events import CycleEvent
from domain.meetings import IntersessionalMeeting
from domain.state import WorkplanStatus
from domain.workplan import Workplan
from i18n import N_
from ledger import StoredEvent

#: one year's recorded events, each as stored and as read, in the order of the ledger
Recorded = list[tuple[StoredEvent, CycleEvent]]


def span(first: int, last: int) -> str:
    """``2027–2029``, or ``2027`` for a single year."""
    return f"{first}–{last}" if last > first else str(first)


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True)


class Taken(Fact):
    """Who took a recorded step, in which role, for whom; when; where the ledger keeps it."""

    actor: str
    role: str
    represents: str | None
    occurred_at: datetime
    position: int
    stream: str
    version: int


def taken(s: StoredEvent, e: Any) -> Taken:
    """The step ``e`` (as stored: ``s``) as a :class:`Taken`."""
    return Taken(actor=e.actor.name, role=e.actor.role.value.replace("_", " "),
                 represents=e.actor.represents, occurred_at=e.occurred_at,
                 position=s.position, stream=s.stream, version=s.version)


class Coordinator(Fact):
    """A State coordinating a mandate; ``recorded``: its standing is the one recorded with an
    election (else today's registry's); ``necessity``: CO-7's recorded reason, if re-elected."""

    state: str
    name: str
    affected: bool
    recorded: bool
    first_year: int
    last_year: int
    necessity: str | None = None


class MandateSeats(Fact):
    key: str
    name: str
    letter: str | None
    working_group: bool
    coordinators: tuple[Coordinator, ...]
    #: the year's record is incomplete (``CoordinatorsElected.incomplete``): an empty seat is
    #: not known, not vacant, and CO-6 is not judged on it
    unknown: bool = False

    @property
    def affected(self) -> int:
        return sum(c.affected for c in self.coordinators)

    @property
    def lacks_affected(self) -> bool:
        """CO-6: a working group none of whose coordinators comes from an affected State."""
        return self.working_group and self.affected == 0 and not self.unknown


class MeetingFacts(Fact):
    meeting: IntersessionalMeeting | None = None
    convened_at: datetime | None = None
    held_at: datetime | None = None
    records_reference: str | None = None
    dispensed_by: str | None = None
    dispensed_reason: str = ""
    late: bool = False  # its deadline was recorded as missed


class WorkplanFacts(Fact):
    """The year's last draft (the one decided on), how many drafts it took, and its fate."""

    plan: Workplan
    content_hash: str
    drafts: int
    fate: WorkplanStatus
    approved_at: datetime | None = None
    decided_at: datetime | None = None


class Approval(Fact):
    """A decision: the step, who took it in which role for whom, when, and where it is kept."""

    step: str
    rule_id: str
    actor: str
    role: str
    represents: str | None
    occurred_at: datetime
    recorded_at: datetime
    position: int
    stream: str
    version: int


class DeviationKind(StrEnum):
    """The deviations a Review Conference looks for, in the order the report shows them."""

    NECESSITY = N_("CO-7 exceptions: a State coordinating again because it was necessary")
    ELECTION_WARNING = N_("Warnings recorded with elections")
    MEETING_WARNING = N_("Warnings recorded with intersessional meetings")
    DISPENSED = N_("Intersessional meetings dispensed with")
    RETURNED = N_("Work plans returned for revision")
    MISSED = N_("Deadlines missed")
    REMINDER = N_("Reminders sent before a deadline")
    REJECTED = N_("Work plans rejected by the MSP")


class Deviation(Fact):
    kind: DeviationKind
    rule_id: str
    year: int
    what: str
    reason: str = ""
    occurred_at: datetime
    position: int
    due: date | None = None
    escalated_to: str | None = None


class YearFacts(Fact):
    year: int
    coordinators: tuple[MandateSeats, ...]
    meeting: MeetingFacts
    workplan: WorkplanFacts | None
    approvals: tuple[Approval, ...]
    deviations: tuple[Deviation, ...]
    closed: bool
    #: why the year's record is incomplete, for a year imported from incomplete sources
    incomplete: str | None = None
    #: the documents the year's facts were recorded from (an imported year's sources)
    sources: tuple[str, ...] = ()
    #: the meeting that closes the cycle, where the record knows it (kind, parts, venues)
    closing_meeting: FormalMeeting | None = None
    #: the Presidents designated during the cycle (CO-3), in the order recorded
    designations: tuple[Presidency, ...] = ()

    @property
    def held(self) -> list[Coordinator]:
        """Every coordinator of the year, mandate by mandate."""
        return [c for m in self.coordinators for c in m.coordinators]

    @property
    def share(self) -> tuple[int, int]:
        """CO-6 overall: (coordinators from affected States, coordinators)."""
        held = self.held
        return sum(c.affected for c in held), len(held)

    @property
    def groups_lacking(self) -> list[MandateSeats]:
        return [m for m in self.coordinators if m.lacks_affected]

    @property
    def seats(self) -> dict[str, MandateSeats]:
        return {m.key: m for m in self.coordinators}

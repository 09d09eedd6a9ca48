"""What a Review Conference reviews (CO-9, CC-4, ISU-5), as facts: year by year, the coordinators
of each mandate, the intersessional meeting, the work plan, the approvals and the deviations;
beside the years, the country coalitions and silence procedures they concern
(:mod:`audit.review_processes`).

:func:`audit.review_cycles.gather` reads them from the recorded events; ``report.html`` lays
them out. They are frozen; their few properties are the sums the page shows (CO-6's shares).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from audit.review_processes import CoalitionFacts, Progress, SilenceFacts
from domain.events import CycleEvent
from domain.meetings import IntersessionalMeeting
from domain.state import WorkplanStatus
from domain.workplan import Workplan
from ledger import StoredEvent

#: one year's recorded events, each as stored and as read, in the order of the ledger
Recorded = list[tuple[StoredEvent, CycleEvent]]


def span(first: int, last: int) -> str:
    """``2027–2029``, or ``2027`` for a single year."""
    return f"{first}–{last}" if last > first else str(first)


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True)


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

    @property
    def affected(self) -> int:
        return sum(c.affected for c in self.coordinators)

    @property
    def lacks_affected(self) -> bool:
        """CO-6: a working group none of whose coordinators comes from an affected State."""
        return self.working_group and self.affected == 0


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

    NECESSITY = "CO-7 exceptions: a State coordinating again because it was necessary"
    ELECTION_WARNING = "Warnings recorded with elections"
    MEETING_WARNING = "Warnings recorded with intersessional meetings"
    DISPENSED = "Intersessional meetings dispensed with"
    RETURNED = "Work plans returned for revision"
    MISSED = "Deadlines missed"
    REMINDER = "Reminders sent before a deadline"
    REJECTED = "Work plans rejected by the MSP"


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


class ReviewFacts(Fact):
    """The years ``from_year``…``to_year`` as the ledger recorded them."""

    from_year: int
    to_year: int
    years: tuple[YearFacts, ...]
    names: dict[str, str]  # alpha-3 code -> the State's name, as recorded
    coalitions: tuple[CoalitionFacts, ...] = ()
    procedures: tuple[SilenceFacts, ...] = ()

    def progress(self, msp_year: int) -> list[Progress]:
        """The coalitions' progress reported into the submission to the MSP of ``msp_year``
        (the one the ``msp_year`` cycle's work plan goes to)."""
        return [r for c in self.coalitions for r in c.reports if r.msp_year == msp_year]

    def deviations(self, kind: DeviationKind) -> list[Deviation]:
        return [d for y in self.years for d in y.deviations if d.kind is kind]

    def registry_standings(self) -> bool:
        """Whether any coordinator's standing had to come from today's registry."""
        return any(not c.recorded for y in self.years for c in y.held)

    def mandates(self) -> dict[str, MandateSeats]:
        """Every mandate of the years, in the order of 2MSP (a later year adds its new ones)."""
        found: dict[str, MandateSeats] = {}
        for m in (m for y in self.years for m in y.coordinators):
            found.setdefault(m.key, m)
        return found

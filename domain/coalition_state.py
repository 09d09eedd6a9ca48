"""A country coalition's state, as folded from its events, and its table of steps: who may
take each, under which rule, when (``domain.procedure``). ``domain.coalition`` judges."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.coalitions import (
    CoalitionCharter,
    CountryWorkshop,
    ExistingActivity,
    Participant,
    StrategyDocument,
    WorkshopOutcomes,
)
from domain.convention import Role, State
from domain.procedure import ProcedureStep
from domain.rules import N_


class CoalitionPhase(StrEnum):
    NOT_IDENTIFIED = "not_identified"
    CANDIDATE = "candidate"  # identified; waiting for the two States to agree (CK-2)
    FORMED = "formed"  # both agreed; no national strategy document yet (CK-3)
    ACTIVE = "active"
    CLOSED = "closed"


class Workshop(BaseModel):
    model_config = ConfigDict(frozen=True)

    plan: CountryWorkshop
    outcomes: WorkshopOutcomes | None = None


class ProgressReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    msp_year: int
    summary: str


class CoalitionState(BaseModel):
    """Everything the rules need to know about one coalition."""

    model_config = ConfigDict(frozen=True)

    coalition: str | None = None
    charter: CoalitionCharter | None = None
    affected: State | None = None
    partner: State | None = None
    non_state_party: bool = False
    agreed: tuple[str, ...] = ()
    strategy: StrategyDocument | None = None
    participants: tuple[Participant, ...] = ()
    workshops: tuple[Workshop, ...] = ()
    activities: tuple[ExistingActivity, ...] = ()
    reports: tuple[ProgressReport, ...] = ()
    closed_because: str | None = None
    event_count: int = 0

    @property
    def phase(self) -> CoalitionPhase:
        if self.charter is None:
            return CoalitionPhase.NOT_IDENTIFIED
        if self.closed_because is not None:
            return CoalitionPhase.CLOSED
        if len(self.agreed) < 2:
            return CoalitionPhase.CANDIDATE
        return CoalitionPhase.ACTIVE if self.strategy else CoalitionPhase.FORMED

    @property
    def co_coordinators(self) -> tuple[str, ...]:
        if self.charter is None:
            return ()
        return tuple(s for s in (self.charter.affected_state, self.charter.partner_state) if s)

    @property
    def workshop_planned(self) -> Workshop | None:
        """The workshop planned and not yet held, if any."""
        return next((w for w in self.workshops if w.outcomes is None), None)


P = CoalitionPhase
D, PR, CM, CO = Role.DELEGATE, Role.PRESIDENT, Role.COMMITTEE_MEMBER, Role.COORDINATOR


def _in(*phases: CoalitionPhase) -> Callable[[CoalitionState], bool]:
    return lambda s: s.phase in phases


LIVE = (P.FORMED, P.ACTIVE)
Step = ProcedureStep[CoalitionState]
STEPS: tuple[Step, ...] = (
    Step("identify_candidate", "CandidateIdentified", N_("identifying a candidate country for a "
            "coalition"), (PR, CM), "CK-7", _in(P.NOT_IDENTIFIED)),
    Step("agree_to_co_coordinate", "CoCoordinationAgreed", N_("agreeing to co-coordinate the "
            "coalition"), (D,), "CK-2", _in(P.CANDIDATE)),
    Step("register_strategy", "StrategyDocumentRegistered", N_("registering the national "
            "strategy document"), (D,), "CK-3", _in(*LIVE)),
    Step("admit_participant", "ParticipantJoined", N_("admitting a participant"), (D,), "CK-4",
         _in(*LIVE)),
    Step("record_departure", "ParticipantLeft", N_("recording that a participant left"), (D,),
         "CK-4", _in(*LIVE)),
    Step("plan_workshop", "CountryWorkshopPlanned", N_("planning a country workshop"), (D, CO),
         "CK-7", lambda s: s.phase in LIVE and s.workshop_planned is None),
    Step("hold_workshop", "CountryWorkshopHeld", N_("recording a country workshop as held, with "
            "its outcomes"), (D, CO), "CK-7",
         lambda s: s.phase in LIVE and s.workshop_planned is not None),
    Step("coordinate_activity", "ExistingActivityCoordinated", N_("recording an existing "
            "activity as coordinated"), (D,), "CK-6", _in(*LIVE)),
    Step("report_progress", "ProgressReported", N_("reporting the year's progress to the MSP"),
         (D,), "CK-3", _in(P.ACTIVE)),
    Step("close_coalition", "CoalitionClosed", N_("closing the coalition"), (D, PR, CM), "CK-2",
         _in(P.CANDIDATE, *LIVE)),
)
BY_EVENT: dict[str, Step] = {s.event: s for s in STEPS}
BY_STEP: dict[str, Step] = {s.step: s for s in STEPS}
#: the steps a delegate takes for the affected State alone (national ownership, CK-3, CK-7)
AFFECTED_ONLY = frozenset({"StrategyDocumentRegistered", "CountryWorkshopPlanned",
                           "CountryWorkshopHeld"})

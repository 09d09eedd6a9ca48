"""A country coalition's facts (7MSP, CK-1 … CK-8), past tense, and the commands that ask for
them: one frozen model each. The stream of a coalition is its workflow id,
``coalition-<iso3>-<n>`` (``coalition-lao-1``); every event names it.

Like the cycle's, an event carries what it was judged on: ``CandidateIdentified`` records the
registry entries of the two States as they stood (so a replay never depends on a later
registry) and whether the coalition extends to a non-State Party (CK-8).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from domain.attestation import Attested
from domain.coalitions import (
    CoalitionCharter,
    CountryWorkshop,
    ExistingActivity,
    Participant,
    StrategyDocument,
    WorkshopOutcomes,
)
from domain.convention import Actor, State
from domain.limits import NAME, SENTENCE

Reason = Annotated[str, Field(min_length=1, max_length=SENTENCE)]


class CoalitionEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = 1
    coalition: str
    occurred_at: AwareDatetime
    actor: Actor


class CandidateIdentified(CoalitionEvent):
    """The Coordination Committee identified the affected State (with its partner and focus)
    as a candidate for a coalition (CK-7, CK-1, CK-2, CK-5)."""

    type: Literal["CandidateIdentified"] = "CandidateIdentified"
    charter: CoalitionCharter
    affected: State
    partner: State
    non_state_party: bool  # CK-8: allowed, and marked


class CoCoordinationAgreed(CoalitionEvent):
    """One of the two States agreed to co-coordinate (CK-2); its delegate is the actor."""

    type: Literal["CoCoordinationAgreed"] = "CoCoordinationAgreed"
    state: str


class StrategyDocumentRegistered(CoalitionEvent):
    type: Literal["StrategyDocumentRegistered"] = "StrategyDocumentRegistered"
    document: StrategyDocument


class ParticipantJoined(CoalitionEvent):
    type: Literal["ParticipantJoined"] = "ParticipantJoined"
    participant: Participant


class ParticipantLeft(CoalitionEvent):
    type: Literal["ParticipantLeft"] = "ParticipantLeft"
    name: str


class CountryWorkshopPlanned(CoalitionEvent):
    type: Literal["CountryWorkshopPlanned"] = "CountryWorkshopPlanned"
    workshop: CountryWorkshop


class CountryWorkshopHeld(CoalitionEvent):
    type: Literal["CountryWorkshopHeld"] = "CountryWorkshopHeld"
    outcomes: WorkshopOutcomes


class ExistingActivityCoordinated(CoalitionEvent):
    type: Literal["ExistingActivityCoordinated"] = "ExistingActivityCoordinated"
    activity: ExistingActivity


class ProgressReported(CoalitionEvent):
    """The yearly progress, reported into the MSP of ``msp_year``'s submission (the cycle of
    ``msp_year`` submits to that MSP)."""

    type: Literal["ProgressReported"] = "ProgressReported"
    msp_year: int
    summary: Reason


class CoalitionClosed(CoalitionEvent):
    type: Literal["CoalitionClosed"] = "CoalitionClosed"
    reason: Reason


AnyCoalitionEvent = Annotated[
    CandidateIdentified | CoCoordinationAgreed | StrategyDocumentRegistered | ParticipantJoined
    | ParticipantLeft | CountryWorkshopPlanned | CountryWorkshopHeld
    | ExistingActivityCoordinated | ProgressReported | CoalitionClosed,
    Field(discriminator="type"),
]
COALITION_EVENT: TypeAdapter[AnyCoalitionEvent] = TypeAdapter(AnyCoalitionEvent)


# --- the commands: one input model per update ---------------------------------------------

class CoalitionCommand(Attested):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor


class IdentifyCandidate(CoalitionCommand):
    """The committee names a candidate country, its partner and the focus (CK-7)."""

    charter: CoalitionCharter


class AgreeToCoCoordinate(CoalitionCommand):
    """A delegate of the affected or the partner State agrees for that State (CK-2)."""


class RegisterStrategy(CoalitionCommand):
    """The affected State registers its national strategy document (CK-3)."""

    document: StrategyDocument


class AdmitParticipant(CoalitionCommand):
    """A co-coordinator admits a State, an organisation, an operator or an expert (CK-4)."""

    participant: Participant


class RecordDeparture(CoalitionCommand):
    """A co-coordinator records that a participant, by name, left the coalition (CK-4)."""

    name: str = Field(min_length=1, max_length=NAME)


class PlanWorkshop(CoalitionCommand):
    """The affected State (or a coordinator) plans a country workshop: where, which days
    (CK-7)."""

    workshop: CountryWorkshop


class HoldWorkshop(CoalitionCommand):
    """The planned workshop was held, once begun: what it identified — challenges, activities,
    actors — and where its records are (7MSP ¶8)."""

    outcomes: WorkshopOutcomes


class CoordinateActivity(CoalitionCommand):
    """An existing bilateral, multilateral or international activity is recorded as
    coordinated by the coalition, once (CK-6)."""

    activity: ExistingActivity


class ReportProgress(CoalitionCommand):
    """The year's progress, reported into the submission to the MSP of ``msp_year`` (this
    year's or the next), once per MSP, against the registered strategy (CK-3)."""

    msp_year: int = Field(ge=2011, le=2999)
    summary: Reason


class CloseCoalition(CoalitionCommand):
    """A co-coordinator or the committee closes the coalition, saying why (CK-2)."""

    reason: Reason


CoalitionStepCommand = (AgreeToCoCoordinate | RegisterStrategy | AdmitParticipant
                        | RecordDeparture | PlanWorkshop | HoldWorkshop | CoordinateActivity
                        | ReportProgress | CloseCoalition)

#: every step a person takes, by its update's name, and the command it takes
COMMANDS: dict[str, type[CoalitionCommand]] = {
    "identify_candidate": IdentifyCandidate, "agree_to_co_coordinate": AgreeToCoCoordinate,
    "register_strategy": RegisterStrategy, "admit_participant": AdmitParticipant,
    "record_departure": RecordDeparture, "plan_workshop": PlanWorkshop,
    "hold_workshop": HoldWorkshop, "coordinate_activity": CoordinateActivity,
    "report_progress": ReportProgress, "close_coalition": CloseCoalition,
}

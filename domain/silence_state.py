"""A silence procedure's state, as folded from its events, and its table of steps: who may
take each, under which rule, when (``domain.procedure``). ``domain.silence`` judges."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain import silence_events as se
from domain.coalitions import Document
from domain.convention import Role
from domain.procedure import ProcedureStep
from domain.rules import N_


class SilencePhase(StrEnum):
    NOT_CIRCULATED = "not_circulated"
    UNDER_SILENCE = "under_silence"
    SILENCE_BROKEN = "silence_broken"  # an objection stands; the deadline has not passed
    NOT_ADOPTED = "not_adopted"  # the deadline passed with silence broken
    ADOPTED = "adopted"
    WITHDRAWN = "withdrawn"


class SilenceState(BaseModel):
    model_config = ConfigDict(frozen=True)

    procedure: str | None = None
    subject: str | None = None
    text: Document | None = None
    deadline: AwareDatetime | None = None
    circulation: int = 0
    objections: tuple[tuple[str, str], ...] = ()  # (State, objection) in this circulation
    #: the committee's members it is circulated among (CC-5); empty: every State Party
    among: tuple[str, ...] = ()
    #: when the engine recorded the current circulation's outcome (SP-3)
    decided_at: AwareDatetime | None = None
    deadline_passed: bool = False
    adopted: bool = False
    withdrawn: bool = False
    event_count: int = 0

    @property
    def phase(self) -> SilencePhase:
        if self.circulation == 0:
            return SilencePhase.NOT_CIRCULATED
        if self.adopted:
            return SilencePhase.ADOPTED
        if self.withdrawn:
            return SilencePhase.WITHDRAWN
        if self.deadline_passed:
            return SilencePhase.NOT_ADOPTED
        return SilencePhase.SILENCE_BROKEN if self.objections else SilencePhase.UNDER_SILENCE

    @property
    def finished(self) -> bool:
        return self.phase in (SilencePhase.ADOPTED, SilencePhase.WITHDRAWN)


P = SilencePhase
PRESIDENT, DELEGATE, ENGINE = Role.PRESIDENT, Role.DELEGATE, Role.ENGINE
MEMBER = Role.COMMITTEE_MEMBER  # ICRC, UN, CMC, on a text circulated among the committee
RUNNING = (P.UNDER_SILENCE, P.SILENCE_BROKEN, P.NOT_ADOPTED)
Step = ProcedureStep[SilenceState]
STEPS: tuple[Step, ...] = (
    Step("circulate_text", "TextCirculated", N_("circulating a text under silence procedure"),
         (PRESIDENT,), "SP-1", lambda s: s.phase is P.NOT_CIRCULATED),
    Step("break_silence", "SilenceBroken", N_("breaking silence"), (DELEGATE, MEMBER), "SP-2",
         lambda s: s.phase in (P.UNDER_SILENCE, P.SILENCE_BROKEN)),
    Step("recirculate_text", "TextRecirculated", N_("recirculating the text"), (PRESIDENT,),
         "SP-4", lambda s: s.phase in RUNNING),
    Step("withdraw_text", "TextWithdrawn", N_("withdrawing the text"), (PRESIDENT,), "SP-4",
         lambda s: s.phase in RUNNING),
    Step("adopt_by_silence", "DecisionAdoptedBySilence", N_("adopting the decision by silence"),
         (ENGINE,), "SP-3", lambda s: s.phase is P.UNDER_SILENCE),
    Step("record_not_adopted", "DecisionNotAdopted", N_("recording the decision as not adopted"),
         (ENGINE,), "SP-3", lambda s: s.phase is P.SILENCE_BROKEN),
)
BY_EVENT: dict[str, Step] = {s.event: s for s in STEPS}
BY_STEP: dict[str, Step] = {s.step: s for s in STEPS}
STEP_OF: dict[type[se.SilenceCommand], str] = {model: name for name, model in se.COMMANDS.items()}

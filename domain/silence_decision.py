"""What the Coordination Committee decided by silence procedure among its members (CC-5): the
facts of a silence stream a committee decision is judged on, and recorded with it."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.errors import RuleViolation
from domain.silence_events import Among
from domain.silence_state import SilencePhase, SilenceState

SILENCE_STREAM = r"^silence-[0-9]{4}-[0-9]+$"


class SilenceDecision(BaseModel):
    """The outcome of silence procedure ``procedure``: adopted, or not adopted because a
    member broke silence; when the engine recorded it; among whom the text was circulated;
    and the SHA-256 of the document circulated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    procedure: str = Field(pattern=SILENCE_STREAM)
    outcome: Literal["adopted", "not_adopted"]
    decided_at: AwareDatetime
    among: Among = ()
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")


def silence_decision(procedure: str, state: SilenceState) -> SilenceDecision:
    """The decision ``state`` (silence stream ``procedure``, folded) holds; ``RuleViolation``
    (CC-5) if the procedure has not decided: not circulated, still under silence, withdrawn."""
    decided = {SilencePhase.ADOPTED: "adopted", SilencePhase.NOT_ADOPTED: "not_adopted"}
    outcome = decided.get(state.phase)
    if outcome is None or state.text is None or state.decided_at is None:
        raise RuleViolation("CC-5", "silence procedure {procedure} is {phase}: the committee "
                                    "decides by silence once the procedure's deadline has "
                                    "passed.",
                                    procedure=procedure, phase=state.phase.value.replace('_', ' '))
    return SilenceDecision(procedure=procedure, outcome=outcome,
                           decided_at=state.decided_at, among=state.among,
                           content_hash=state.text.sha256)

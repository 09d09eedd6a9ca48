"""The silence procedure's facts and commands — a documented **extension**: later practice of
the Convention, not in the two seed papers (RULES.md; rules SP-1 … SP-4, source "extension").

Between meetings the President circulates a draft decision with a deadline; it is adopted at
the deadline unless a State Party breaks silence before it, by an objection. The President may
withdraw the text, or recirculate it (a revised text, a new deadline). The stream of one
procedure is its workflow id, ``silence-<year>-<n>``; every event names it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from domain.attestation import Attested
from domain.coalitions import Document
from domain.convention import Actor, State
from domain.limits import SENTENCE

Sentence = Annotated[str, Field(min_length=1, max_length=SENTENCE)]


class SilenceEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = 1
    procedure: str
    occurred_at: AwareDatetime
    actor: Actor


class TextCirculated(SilenceEvent):
    """The President circulated ``text`` on ``subject`` under silence until ``deadline``."""

    type: Literal["TextCirculated"] = "TextCirculated"
    subject: Sentence
    text: Document
    deadline: AwareDatetime


class TextRecirculated(SilenceEvent):
    """The President circulated a (revised) text again, with a new deadline; objections to the
    earlier circulation no longer stand (SP-4)."""

    type: Literal["TextRecirculated"] = "TextRecirculated"
    text: Document
    deadline: AwareDatetime
    circulation: int = Field(ge=2)


class SilenceBroken(SilenceEvent):
    """A State Party broke silence before the deadline; ``standing`` is its registry entry as
    judged (SP-2)."""

    type: Literal["SilenceBroken"] = "SilenceBroken"
    standing: State
    objection: Sentence
    circulation: int = Field(ge=1)


class DecisionAdoptedBySilence(SilenceEvent):
    """The deadline passed with no objection: the decision is adopted (SP-3)."""

    type: Literal["DecisionAdoptedBySilence"] = "DecisionAdoptedBySilence"
    circulation: int = Field(ge=1)
    content_hash: str


class DecisionNotAdopted(SilenceEvent):
    """The deadline passed with silence broken: the decision is not adopted (SP-3)."""

    type: Literal["DecisionNotAdopted"] = "DecisionNotAdopted"
    circulation: int = Field(ge=1)
    objected_by: tuple[str, ...]


class TextWithdrawn(SilenceEvent):
    type: Literal["TextWithdrawn"] = "TextWithdrawn"
    reason: Sentence


AnySilenceEvent = Annotated[
    TextCirculated | TextRecirculated | SilenceBroken | DecisionAdoptedBySilence
    | DecisionNotAdopted | TextWithdrawn,
    Field(discriminator="type"),
]
SILENCE_EVENT: TypeAdapter[AnySilenceEvent] = TypeAdapter(AnySilenceEvent)


class SilenceCommand(Attested):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor


class CirculateText(SilenceCommand):
    """The President circulates a draft decision under silence until ``deadline`` (SP-1)."""

    subject: Sentence
    text: Document
    deadline: AwareDatetime


class BreakSilence(SilenceCommand):
    """A State Party's delegate objects before the deadline (SP-2)."""

    objection: Sentence


class RecirculateText(SilenceCommand):
    """The President circulates a text again with a new deadline (SP-4)."""

    text: Document
    deadline: AwareDatetime


class WithdrawText(SilenceCommand):
    """The President withdraws the text; the procedure ends without a decision (SP-4)."""

    reason: Sentence


SilenceStepCommand = BreakSilence | RecirculateText | WithdrawText

#: every step a person takes, by its update's name, and the command it takes
COMMANDS: dict[str, type[SilenceCommand]] = {
    "circulate_text": CirculateText, "break_silence": BreakSilence,
    "recirculate_text": RecirculateText, "withdraw_text": WithdrawText,
}

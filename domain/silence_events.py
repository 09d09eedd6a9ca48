"""The silence procedure's facts and commands — a documented **extension**: later practice of
the Convention, not in the two seed papers (RULES.md; rules SP-1 … SP-4, source "extension").

Between meetings the President circulates a draft decision with a deadline; it is adopted at
the deadline unless a State Party breaks silence before it, by an objection. The President may
withdraw the text, or recirculate it (a revised text, a new deadline). The stream of one
procedure is its workflow id, ``silence-<year>-<n>``; every event names it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, TypeAdapter

from domain.attestation import Attested
from domain.coalitions import Document
from domain.convention import Actor, State
from domain.limits import ITEMS, NAME, SENTENCE, Most
from domain.quiet import Quiet

Sentence = Annotated[str, Field(min_length=1, max_length=SENTENCE)]
#: CC-5: those a text is circulated among — the Coordination Committee's deciding members on
#: the day of circulation (States' codes, ICRC/UN/CMC); empty: circulated to every State Party
Among = Annotated[tuple[Annotated[str, Most(NAME)], ...], Most(items=ITEMS)]


class SilenceEvent(Quiet):
    model_config = ConfigDict(frozen=True, extra="forbid")
    # fields added after events were first recorded: left out while empty (``domain.quiet``)
    QUIET = ("among", "standing")

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
    among: Among = ()


class TextRecirculated(SilenceEvent):
    """The President circulated a (revised) text again, with a new deadline; objections to the
    earlier circulation no longer stand (SP-4)."""

    type: Literal["TextRecirculated"] = "TextRecirculated"
    text: Document
    deadline: AwareDatetime
    circulation: int = Field(ge=2)


class SilenceBroken(SilenceEvent):
    """A State Party broke silence before the deadline; ``standing`` is its registry entry as
    judged (SP-2) — none for an organisation of the committee (ICRC, UN, CMC) breaking silence
    on a text circulated among the committee (CC-5)."""

    type: Literal["SilenceBroken"] = "SilenceBroken"
    standing: State | None = None
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


class SilenceCommand(Attested, Quiet):
    model_config = ConfigDict(frozen=True, extra="forbid")
    # left out of the attested input while empty, so attestations signed before it still hold
    QUIET = ("among",)

    actor: Actor


class CirculateText(SilenceCommand):
    """The President circulates a draft decision under silence until ``deadline`` (SP-1);
    with ``among``, to the Coordination Committee's deciding members that day (CC-5)."""

    subject: Sentence
    text: Document
    deadline: AwareDatetime
    among: Among = ()


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

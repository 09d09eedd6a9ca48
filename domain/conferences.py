"""The formal meetings of the States Parties: Meetings of States Parties, Review Conferences
and extraordinary meetings, each held in one or more parts.

CO-2 and CO-3 name "the Meeting of States Parties or a Review Conference": both elect
coordinators and designate Presidents in the same way. A meeting may be held in parts (the
Second Review Conference met in November 2020 and again in September 2021); it opens on its
first part's first day and ends on its last part's last day.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.limits import Most, Name, Title


class MeetingKind(StrEnum):
    MSP = "msp"
    REVIEW_CONFERENCE = "review_conference"
    EXTRAORDINARY = "extraordinary"

    @property
    def words(self) -> str:
        return {"msp": "Meeting of States Parties", "review_conference": "Review Conference",
                "extraordinary": "extraordinary meeting"}[self.value]


class MeetingPart(BaseModel):
    """One part of a meeting: its days (inclusive) and where it sat."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_day: date
    last_day: date
    venue: Name

    @model_validator(mode="after")
    def _ordered(self) -> MeetingPart:
        if self.last_day < self.first_day:
            raise ValueError(f"dates out of order: the part ends ({self.last_day}) before it "
                             f"begins ({self.first_day})")
        return self


class FormalMeeting(BaseModel):
    """A Meeting of States Parties, a Review Conference or an extraordinary meeting."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: MeetingKind = MeetingKind.MSP
    name: Title
    parts: Annotated[tuple[MeetingPart, ...], Most(items=10), Field(min_length=1)]

    @model_validator(mode="after")
    def _parts_in_order(self) -> FormalMeeting:
        for before, after in zip(self.parts, self.parts[1:], strict=False):
            if after.first_day <= before.last_day:
                raise ValueError(f"the parts of the {self.name} must follow one another: a "
                                 f"part begins on {after.first_day}, before the previous one "
                                 f"ended ({before.last_day})")
        return self

    @property
    def opens(self) -> date:
        return self.parts[0].first_day

    @property
    def ends(self) -> date:
        return self.parts[-1].last_day

    def sitting_on(self, day: date) -> MeetingPart | None:
        """The part in session on ``day``, if any."""
        return next((p for p in self.parts if p.first_day <= day <= p.last_day), None)

"""The informal intersessional meeting (IM-1 … IM-8) and its agenda.

IM-4 (participation is open) is served by what the engine does *not* do: no event or check
limits who attends; the meeting is recorded as convened for all States Parties, observer States,
organisations and NGOs. IM-5 (the meeting's own working methods; the agenda set by the President
with the coordinators) is served by the cycle: only the President may convene it with its agenda.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import RuleViolation, RuleWarning
from domain.limits import ITEMS, TITLE, Most, Name
from domain.mandates import DEFAULT_MANDATES, GENERAL_STATUS, mandate

GENEVA = "Geneva"
MAX_DAYS = 5  # IM-3


class NeighbouringMeeting(StrEnum):
    """IM-6: the Geneva informal meetings to hold the intersessional meeting back-to-back with."""

    APMBC = "APMBC"  # Anti-Personnel Mine Ban Convention intersessional meetings
    CCW = "CCW"  # Convention on Certain Conventional Weapons


class AgendaSlot(BaseModel):
    """Time for one working group; ``topics`` may place the thematic areas within it (IM-7)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    working_group: Name
    day: int = Field(ge=1)
    topics: Annotated[tuple[str, ...], Most(TITLE, ITEMS)] = ()


class IntersessionalMeeting(BaseModel):
    """A proposed or convened intersessional meeting; dates are inclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    place: Name
    first_day: date
    last_day: date
    back_to_back_with: NeighbouringMeeting | None = None
    agenda: Annotated[tuple[AgendaSlot, ...], Most(items=ITEMS)] = ()

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def default_agenda(meeting_days: int) -> tuple[AgendaSlot, ...]:
    """One slot per working group, spread over the days, with national implementation measures
    and reporting inside the general-status working group's time (IM-7)."""
    groups = [m for m in DEFAULT_MANDATES if m.is_working_group]
    areas = tuple(m.key for m in DEFAULT_MANDATES if not m.is_working_group)
    return tuple(
        AgendaSlot(working_group=m.key, day=1 + (i * meeting_days) // len(groups),
                   topics=areas if m.key == GENERAL_STATUS else ())
        for i, m in enumerate(groups)
    )


def _check_agenda(meeting: IntersessionalMeeting) -> None:
    for slot in meeting.agenda:
        m = mandate(slot.working_group)
        if not m.is_working_group:
            raise RuleViolation("IM-7", f"{m.name} has no agenda time of its own; it is "
                                "discussed within the general-status working group's time.")
        for topic in slot.topics:
            t = mandate(topic)
            if not t.is_working_group and slot.working_group != GENERAL_STATUS:
                raise RuleViolation("IM-7", f"{t.name} is discussed within the general-status "
                                    f"working group's time, not under {m.name}.")
        if slot.day > meeting.days:
            raise RuleViolation("IM-3", f"the agenda puts {m.name} on day {slot.day}, but the "
                                f"meeting lasts {meeting.days} day(s).")


def validate_meeting(
    meeting: IntersessionalMeeting, already_convened: bool = False
) -> tuple[RuleWarning, ...]:
    """Refuse a meeting outside IM-1, IM-2, IM-3 or IM-7; warn (IM-6) when it is not held
    back-to-back with the APMBC or CCW meetings in Geneva."""
    if already_convened:
        raise RuleViolation("IM-1", f"an intersessional meeting for {meeting.year} is already "
                            "convened; there is one a year.")
    if meeting.last_day < meeting.first_day:
        raise RuleViolation("IM-3", f"the meeting would end ({meeting.last_day}) before it "
                            f"begins ({meeting.first_day}).")
    for day in (meeting.first_day, meeting.last_day):
        if day.year != meeting.year or day.month > 6:
            raise RuleViolation("IM-1", f"the {meeting.year} intersessional meeting is held in "
                                f"the first half of {meeting.year} (January–June); "
                                f"{day.isoformat()} is outside it.")
    if meeting.place.strip().casefold() != GENEVA.casefold():
        raise RuleViolation("IM-2", f"the intersessional meeting is held in Geneva, not in "
                            f"{meeting.place.strip()}.")
    if meeting.days > MAX_DAYS:
        raise RuleViolation("IM-3", f"the intersessional meeting lasts at most {MAX_DAYS} days; "
                            f"{meeting.first_day}–{meeting.last_day} is {meeting.days} days.")
    _check_agenda(meeting)
    if meeting.back_to_back_with is None:
        return (RuleWarning.of("IM-6", "the meeting is not held back-to-back with the APMBC or "
                               "CCW meetings in Geneva; accepted, and recorded."),)
    return ()

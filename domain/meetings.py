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
            raise RuleViolation("IM-7", "{name} has no agenda time of its own; it is discussed "
                                        "within the general-status working group's time.",
                                        name=m.name)
        for topic in slot.topics:
            t = mandate(topic)
            if not t.is_working_group and slot.working_group != GENERAL_STATUS:
                raise RuleViolation("IM-7", "{topic} is discussed within the general-status "
                                            "working group's time, not under {group}.",
                                            topic=t.name, group=m.name)
        if slot.day > meeting.days:
            raise RuleViolation("IM-3", "the agenda puts {name} on day {day}, but the meeting "
                                        "lasts {days} day(s).",
                                        name=m.name, day=slot.day, days=meeting.days)


def validate_meeting(
    meeting: IntersessionalMeeting, already_convened: bool = False
) -> tuple[RuleWarning, ...]:
    """Refuse a meeting outside IM-1, IM-2, IM-3 or IM-7; warn (IM-6) when it is not held
    back-to-back with the APMBC or CCW meetings in Geneva."""
    if already_convened:
        raise RuleViolation("IM-1", "an intersessional meeting for {year} is already convened; "
                                    "there is one a year.",
                                    year=meeting.year)
    if meeting.last_day < meeting.first_day:
        raise RuleViolation("IM-3", "the meeting would end ({last_day}) before it begins "
                                    "({first_day}).",
                                    last_day=meeting.last_day, first_day=meeting.first_day)
    for day in (meeting.first_day, meeting.last_day):
        if day.year != meeting.year or day.month > 6:
            raise RuleViolation("IM-1", "the {year} intersessional meeting is held in the first "
                                        "half of {year} (January–June); {day} is outside it.",
                                        year=meeting.year, day=day.isoformat())
    if meeting.place.strip().casefold() != GENEVA.casefold():
        raise RuleViolation("IM-2", "the intersessional meeting is held in Geneva, not in "
                                    "{place}.",
                                    place=meeting.place.strip())
    if meeting.days > MAX_DAYS:
        raise RuleViolation("IM-3", "the intersessional meeting lasts at most {most} days; "
                                    "{first_day}–{last_day} is {days} days.",
                                    most=MAX_DAYS, first_day=meeting.first_day,
                                    last_day=meeting.last_day, days=meeting.days)
    _check_agenda(meeting)
    if meeting.back_to_back_with is None:
        return (RuleWarning.of("IM-6", "the meeting is not held back-to-back with the APMBC or "
                               "CCW meetings in Geneva; accepted, and recorded."),)
    return ()

"""A Convention profile: how coordinators' terms run and who sits on the Coordination Committee
— data (``domain/data/profiles.json``), chosen per cycle and recorded with its opening.

The seeds say who sits on the committee (2MSP P3.2) but not when a term begins, nor how the
committee decides; practice filled both in. A profile says, each seat with its source:

- ``term_basis``: ``meeting_to_meeting`` — a term runs from the meeting that elects it to the
  meeting, in its last year, that elects its successors (the practice) — or ``calendar_year``
  — 1 January of its first year to 31 December of its last (the engine's first reading);
- ``committee``: the seats, each ``member`` or ``observer`` (an observer sits, and does not
  count towards a quorum);
- ``quorum``: how many members present let the committee decide at a meeting (CC-5): a
  number, ``"majority"`` of the members sitting that day, or ``null`` — one member's step
  decides, as cycles recorded before profiles existed were judged.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.limits import ITEMS, Most, Name, Title


class TermBasis(StrEnum):
    MEETING_TO_MEETING = "meeting_to_meeting"
    CALENDAR_YEAR = "calendar_year"


class SeatKind(StrEnum):
    PRESIDENT = "president"
    COORDINATORS = "coordinators"
    PRESIDENT_DESIGNATE = "president_designate"
    FORMER_PRESIDENT = "former_president"
    ORGANISATIONS = "organisations"


class SitsAs(StrEnum):
    MEMBER = "member"
    OBSERVER = "observer"


class Seat(BaseModel):
    """One kind of seat at the committee, how it sits, and where the profile found it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seat: SeatKind
    sits_as: SitsAs = SitsAs.MEMBER
    paragraph: Name
    source: Title


class Profile(BaseModel):
    """How one Convention's machinery runs, as far as the seeds leave it open."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Name
    title: Title = ""
    term_basis: TermBasis
    quorum: Annotated[int, Field(ge=1)] | Literal["majority"] | None
    committee: Annotated[tuple[Seat, ...], Most(items=ITEMS)]

    def needed(self, members: int) -> int | None:
        """Members present the committee needs to decide, of ``members`` sitting that day."""
        if self.quorum is None:
            return None
        return members // 2 + 1 if self.quorum == "majority" else self.quorum


@cache
def profiles() -> dict[str, Profile]:
    """The shipped profiles by name (read once)."""
    text = resources.files("domain").joinpath("data/profiles.json").read_text(encoding="utf-8")
    return {name: Profile(name=name, **body)
            for name, body in json.loads(text)["profiles"].items()}


#: the profile a cycle opened without one is judged by (what every cycle recorded before
#: profiles existed ran by): calendar-year terms, the seeds' committee, one member decides
FIRST_READING = "engine-2026"
#: the profile new cycles open with unless one is chosen (setting ``INTERSESSIONAL_PROFILE``)
DEFAULT = "seeds"


def profile(name: str) -> Profile:
    """The shipped profile called ``name``; a ``ValueError`` naming the known ones otherwise."""
    known = profiles()
    if name not in known:
        raise ValueError(f"there is no Convention profile called {name!r}; the profiles are "
                         f"{', '.join(known)}")
    return known[name]

"""States, their standing under the Convention, and the roles people act in.

The registry of States ships as ``domain/data/states.csv`` (data, not Python literals), so the
secretariat can correct a status without touching code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, field_validator

from domain import registry_file
from domain.limits import NAME, Most, Name
from domain.quiet import Quiet


class Status(StrEnum):
    """A State's standing under the Convention on Cluster Munitions."""

    STATE_PARTY = "state_party"
    SIGNATORY = "signatory"
    NON_PARTY = "non_party"


class State(Quiet):
    """A State as the registry knows it; ``iso3`` is its ISO 3166-1 alpha-3 code."""

    model_config = ConfigDict(frozen=True)
    QUIET = ("joined", "in_force", "withdrew")

    iso3: str
    name: str
    status: Status
    affected: bool
    donor: bool
    note: str = ""
    #: deposit of its instrument of ratification, accession or succession
    joined: date | None = None
    #: the Convention's entry into force for the State (Art. 17)
    in_force: date | None = None
    #: the day its withdrawal took effect (Art. 20)
    withdrew: date | None = None

    @field_validator("iso3")
    @classmethod
    def _alpha3(cls, value: str) -> str:
        if len(value) != 3 or not value.isascii() or not value.isalpha() or not value.isupper():
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-3 code (three capitals)")
        return value

    @property
    def is_state_party(self) -> bool:
        return self.status is Status.STATE_PARTY

    def party_on(self, day: date | None) -> bool:
        """Whether the State was a State Party on ``day``: the Convention in force for it and
        not withdrawn; a State that is no party today was one only between those dates. With
        no dates (or no day), its standing today."""
        if day is None or (self.in_force is None and self.withdrew is None):
            return self.is_state_party
        began = self.in_force is not None and self.in_force <= day
        if self.withdrew is not None:
            return began and day < self.withdrew
        return began and self.is_state_party

    def standing_on(self, day: date | None) -> str:
        """The State's standing on ``day``, in words, for a refusal."""
        if self.party_on(day):
            return "a State Party"
        if day is not None and self.in_force is not None and day < self.in_force:
            return f"not yet a State Party on {day} (the Convention entered into force for it " \
                   f"on {self.in_force})"
        if day is not None and self.withdrew is not None and day >= self.withdrew:
            return f"no longer a State Party on {day} (it withdrew on {self.withdrew})"
        return f"a {self.status.value.replace('_', '-')}, not a State Party"


class Role(StrEnum):
    """The capacities in which people step the cycle (issue #4); ``engine`` is the engine itself,
    acting on a durable timer (a reminder, a missed deadline), never a person."""

    ISU = "isu"
    PRESIDENT = "president"
    PRESIDENT_DESIGNATE = "president_designate"
    COORDINATOR = "coordinator"
    COMMITTEE_MEMBER = "committee_member"
    #: a State's delegate: speaks for the State it represents (party or not) where that State
    #: acts itself — co-coordinating a country coalition (CK-2), breaking silence (SP-2)
    DELEGATE = "delegate"
    AUDITOR = "auditor"
    ENGINE = "engine"


#: CC-3 (e), (f): the organisations that sit on the Coordination Committee.
COMMITTEE_ORGANISATIONS: tuple[str, ...] = ("ICRC", "UN", "CMC")


class Actor(BaseModel):
    """Who took a step: a named person, the role they acted in, and whom they represent
    (a State's alpha-3 code, or ICRC/UN/CMC), where the role has one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Name
    role: Role
    represents: Annotated[str | None, Most(NAME)] = None


class Registry(Mapping[str, State]):
    """The known States, by alpha-3 code."""

    def __init__(self, states: list[State]) -> None:
        self._by_code: dict[str, State] = {}
        for state in states:
            if state.iso3 in self._by_code:
                raise ValueError(f"the registry lists {state.iso3} twice")
            self._by_code[state.iso3] = state

    def __getitem__(self, iso3: str) -> State:
        return self._by_code[iso3]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_code)

    def __len__(self) -> int:
        return len(self._by_code)

    def states_parties(self) -> list[State]:
        return [s for s in self._by_code.values() if s.is_state_party]

    def describe(self, iso3: str) -> str:
        """``Lebanon (LBN)``, or the bare code when the registry does not know it."""
        state = self._by_code.get(iso3)
        return f"{state.name} ({iso3})" if state else iso3


def parse_registry(text: str) -> Registry:
    """Parse the registry's CSV text (header ``iso3,name,status,affected,donor,note``)."""
    return Registry([State(iso3=r.iso3, name=r.name, status=Status(r.status),
                           affected=r.affected, donor=r.donor, note=r.note,
                           joined=_day(r.joined), in_force=_day(r.in_force),
                           withdrew=_day(r.withdrew))
                     for r in registry_file.rows(text)])


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@cache
def shipped_registry() -> Registry:
    """The registry shipped with the package (read once; it is immutable)."""
    return parse_registry(registry_file.shipped_text())


@lru_cache(maxsize=8)
def shared_registry(states: tuple[State, ...]) -> Mapping[str, State]:
    """``states`` by ISO code, one read-only mapping for every equal tuple. A worker holds a
    thousand open streams, each with the registry its history recorded: a parsed copy apiece
    was ~178 KB of a stream's ~490 KB (bench/scale.py). States are frozen, so runs can share
    them; a registry that changes makes a new entry, the oldest of eight dropped."""
    return MappingProxyType({s.iso3: s for s in states})

"""The six working groups and two thematic areas (WG-1, WG-2, WG-3), with stable keys.

Keys never change once events name them; display names may. Term length is a property of the
mandate (CO-4's two years by default): later practice gave the reporting and national
implementation coordinators one-year renewable terms, which :func:`mandates` can express.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict

from domain.errors import RuleViolation
from domain.limits import NAME, Most, Name, Title
from domain.rules import N_


class MandateKind(StrEnum):
    WORKING_GROUP = "working_group"
    THEMATIC_AREA = "thematic_area"


class Mandate(BaseModel):
    """One theme a coordinator leads. ``letter`` is the working group's letter in 2MSP P2.1."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: Name
    kind: MandateKind
    letter: Annotated[str | None, Most(NAME)]
    name: Title
    max_seats: int
    term_years: int = 2
    renewable: bool = False  # later practice: a one-year term the same State may serve again

    @property
    def is_working_group(self) -> bool:
        return self.kind is MandateKind.WORKING_GROUP


def _wg(key: str, letter: str, name: str) -> Mandate:
    # WG-2: a working group is led by one or two coordinators
    return Mandate(
        key=key, kind=MandateKind.WORKING_GROUP, letter=letter, name=name, max_seats=2
    )


def _area(key: str, name: str) -> Mandate:
    # WG-3: a thematic area is led by one coordinator
    return Mandate(key=key, kind=MandateKind.THEMATIC_AREA, letter=None, name=name, max_seats=1)


GENERAL_STATUS = "general-status"
NATIONAL_IMPLEMENTATION = "national-implementation"
REPORTING = "reporting"

#: WG-1 and WG-3, in the order of 2MSP P2.1 and P2.2.
DEFAULT_MANDATES: tuple[Mandate, ...] = (
    _wg(GENERAL_STATUS, "a", N_("General status and operation of the Convention")),
    _wg("universalization", "b", N_("Universalization")),
    _wg("victim-assistance", "c", N_("Victim assistance")),
    _wg("clearance", "d", N_("Clearance and risk reduction")),
    _wg("stockpile-destruction", "e", N_("Stockpile destruction and retention")),
    _wg("cooperation-assistance", "f", N_("Cooperation and assistance")),
    _area(NATIONAL_IMPLEMENTATION, N_("National implementation measures")),
    _area(REPORTING, N_("Reporting")),
)


def mandates(
    term_years: Mapping[str, int] | None = None, renewable: Iterable[str] = ()
) -> dict[str, Mandate]:
    """The eight mandates by key, with optional per-mandate term lengths (CO-4 default: 2) and
    the keys whose terms are renewable by the same State (exempt from CO-7 on that mandate)."""
    overrides = dict(term_years or {})
    renewed = set(renewable)
    unknown = (set(overrides) | renewed) - {m.key for m in DEFAULT_MANDATES}
    if unknown:
        raise RuleViolation("WG-1", "there is no mandate called {unknown!r}; the mandates are "
                                    "{mandates}.",
                                    unknown=sorted(unknown)[0],
                                    mandates=', '.join(m.key for m in DEFAULT_MANDATES))
    return {
        m.key: m.model_copy(update={"term_years": overrides.get(m.key, m.term_years),
                                    "renewable": m.key in renewed})
        for m in DEFAULT_MANDATES
    }


def mandate(key: str, catalogue: Mapping[str, Mandate] | None = None) -> Mandate:
    """The mandate with this key; a WG-1 refusal naming the valid keys otherwise."""
    known = catalogue if catalogue is not None else mandates()
    if key not in known:
        raise RuleViolation(
            "WG-1",
            "there is no working group or thematic area called {key!r}; the mandates are "
            "{mandates}.",
            key=key, mandates=', '.join(known),
        )
    return known[key]

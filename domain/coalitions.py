"""Country coalitions (7MSP, CK-1 … CK-8): one affected State and one donor or lead State
coordinating everyone who helps that State meet its obligations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.convention import Actor, Role, State
from domain.errors import RuleViolation
from domain.limits import ITEMS, NAME, SENTENCE, Most


class ThematicFocus(StrEnum):
    """CK-5: the Coordination Committee's thematic areas a coalition may work in (7MSP ¶6)."""

    UNIVERSALIZATION = "universalization"
    CLEARANCE_AND_RISK_REDUCTION_EDUCATION = "clearance-and-risk-reduction-education"
    STOCKPILE_DESTRUCTION = "stockpile-destruction"
    INTERNATIONAL_COOPERATION_AND_ASSISTANCE = "international-cooperation-and-assistance"
    NATIONAL_IMPLEMENTATION_MEASURES = "national-implementation-measures"


class PartnerRole(StrEnum):
    DONOR = "donor"
    LEAD = "lead"


class ParticipantKind(StrEnum):
    """CK-4: who may take part (7MSP ¶4)."""

    STATE = "state"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    OPERATOR = "operator"
    EXPERT = "expert"


class ActivityKind(StrEnum):
    """CK-6: the existing activities a coalition coordinates (7MSP ¶7)."""

    BILATERAL = "bilateral"
    MULTILATERAL = "multilateral"
    INTERNATIONAL = "international"


class Document(BaseModel):
    """A document by its reference and the SHA-256 of its content: the ledger keeps which text
    was meant, never the text (which may be long, or not public)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str = Field(min_length=1, max_length=NAME)
    sha256: Annotated[str, Most(64)]

    @field_validator("sha256")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise ValueError("a SHA-256 digest is 64 lower-case hexadecimal characters")
        return value


class StrategyDocument(Document):
    """CK-3: the national strategy document that guides the partnership."""


class Participant(BaseModel):
    """CK-4: one who takes part — a State (by its code), an organisation, an operator, an
    expert — by the name the coalition knows them by."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ParticipantKind
    name: str = Field(min_length=1, max_length=NAME)


class ExistingActivity(BaseModel):
    """CK-6: an activity or programme already under way for the affected State, which the
    coalition coordinates (it does not start a second one)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str = Field(min_length=1, max_length=NAME)
    kind: ActivityKind
    description: str = Field(min_length=1, max_length=SENTENCE)


class CountryWorkshop(BaseModel):
    """CK-7: the country workshop the affected State explores with the clearance and the
    cooperation-and-assistance coordinators (7MSP ¶10)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    place: str = Field(min_length=1, max_length=NAME)
    starts: date
    ends: date

    @model_validator(mode="after")
    def _in_order(self) -> CountryWorkshop:
        if self.ends < self.starts:
            raise ValueError("a workshop ends on or after the day it starts")
        return self


class WorkshopOutcomes(BaseModel):
    """7MSP ¶8: what a workshop identifies — the specific challenges, the activities that may
    overcome them, and the coalition of actors to carry them out; each at least one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    challenges: Annotated[tuple[str, ...], Most(SENTENCE, ITEMS)] = Field(min_length=1)
    activities: Annotated[tuple[str, ...], Most(SENTENCE, ITEMS)] = Field(min_length=1)
    actors: Annotated[tuple[str, ...], Most(NAME, ITEMS)] = Field(min_length=1)
    records_reference: str = Field(min_length=1, max_length=NAME)


class CoalitionCharter(BaseModel):
    """Who co-coordinates a coalition, and on what (CK-2, CK-5). A charter naming no affected
    State or no partner is refused by :func:`validate_charter` (CK-2), with the rule, rather
    than by the model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    affected_state: Annotated[str | None, Most(NAME)] = None
    partner_state: Annotated[str | None, Most(NAME)] = None
    partner_role: PartnerRole = PartnerRole.DONOR
    focus: Annotated[tuple[ThematicFocus, ...], Most(items=ITEMS)]


def parse_focus(names: Sequence[str]) -> tuple[ThematicFocus, ...]:
    """Read thematic areas by name; anything outside CK-5 is refused with the allowed list."""
    allowed = [f.value for f in ThematicFocus]
    focus = []
    for name in names:
        if name not in allowed:
            raise RuleViolation("CK-5", "{name!r} is not one of the Coordination Committee's "
                                        "thematic areas for a coalition: {allowed}.",
                                        name=name, allowed=', '.join(allowed))
        focus.append(ThematicFocus(name))
    return tuple(focus)


def validate_charter(charter: CoalitionCharter, registry: Mapping[str, State]) -> bool:
    """Refuse a charter that breaks CK-1, CK-2 or CK-5; return ``True`` when the coalition
    extends to a non-State Party (CK-8: allowed, and marked as such)."""
    if not charter.affected_state or not charter.partner_state:
        missing = "affected State" if not charter.affected_state else "donor or lead State"
        raise RuleViolation("CK-2", "a coalition is co-coordinated by one affected State and "
                                    "one donor or lead State, and this one names no {missing}.",
                                    missing=missing)
    affected = registry.get(charter.affected_state)
    if affected is None or not affected.affected:
        raise RuleViolation("CK-1", "{affected_state} is not recorded as affected by cluster "
                                    "munitions; a coalition serves one affected State.",
                                    affected_state=charter.affected_state)
    partner = registry.get(charter.partner_state)
    if partner is None:
        raise RuleViolation("CK-2", "{partner_state} is not a State in the registry; a "
                                    "coalition is co-coordinated by a {role} State.",
                                    partner_state=charter.partner_state,
                                    role=charter.partner_role.value)
    if partner.iso3 == affected.iso3:
        raise RuleViolation("CK-2", "{name} cannot co-coordinate with itself; a coalition joins "
                                    "the affected State with a donor or lead State.",
                                    name=affected.name)
    if charter.partner_role is PartnerRole.DONOR and not partner.donor:
        raise RuleViolation("CK-2", "{name} is not recorded as a donor State; name it as the "
                                    "coalition's lead State instead.",
                                    name=partner.name)
    if not charter.focus:
        raise RuleViolation("CK-5", "a coalition names at least one thematic area of the "
                            "Coordination Committee as its focus.")
    return not affected.is_state_party  # CK-8


def check_identified_by(actor: Actor) -> None:
    """CK-7: candidate target countries are identified by the Coordination Committee."""
    if actor.role not in (Role.COMMITTEE_MEMBER, Role.PRESIDENT):
        raise RuleViolation("CK-7", "candidate countries for a coalition are identified by the "
                                    "Coordination Committee (its members or its chair), not by "
                                    "the {role}.",
                                    role=actor.role.value.replace('_', ' '))


def check_participant(kind: str, name: str, current: Iterable[str]) -> ParticipantKind:
    """CK-4: a participant is a State, an organisation, an operator or an expert, once."""
    kinds = [k.value for k in ParticipantKind]
    if kind not in kinds:
        raise RuleViolation("CK-4", "a coalition's participants are {kinds}; {kind!r} is none "
                                    "of these.",
                                    kinds=', '.join(kinds), kind=kind)
    if name in set(current):
        raise RuleViolation("CK-4", "{name} already takes part in this coalition.",
                                    name=name)
    return ParticipantKind(kind)


def check_not_duplicated(reference: str, coordinated: Iterable[str]) -> None:
    """CK-6: an existing activity is recorded once, as coordinated — never duplicated."""
    if reference in set(coordinated):
        raise RuleViolation("CK-6", "the activity {reference!r} is already coordinated by this "
                                    "coalition; it coordinates existing activities, never "
                                    "duplicates them.",
                                    reference=reference)

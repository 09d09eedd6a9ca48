"""Country coalitions (7MSP, CK-1 … CK-8): one affected State and one donor or lead State
coordinating everyone who helps that State meet its obligations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, field_validator

from domain.convention import Actor, Role, State
from domain.errors import RuleViolation


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


class StrategyDocument(BaseModel):
    """CK-3: the national strategy document, by reference and SHA-256 of its content."""

    model_config = ConfigDict(frozen=True)

    reference: str
    sha256: str

    @field_validator("sha256")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise ValueError("a SHA-256 digest is 64 lower-case hexadecimal characters")
        return value


class CoalitionCharter(BaseModel):
    """Who co-coordinates a coalition, and on what (CK-2, CK-5)."""

    model_config = ConfigDict(frozen=True)

    affected_state: str
    partner_state: str
    partner_role: PartnerRole
    focus: tuple[ThematicFocus, ...]


def parse_focus(names: Sequence[str]) -> tuple[ThematicFocus, ...]:
    """Read thematic areas by name; anything outside CK-5 is refused with the allowed list."""
    allowed = [f.value for f in ThematicFocus]
    focus = []
    for name in names:
        if name not in allowed:
            raise RuleViolation("CK-5", f"{name!r} is not one of the Coordination Committee's "
                                f"thematic areas for a coalition: {', '.join(allowed)}.")
        focus.append(ThematicFocus(name))
    return tuple(focus)


def validate_charter(charter: CoalitionCharter, registry: Mapping[str, State]) -> bool:
    """Refuse a charter that breaks CK-1, CK-2 or CK-5; return ``True`` when the coalition
    extends to a non-State Party (CK-8: allowed, and marked as such)."""
    affected = registry.get(charter.affected_state)
    if affected is None or not affected.affected:
        raise RuleViolation("CK-1", f"{charter.affected_state} is not recorded as affected by "
                            "cluster munitions; a coalition serves one affected State.")
    partner = registry.get(charter.partner_state)
    if partner is None:
        raise RuleViolation("CK-2", f"{charter.partner_state} is not a State in the registry; "
                            f"a coalition is co-coordinated by a {charter.partner_role.value} "
                            "State.")
    if partner.iso3 == affected.iso3:
        raise RuleViolation("CK-2", f"{affected.name} cannot co-coordinate with itself; a "
                            "coalition joins the affected State with a donor or lead State.")
    if not charter.focus:
        raise RuleViolation("CK-5", "a coalition names at least one thematic area of the "
                            "Coordination Committee as its focus.")
    return not affected.is_state_party  # CK-8


def check_identified_by(actor: Actor) -> None:
    """CK-7: candidate target countries are identified by the Coordination Committee."""
    if actor.role not in (Role.COMMITTEE_MEMBER, Role.PRESIDENT):
        raise RuleViolation("CK-7", "candidate countries for a coalition are identified by the "
                            f"Coordination Committee (its members or its chair), not by the "
                            f"{actor.role.value.replace('_', ' ')}.")


def check_participant(kind: str, name: str, current: Iterable[str]) -> ParticipantKind:
    """CK-4: a participant is a State, an organisation, an operator or an expert, once."""
    kinds = [k.value for k in ParticipantKind]
    if kind not in kinds:
        raise RuleViolation("CK-4", f"a coalition's participants are {', '.join(kinds)}; "
                            f"{kind!r} is none of these.")
    if name in set(current):
        raise RuleViolation("CK-4", f"{name} already takes part in this coalition.")
    return ParticipantKind(kind)


def check_not_duplicated(reference: str, coordinated: Iterable[str]) -> None:
    """CK-6: an existing activity is recorded once, as coordinated — never duplicated."""
    if reference in set(coordinated):
        raise RuleViolation("CK-6", f"the activity {reference!r} is already coordinated by this "
                            "coalition; it coordinates existing activities, never duplicates "
                            "them.")

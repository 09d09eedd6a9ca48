"""Country coalitions (7MSP, CK-1 … CK-8), with the seed's Lao PDR and Australia example."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from pydantic import ValidationError

from domain.coalitions import (
    CoalitionCharter,
    ParticipantKind,
    PartnerRole,
    StrategyDocument,
    ThematicFocus,
    check_identified_by,
    check_not_duplicated,
    check_participant,
    parse_focus,
    validate_charter,
)
from domain.convention import Actor, Registry, Role, shipped_registry
from domain.errors import RuleViolation

CLEARANCE = "clearance-and-risk-reduction-education"


@pytest.fixture
def registry() -> Registry:
    return shipped_registry()


def _refusal(check: Callable[[], None]) -> RuleViolation | None:
    """The RuleViolation a check raises, or None when it accepts."""
    try:
        check()
    except RuleViolation as violation:
        return violation
    return None


def _charter(
    affected: str = "LAO",
    partner: str = "AUS",
    role: PartnerRole = PartnerRole.DONOR,
    focus: tuple[str, ...] = (CLEARANCE,),
) -> CoalitionCharter:
    return CoalitionCharter(
        affected_state=affected, partner_state=partner, partner_role=role,
        focus=parse_focus(focus),
    )


# --- CK-1, CK-2, CK-5, CK-8: the charter ----------------------------------------------------


def test_lao_pdr_with_australia_on_clearance_is_valid(registry: Registry) -> None:
    """CK-2: Lao PDR (affected State Party) with Australia as donor on clearance is valid,
    and not marked as extending to a non-State Party (CK-8)."""
    assert validate_charter(_charter(), registry) is False


def test_lead_state_may_co_coordinate(registry: Registry) -> None:
    """CK-2: a lead State (not only a donor) may co-coordinate with the affected State."""
    charter = _charter(affected="IRQ", partner="DEU", role=PartnerRole.LEAD,
                       focus=("stockpile-destruction", "universalization"))
    assert validate_charter(charter, registry) is False


def test_non_affected_state_as_affected_party_is_refused(registry: Registry) -> None:
    """CK-1: Australia, not affected by cluster munitions, cannot be the affected State."""
    assert registry["AUS"].affected is False
    with pytest.raises(RuleViolation) as excinfo:
        validate_charter(_charter(affected="AUS", partner="NOR"), registry)
    assert excinfo.value.rule_id == "CK-1"
    assert "AUS is not recorded as affected" in excinfo.value.message
    assert excinfo.value.source == "7MSP ¶1, ¶4"


def test_unknown_affected_state_is_refused(registry: Registry) -> None:
    """CK-1: a code the registry does not know cannot be a coalition's affected State."""
    with pytest.raises(RuleViolation) as excinfo:
        validate_charter(_charter(affected="XXX"), registry)
    assert excinfo.value.rule_id == "CK-1"
    assert "XXX" in excinfo.value.message


def test_unknown_partner_is_refused(registry: Registry) -> None:
    """CK-2: a partner the registry does not know is refused."""
    with pytest.raises(RuleViolation) as excinfo:
        validate_charter(_charter(partner="XXX"), registry)
    assert excinfo.value.rule_id == "CK-2"
    assert "XXX is not a State in the registry" in excinfo.value.message
    assert "donor" in excinfo.value.message


def test_partner_same_as_affected_state_is_refused(registry: Registry) -> None:
    """CK-2: the affected State cannot co-coordinate a coalition with itself."""
    with pytest.raises(RuleViolation) as excinfo:
        validate_charter(_charter(affected="LAO", partner="LAO"), registry)
    assert excinfo.value.rule_id == "CK-2"
    assert "Lao People's Democratic Republic cannot co-coordinate with itself" in (
        excinfo.value.message
    )


def test_charter_with_empty_focus_is_refused(registry: Registry) -> None:
    """CK-5: a coalition with no thematic area as its focus is refused."""
    assert parse_focus([]) == ()
    with pytest.raises(RuleViolation) as excinfo:
        validate_charter(_charter(focus=()), registry)
    assert excinfo.value.rule_id == "CK-5"
    assert "at least one thematic area" in excinfo.value.message


@pytest.mark.parametrize("name", ["victim-assistance", "reporting", "Universalization", ""])
def test_focus_outside_the_committee_areas_is_refused(name: str) -> None:
    """CK-5: victim assistance (and anything else outside 7MSP ¶6's list) is refused."""
    with pytest.raises(RuleViolation) as excinfo:
        parse_focus([CLEARANCE, name])
    assert excinfo.value.rule_id == "CK-5"
    assert repr(name) in excinfo.value.message
    assert "national-implementation-measures" in excinfo.value.message


def test_all_five_committee_areas_parse() -> None:
    """CK-5: the five thematic areas of 7MSP ¶6 are each a valid focus."""
    names = [
        "universalization", CLEARANCE, "stockpile-destruction",
        "international-cooperation-and-assistance", "national-implementation-measures",
    ]
    assert parse_focus(names) == tuple(ThematicFocus)


@pytest.mark.parametrize("affected", ["VNM", "KHM"])
def test_most_affected_non_party_is_allowed_and_marked(
    registry: Registry, affected: str
) -> None:
    """CK-8: a coalition for Viet Nam or Cambodia (affected, not parties) is allowed and marked."""
    assert not registry[affected].is_state_party
    assert validate_charter(_charter(affected=affected), registry) is True


# --- CK-3: the national strategy document ---------------------------------------------------


def test_strategy_document_takes_a_sha256_digest() -> None:
    """CK-3: a national strategy document is referenced with its 64-hex SHA-256."""
    digest = hashlib.sha256(b"National Strategy for the UXO Sector").hexdigest()
    doc = StrategyDocument(reference="Lao PDR national strategy", sha256=digest)
    assert doc.sha256 == digest


@pytest.mark.parametrize(
    "digest",
    [
        "a" * 63,
        "a" * 65,
        "A" * 64,
        "g" * 64,
        "",
        hashlib.md5(b"x").hexdigest(),
        " " + "a" * 63,
    ],
)
def test_strategy_document_refuses_anything_but_a_sha256(digest: str) -> None:
    """CK-3: a strategy document's digest that is not 64 lower-case hex characters is refused."""
    with pytest.raises(ValidationError) as excinfo:
        StrategyDocument(reference="strategy", sha256=digest)
    assert "64 lower-case hexadecimal" in str(excinfo.value)


# --- CK-7: who identifies candidate countries -----------------------------------------------


@pytest.mark.parametrize("role", [Role.COMMITTEE_MEMBER, Role.PRESIDENT])
def test_committee_identifies_candidate_countries(role: Role) -> None:
    """CK-7: a committee member or the President (its chair) may identify a candidate country."""
    actor = Actor(name="A. Person", role=role, represents="DEU")
    assert _refusal(lambda: check_identified_by(actor)) is None


@pytest.mark.parametrize("role", [Role.ISU, Role.AUDITOR, Role.ENGINE])
def test_others_cannot_identify_candidate_countries(role: Role) -> None:
    """CK-7: the ISU (or an auditor, or the engine) cannot identify a candidate country."""
    with pytest.raises(RuleViolation) as excinfo:
        check_identified_by(Actor(name="A. Person", role=role))
    assert excinfo.value.rule_id == "CK-7"
    assert "Coordination Committee" in excinfo.value.message
    assert role.value.replace("_", " ") in excinfo.value.message


# --- CK-4: participants ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("state", "LAO", ParticipantKind.STATE),
        ("international_organisation", "ICRC", ParticipantKind.INTERNATIONAL_ORGANISATION),
        ("operator", "An operator in the field", ParticipantKind.OPERATOR),
        ("expert", "GICHD", ParticipantKind.EXPERT),
    ],
)
def test_participant_of_a_listed_kind_is_accepted(
    kind: str, name: str, expected: ParticipantKind
) -> None:
    """CK-4: States, international organisations, operators and experts may take part."""
    assert check_participant(kind, name, ["AUS"]) is expected


def test_participant_of_unknown_kind_is_refused() -> None:
    """CK-4: a participant that is none of the listed kinds is refused."""
    with pytest.raises(RuleViolation) as excinfo:
        check_participant("journalist", "A Reporter", [])
    assert excinfo.value.rule_id == "CK-4"
    assert "'journalist' is none of these" in excinfo.value.message


def test_repeat_participant_is_refused() -> None:
    """CK-4: a participant already taking part cannot join a second time."""
    with pytest.raises(RuleViolation) as excinfo:
        check_participant("expert", "GICHD", iter(["ICRC", "GICHD"]))
    assert excinfo.value.rule_id == "CK-4"
    assert "GICHD already takes part" in excinfo.value.message


# --- CK-6: coordinate, do not duplicate -----------------------------------------------------


def test_new_activity_may_be_coordinated() -> None:
    """CK-6: an activity not yet coordinated by the coalition may be recorded."""
    coordinated = ["UNDP UXO Lao"]
    assert _refusal(lambda: check_not_duplicated("EU clearance (XKH)", coordinated)) is None
    assert _refusal(lambda: check_not_duplicated("UNDP UXO Lao", coordinated)) is not None


def test_activity_already_coordinated_is_refused() -> None:
    """CK-6: recording an already-coordinated activity a second time is refused."""
    with pytest.raises(RuleViolation) as excinfo:
        check_not_duplicated("UNDP UXO Lao", (a for a in ["UNDP UXO Lao"]))
    assert excinfo.value.rule_id == "CK-6"
    assert "'UNDP UXO Lao' is already coordinated" in excinfo.value.message
    assert "never duplicates" in excinfo.value.message

"""The registry of States (domain/data/states.csv), and actors and roles."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from pydantic import ValidationError

from domain.convention import (
    COMMITTEE_ORGANISATIONS,
    Actor,
    Registry,
    Role,
    State,
    Status,
    parse_registry,
    shipped_registry,
)

HEADER = "iso3,name,status,affected,donor,note"


def _shipped_csv_rows() -> list[str]:
    text = resources.files("domain").joinpath("data/states.csv").read_text(encoding="utf-8")
    return [line for line in text.splitlines()[1:] if line.strip()]


# --- the shipped registry -------------------------------------------------------------------


def test_shipped_registry_parses_every_row() -> None:
    """The shipped registry parses, one State per CSV row, and is read once (cached)."""
    registry = shipped_registry()
    assert isinstance(registry, Registry)
    assert len(registry) == len(_shipped_csv_rows())
    assert shipped_registry() is registry


def test_codes_are_unique_three_capitals() -> None:
    """Every code in the shipped registry is three capitals, and none repeats."""
    registry = shipped_registry()
    codes = [row.split(",", 1)[0] for row in _shipped_csv_rows()]
    assert len(codes) == len(set(codes))
    assert set(codes) == set(registry)
    for code in registry:
        assert re.fullmatch(r"[A-Z]{3}", code), code
        assert registry[code].iso3 == code


def test_registry_has_at_least_forty_states_parties() -> None:
    """CO-1: there are enough States Parties (at least 40) to provide coordinators."""
    parties = shipped_registry().states_parties()
    assert len(parties) >= 40
    assert all(state.status is Status.STATE_PARTY for state in parties)


@pytest.mark.parametrize("code", ["LBN", "CHE", "NOR", "HRV", "AUS", "IRQ", "LAO"])
def test_states_named_in_the_seeds_are_states_parties(code: str) -> None:
    """The States Parties the seeds name (hosts, coordinators, Lao PDR) are States Parties."""
    state = shipped_registry()[code]
    assert state.status is Status.STATE_PARTY
    assert state.is_state_party


@pytest.mark.parametrize("code", ["THA", "VNM", "KHM"])
def test_non_parties_named_in_the_seeds_are_not_states_parties(code: str) -> None:
    """CK-8: Thailand, Viet Nam and Cambodia, named in 7MSP, are not States Parties."""
    state = shipped_registry()[code]
    assert state.status is Status.NON_PARTY
    assert not state.is_state_party
    assert state not in shipped_registry().states_parties()


@pytest.mark.parametrize("code", ["LAO", "IRQ", "LBN", "HRV", "VNM", "KHM"])
def test_affected_states_are_flagged(code: str) -> None:
    """CK-1: the States the seeds treat as affected by cluster munitions are flagged affected."""
    assert shipped_registry()[code].affected is True


def test_donors_named_in_the_seeds_are_flagged() -> None:
    """CK-2: Australia (7MSP's donor example) is a donor and is not affected."""
    australia = shipped_registry()["AUS"]
    assert australia.donor is True
    assert australia.affected is False


def test_describe_names_the_state_or_returns_the_code() -> None:
    """describe() gives "Lebanon (LBN)" for a known code and the bare code otherwise."""
    registry = shipped_registry()
    assert registry.describe("LBN") == "Lebanon (LBN)"
    assert registry.describe("XXX") == "XXX"
    assert "XXX" not in registry


# --- parse_registry -------------------------------------------------------------------------


def test_parse_registry_reads_a_small_registry() -> None:
    """parse_registry reads rows with quoted notes and an empty note."""
    registry = parse_registry(
        f'{HEADER}\nLBN,Lebanon,state_party,true,false,"2MSP host (Beirut, 2011)"\n'
        "THA,Thailand,non_party,true,false,\n"
    )
    assert list(registry) == ["LBN", "THA"]
    assert registry["LBN"].note == "2MSP host (Beirut, 2011)"
    assert registry["THA"].note == ""
    assert registry["THA"].status is Status.NON_PARTY


@pytest.mark.parametrize("value", ["yes", "True", "1", ""])
def test_parse_registry_refuses_a_bad_boolean(value: str) -> None:
    """A registry row whose affected flag is not true/false is refused, naming the line."""
    text = (f"{HEADER}\nLBN,Lebanon,state_party,true,false,\n"
            f"CHE,Switzerland,state_party,{value},true,\n")
    with pytest.raises(ValueError, match=r"states\.csv line 3") as excinfo:
        parse_registry(text)
    assert "expected true or false" in str(excinfo.value)
    assert repr(value) in str(excinfo.value)


def test_parse_registry_refuses_a_duplicate_code() -> None:
    """A registry listing the same code twice is refused, naming the code."""
    text = f"{HEADER}\nLBN,Lebanon,state_party,true,false,\nLBN,Liban,state_party,true,false,\n"
    with pytest.raises(ValueError, match="the registry lists LBN twice") as excinfo:
        parse_registry(text)
    assert not isinstance(excinfo.value, ValidationError)  # the Registry's own check


def test_parse_registry_refuses_an_unknown_status() -> None:
    """A registry row with a status other than state_party/signatory/non_party is refused."""
    text = f"{HEADER}\nLBN,Lebanon,party,true,false,\n"
    with pytest.raises(ValueError, match="'party'") as excinfo:
        parse_registry(text)
    assert "Status" in str(excinfo.value)


@pytest.mark.parametrize("code", ["lbn", "LB", "LBNN", "L8N", "ÄBC"])
def test_state_code_must_be_alpha3(code: str) -> None:
    """A State's code is an ISO 3166-1 alpha-3 code of three ASCII capitals."""
    with pytest.raises(ValidationError) as excinfo:
        State(iso3=code, name="x", status=Status.STATE_PARTY, affected=False, donor=False)
    assert "alpha-3" in str(excinfo.value)


# --- actors and roles -----------------------------------------------------------------------


def test_actor_reads_its_role_from_text_and_is_frozen() -> None:
    """An actor's role is read from its value; an actor cannot be changed once made."""
    actor = Actor.model_validate({"name": "A. Person", "role": "committee_member",
                                  "represents": "ICRC"})
    assert actor.role is Role.COMMITTEE_MEMBER
    assert actor.represents in COMMITTEE_ORGANISATIONS
    with pytest.raises(ValidationError):
        actor.name = "Someone else"  # type: ignore[misc]
    assert Actor(name="Clerk", role=Role.ISU).represents is None


def test_actor_with_unknown_role_is_refused() -> None:
    """An actor cannot act in a role the engine does not know."""
    with pytest.raises(ValidationError) as excinfo:
        Actor.model_validate({"name": "A. Person", "role": "chair"})
    assert "role" in str(excinfo.value)


def test_roles_and_committee_organisations() -> None:
    """CC-3: the roles are fixed, and ICRC, UN and CMC are the committee's organisations."""
    assert {r.value for r in Role} == {
        "isu", "president", "president_designate", "coordinator", "committee_member",
        "delegate", "auditor", "engine",
    }
    assert COMMITTEE_ORGANISATIONS == ("ICRC", "UN", "CMC")

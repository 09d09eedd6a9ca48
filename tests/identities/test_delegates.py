"""A State's delegate (issue 7): a person who speaks for a State of the registry, of any
standing — a coalition may extend to a non-State Party (CK-8) — and never for an organisation
or for no one (CK-2)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from domain.convention import Actor, Role, shipped_registry
from identities import InvalidPerson, People, check_person
from tests.identities.conftest import count


@pytest.mark.parametrize(("represents", "expected", "party"), [
    ("lao", "LAO", True),  # a State Party, affected: a coalition's co-coordinator
    (" VNM ", "VNM", False),  # not a party: CK-8 lets it take part in a coalition
])
def test_a_delegate_of_a_state_of_any_standing_is_registered(
    people: People, represents: str, expected: str, party: bool,
) -> None:
    person, token = people.add("Khamla Vongsa", "delegate", represents)
    assert (person.role, person.represents) == (Role.DELEGATE, expected)
    assert shipped_registry()[expected].is_state_party is party
    assert people.authenticate(token) == person
    assert person.actor == Actor(name="Khamla Vongsa", role=Role.DELEGATE, represents=expected)
    assert person.describe().startswith("Khamla Vongsa, delegate for ")


@pytest.mark.parametrize(("represents", "says"), [
    ("ICRC", "CK-2 (7MSP ¶5): a delegate speaks for a State, not for the ICRC."),
    ("cmc", "CK-2 (7MSP ¶5): a delegate speaks for a State, not for the CMC."),
    (None, "CK-2 (7MSP ¶5): a delegate speaks for a State; say which one Khamla Vongsa "
           "represents."),
    ("  ", "CK-2 (7MSP ¶5): a delegate speaks for a State; say which one Khamla Vongsa "
           "represents."),
])
def test_a_delegate_of_an_organisation_or_of_no_one_is_refused(
    engine: Engine, people: People, represents: str | None, says: str,
) -> None:
    with pytest.raises(InvalidPerson) as refused:
        people.add("Khamla Vongsa", Role.DELEGATE, represents)
    assert str(refused.value) == says
    assert refused.value.rule_id == "CK-2"
    assert count(engine) == 0


def test_a_delegate_of_a_code_outside_the_registry_is_refused() -> None:
    with pytest.raises(InvalidPerson, match="'XYZ' is neither a State of the registry"):
        check_person("Khamla Vongsa", "delegate", "XYZ")
    assert check_person("Khamla Vongsa", "delegate", "aus") == (
        "Khamla Vongsa", Role.DELEGATE, "AUS")

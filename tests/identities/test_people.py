"""People: register, authenticate, revoke — the token kept only as its SHA-256."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import Engine

from domain.convention import Actor, Role
from identities import (
    AlreadyRevoked,
    InvalidPerson,
    People,
    Person,
    Unauthenticated,
    UnknownPerson,
)
from identities.tokens import new_token, well_formed
from tests.identities.conftest import count, rows


@pytest.mark.parametrize(("role", "represents", "expected"), [
    (Role.ISU, None, None),
    (Role.PRESIDENT, "CHE", "CHE"),
    (Role.PRESIDENT_DESIGNATE, None, None),
    (Role.COORDINATOR, " chl ", "CHL"),
    (Role.COMMITTEE_MEMBER, "icrc", "ICRC"),
    (Role.COMMITTEE_MEMBER, "LAO", "LAO"),
    ("auditor", "", None),
])
def test_a_person_added_is_the_person_their_token_authenticates(
    people: People, role: Role | str, represents: str | None, expected: str | None,
) -> None:
    person, token = people.add("  Ana Díaz ", role, represents)
    assert well_formed(token)
    assert token.startswith("isx_")
    assert (person.name, person.role, person.represents) == ("Ana Díaz", Role(role), expected)
    assert person.revoked_at is None
    assert person.created_at.endswith("Z")
    assert people.authenticate(token) == person
    assert people.authenticate(token).actor == Actor(name="Ana Díaz", role=Role(role),
                                                     represents=expected)
    assert people.list() == [person]
    assert people.get(person.id) == person


def test_the_token_is_stored_only_as_its_sha256(engine: Engine, people: People) -> None:
    """The raw token appears in no column; the row holds its SHA-256, and nothing else of it."""
    person, token = people.add("Ana Díaz", Role.COORDINATOR, "CHL")
    _other, _ = people.add("Ben Okafor", Role.ISU, None)
    stored = rows(engine)
    assert len(stored) == 2
    for row in stored:
        for column in row:
            assert token not in str(column)
            assert token.removeprefix("isx_") not in str(column)
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert sum(digest in (str(c) for c in row) for row in stored) == 1
    assert token not in repr(person)
    assert token not in person.model_dump_json()
    assert token not in repr(people.list())


def test_two_people_get_different_tokens(people: People) -> None:
    _, first = people.add("Ana Díaz", Role.ISU, None)
    _, second = people.add("Ana Díaz", Role.ISU, None)  # the same name, another person
    assert first != second
    assert people.authenticate(first).id != people.authenticate(second).id


def test_a_revoked_token_opens_nothing_and_the_person_stays_on_record(
    engine: Engine, people: People,
) -> None:
    person, token = people.add("Ana Díaz", Role.COORDINATOR, "CHL")
    kept, kept_token = people.add("Ben Okafor", Role.ISU, None)
    revoked = people.revoke(person.id)
    assert revoked.revoked_at is not None
    assert revoked.revoked_at >= person.created_at
    assert revoked.model_copy(update={"revoked_at": None}) == person
    with pytest.raises(Unauthenticated, match="revoked") as refused:
        people.authenticate(token)
    assert token not in str(refused.value)
    assert count(engine) == 2  # revoking deletes nothing: the audit trail keeps who held a role
    assert people.list() == [revoked, kept]
    assert people.authenticate(kept_token) == kept


def test_revoking_twice_or_an_unknown_id_is_one_sentence_and_changes_nothing(
    engine: Engine, people: People,
) -> None:
    person, _ = people.add("Ana Díaz", Role.COORDINATOR, "CHL")
    revoked = people.revoke(person.id)
    before = rows(engine)
    with pytest.raises(AlreadyRevoked, match=r"\(id 1\) was revoked already, at "):
        people.revoke(person.id)
    with pytest.raises(UnknownPerson, match="no person has id 99"):
        people.revoke(99)
    with pytest.raises(UnknownPerson, match="no person has id 99"):
        people.get(99)
    assert rows(engine) == before
    assert people.get(person.id) == revoked


@pytest.mark.parametrize("token", [
    "", "isx_", "abc", "Bearer isx_" + "a" * 43, "isx_" + "a" * 42, "isx_" + "a" * 44,
    "isx_" + "!" * 43, "ISX_" + "a" * 43, "isx_" + "a" * 42 + "\n", " isx_" + "a" * 43,
    "isx_" + "é" * 43,
])
def test_a_malformed_token_is_refused(people: People, token: str) -> None:
    people.add("Ana Díaz", Role.ISU, None)
    with pytest.raises(Unauthenticated, match="not an intersessional token"):
        people.authenticate(token)


def test_an_unknown_token_is_refused(people: People) -> None:
    _, token = people.add("Ana Díaz", Role.ISU, None)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for unknown in (new_token(), altered):
        with pytest.raises(Unauthenticated, match=r"^no one holds that token\.$") as refused:
            people.authenticate(unknown)
        assert unknown not in str(refused.value)


@pytest.mark.parametrize(("given", "says"), [
    (("Timer", "engine", None), "engine is the engine itself"),
    (("Ana Díaz", "chair", None), "'chair' is not a role; a person holds one of isu, president"),
    (("Ana Díaz", Role.AUDITOR, "XYZ"), "'XYZ' is neither a State of the registry"),
    (("Ana Díaz", Role.COORDINATOR, None),
     "CO-1 (2MSP P2.4): a coordinator comes from a State Party; say which one Ana Díaz "
     "represents."),
    (("Ana Díaz", Role.COORDINATOR, "AGO"),
     "CO-1 (2MSP P2.4): a coordinator comes from a State Party, and Angola (AGO) is a "
     "signatory, not a party."),
    (("Ana Díaz", Role.COORDINATOR, "USA"), "is not a party to the Convention"),
    (("Ana Díaz", Role.COORDINATOR, "ICRC"),
     "CO-1 (2MSP P2.4): a coordinator comes from a State Party, not from the ICRC."),
    (("Ana Díaz", Role.COMMITTEE_MEMBER, None),
     "CC-3 (2MSP P3.2): a committee member sits for a State or for the ICRC, the UN or the CMC"),
    (("Ana Díaz", Role.ISU, "CHE"), "ISU-1 (2MSP P4.1): the ISU serves all the States Parties"),
    (("Ana Díaz", Role.PRESIDENT, "UN"), "CC-3 (2MSP P3.2): a presidency is held by a State"),
    (("", Role.ISU, None), "a person needs a name"),
    (("   ", Role.ISU, None), "a person needs a name"),
    (("A" * 201, Role.ISU, None), "a name is at most 200 characters, and this one has 201."),
    (("Ana\nDíaz", Role.ISU, None), "a name may not contain control characters"),
])
def test_invalid_input_is_one_sentence_and_writes_nothing(
    engine: Engine, people: People, given: tuple[str, Role | str, str | None], says: str,
) -> None:
    """Refused in one sentence, citing the rule where one applies (CO-1: a coordinator from a
    State Party; CC-3: a committee member for a State or ICRC/UN/CMC; ISU-1: the ISU
    represents no one), and the table keeps the rows it had."""
    people.add("Ben Okafor", Role.ISU, None)
    before = count(engine)
    with pytest.raises(InvalidPerson) as refused:
        people.add(*given)
    message = str(refused.value)
    assert isinstance(refused.value, ValueError)
    assert says in message
    assert message.endswith(".")
    assert "\n" not in message
    assert count(engine) == before == 1


def test_a_name_of_exactly_200_characters_is_taken(people: People) -> None:
    person, _ = people.add("A" * 200, Role.ISU, None)
    assert len(person.name) == 200


def test_describe_names_the_state(people: People) -> None:
    person, _ = people.add("Ana Díaz", Role.COORDINATOR, "chl")
    assert person.describe() == "Ana Díaz, coordinator for Chile (CHL)"
    assert Person.model_validate(person.model_dump()) == person

"""People's e-mail addresses and calendar secrets, on both backends: a bad address is one
sentence and writes nothing; the calendar's secret is kept only as its SHA-256, and a new one
makes the old open nothing; the CLI says the same and writes nothing on a refusal."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner, Result

from cli.app import app
from identities import (
    InvalidPerson,
    People,
    Unauthenticated,
    UnknownPerson,
    calendar_owner,
    new_calendar,
)
from tests.identities.conftest import count, rows

URL = re.compile(r"https://ccm\.example\.org/calendar/(ics_[A-Za-z0-9_-]{43})\.ics")


@pytest.mark.parametrize("address", ["not an address", "ana@", "@example.org",
                                     "ana@example..org", "ana díaz@example.org"])
def test_a_bad_address_is_one_sentence_and_writes_nothing(engine: Engine, people: People,
                                                          address: str) -> None:
    with pytest.raises(InvalidPerson) as refused:
        people.add("Ana Díaz", "isu", None, address)
    assert str(refused.value).startswith(f"{address!r} is not an e-mail address: ")
    assert "\n" not in str(refused.value)
    assert count(engine) == 0
    person, _ = people.add("Ana Díaz", "isu", None, "ana@example.org")  # the next one is taken
    with pytest.raises(InvalidPerson):
        people.set_email(person.id, address)
    assert people.get(person.id).email == "ana@example.org"


def test_an_address_is_kept_normalised_and_can_be_changed_or_removed(people: People) -> None:
    person, token = people.add("Ana Díaz", "isu", None, "  Ana.Diaz@Example.ORG ")
    assert person.email == "Ana.Diaz@example.org"  # the domain is case-blind, the local part not
    assert people.authenticate(token).email == "Ana.Diaz@example.org"
    assert people.set_email(person.id, "ana@ccm.example.org").email == "ana@ccm.example.org"
    assert people.set_email(person.id, None).email is None
    with pytest.raises(UnknownPerson):
        people.set_email(person.id + 1, "ana@example.org")


def test_the_calendar_secret_is_kept_only_as_its_sha256_and_replaced(engine: Engine,
                                                                      people: People) -> None:
    person, _ = people.add("Ana Díaz", "isu", None)
    first = new_calendar(engine, person.id)
    assert calendar_owner(engine, first) == person
    assert not any(first in str(row) for row in rows(engine))
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT calendar_hash FROM people")).scalar_one()
    assert kept == hashlib.sha256(first.encode()).hexdigest()
    second = new_calendar(engine, person.id)
    assert calendar_owner(engine, second) == person
    for wrong in (first, "ics_" + "A" * 43, "isx_" + "A" * 43, "", first[:-1]):
        with pytest.raises(Unauthenticated) as refused:
            calendar_owner(engine, wrong)
        assert str(refused.value) == "no calendar has that address."
    people.revoke(person.id)
    with pytest.raises(Unauthenticated):  # a revoked person's calendar opens nothing
        calendar_owner(engine, second)


@pytest.fixture
def settings_at(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ledger_url: str) -> str:
    monkeypatch.setenv("INTERSESSIONAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTERSESSIONAL_LEDGER_URL", ledger_url)
    monkeypatch.setenv("INTERSESSIONAL_PUBLIC_URL", "https://ccm.example.org")
    return ledger_url


def users(*args: str) -> Result:
    return CliRunner().invoke(app, ["users", *args])


@pytest.mark.usefixtures("settings_at")
def test_the_cli_refuses_a_bad_address_in_one_line_and_writes_nothing(engine: Engine) -> None:
    refused = users("add", "Ana Díaz", "--role", "isu", "--email", "ana@")
    assert refused.exit_code == 2
    assert refused.output.strip().startswith("'ana@' is not an e-mail address: ")
    assert len(refused.output.strip().splitlines()) == 1
    assert count(engine) == 0
    added = users("add", "Ana Díaz", "--role", "isu", "--email", "ana@example.org")
    assert added.exit_code == 0, added.output
    refused = users("set-email", "1", "ana@@example.org")
    assert refused.exit_code == 2
    assert People(engine).get(1).email == "ana@example.org"
    both = users("set-email", "1", "x@example.org", "--clear")
    assert both.exit_code == 2
    assert "give an e-mail address, or --clear" in both.output
    changed = users("set-email", "1", "ana.diaz@example.org")
    assert changed.exit_code == 0, changed.output
    assert "now go to ana.diaz@example.org" in changed.output
    cleared = users("set-email", "1", "--clear")
    assert cleared.exit_code == 0, cleared.output
    assert People(engine).get(1).email is None


@pytest.mark.usefixtures("settings_at")
def test_the_cli_prints_the_calendar_address_once(engine: Engine) -> None:
    users("add", "Ana Díaz", "--role", "isu")
    shown = users("calendar-url", "1")
    assert shown.exit_code == 0, shown.output
    [secret] = URL.findall(shown.output)
    assert calendar_owner(engine, secret).name == "Ana Díaz"
    again = users("calendar-url", "1")
    [replacing] = URL.findall(again.output)
    assert replacing != secret
    with pytest.raises(Unauthenticated):
        calendar_owner(engine, secret)
    unknown = users("calendar-url", "7")
    assert unknown.exit_code == 4  # not found
    assert unknown.output.strip() == "no person has id 7."

"""``intersessional users …`` through typer's CliRunner, against the database the settings
point at (INTERSESSIONAL_LEDGER_URL, on both backends; INTERSESSIONAL_DATA_DIR for SQLite)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from cli.app import app
from identities import People, Unauthenticated
from tests.identities.conftest import count, rows

TOKEN = re.compile(r"isx_[A-Za-z0-9_-]{43}")


@pytest.fixture
def settings_at(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ledger_url: str) -> str:
    """The settings point at the test's database (and nowhere in the home directory)."""
    monkeypatch.setenv("INTERSESSIONAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTERSESSIONAL_LEDGER_URL", ledger_url)
    return ledger_url


def users(*args: str) -> Result:
    return CliRunner().invoke(app, ["users", *args])


@pytest.mark.usefixtures("settings_at")
def test_add_prints_a_token_once_and_it_authenticates(engine: Engine) -> None:
    done = users("add", "Ana Díaz", "--role", "coordinator", "--state", "chl")
    assert done.exit_code == 0, done.output
    tokens = TOKEN.findall(done.output)
    assert len(tokens) == 1
    assert "will not be shown again" in done.output
    assert "Ana Díaz, coordinator for Chile (CHL)" in done.output
    person = People(engine).authenticate(tokens[0])
    assert (person.name, person.role.value, person.represents) == ("Ana Díaz", "coordinator",
                                                                   "CHL")


@pytest.mark.usefixtures("settings_at")
def test_list_shows_people_and_never_a_token_or_its_hash(engine: Engine) -> None:
    added = users("add", "Ana Díaz", "--role", "committee_member", "--represents", "ICRC")
    (token,) = TOKEN.findall(added.output)
    users("add", "Ben Okafor", "--role", "isu")
    listed = users("list", "--json")
    assert listed.exit_code == 0, listed.output
    people = json.loads(listed.output)
    assert [(p["id"], p["name"], p["role"], p["represents"], p["revoked_at"]) for p in people] == [
        (1, "Ana Díaz", "committee_member", "ICRC", None), (2, "Ben Okafor", "isu", None, None)]
    hashes = [str(row[4]) for row in rows(engine)]
    table = users("list")
    assert table.exit_code == 0, table.output
    assert "Ana Díaz" in table.output
    assert "Ben Okafor" in table.output
    for output in (listed.output, table.output):
        assert token not in output
        assert "token" not in output
        assert not any(h in output for h in hashes)


@pytest.mark.usefixtures("settings_at")
def test_revoke_makes_the_token_open_nothing(engine: Engine) -> None:
    (token,) = TOKEN.findall(users("add", "Ana Díaz", "--role", "president", "--state",
                                   "CHE").output)
    done = users("revoke", "1")
    assert done.exit_code == 0, done.output
    assert "revoked person 1: Ana Díaz, president for Switzerland (CHE)" in done.output
    with pytest.raises(Unauthenticated, match="revoked"):
        People(engine).authenticate(token)
    assert json.loads(users("list", "--json").output)[0]["revoked_at"] is not None
    again = users("revoke", "1")
    assert again.exit_code == 2
    assert "was revoked already" in again.output
    unknown = users("revoke", "7")
    assert unknown.exit_code == 4  # no such person
    assert "no person has id 7" in unknown.output
    assert count(engine) == 1


@pytest.mark.usefixtures("settings_at")
def test_a_person_s_language_is_set_and_an_unknown_one_refused(engine: Engine) -> None:
    users("add", "Ana Díaz", "--role", "president", "--state", "CHE")
    unknown = users("language", "1", "xx")
    assert unknown.exit_code == 2
    assert "unknown language 'xx'" in unknown.output
    assert People(engine).get(1).language is None  # nothing written
    nobody = users("language", "7", "fr")
    assert nobody.exit_code == 4  # no such person
    assert "no person has id 7" in nobody.output
    done = users("language", "1", "ar")
    assert done.exit_code == 0, done.output
    assert "person 1 reads in ar from now on" in done.output
    assert People(engine).get(1).language == "ar"
    assert json.loads(users("list", "--json").output)[0]["language"] == "ar"
    assert users("language", "1", "none").exit_code == 0
    assert People(engine).get(1).language is None


@pytest.mark.usefixtures("settings_at")
@pytest.mark.parametrize(("args", "says"), [
    (["--role", "engine"], "engine is the engine itself"),
    (["--role", "chair"], "'chair' is not a role"),
    (["--role", "coordinator"], "CO-1 (2MSP P2.4): a coordinator comes from a State Party"),
    (["--role", "auditor", "--state", "XYZ"], "'XYZ' is neither a State of the registry"),
])
def test_a_refused_add_is_one_line_exit_2_and_writes_nothing(
    engine: Engine, args: list[str], says: str,
) -> None:
    users("add", "Ben Okafor", "--role", "isu")
    before = rows(engine)
    done = users("add", "Ana Díaz", *args)
    assert done.exit_code == 2
    assert says in done.output
    assert len(done.output.strip().splitlines()) == 1
    assert not TOKEN.search(done.output)
    assert rows(engine) == before


def test_a_refused_add_does_not_even_create_the_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    """On the embedded default, a refusal leaves the data directory as it found it; a first
    add creates the database at the latest schema."""
    monkeypatch.setenv("INTERSESSIONAL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INTERSESSIONAL_LEDGER_URL", raising=False)
    done = users("add", "Ana Díaz", "--role", "engine")
    assert done.exit_code == 2
    assert list(tmp_path.iterdir()) == []
    done = users("add", "Ana Díaz", "--role", "auditor")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "ledger.sqlite3").exists()
    assert json.loads(users("list", "--json").output)[0]["name"] == "Ana Díaz"

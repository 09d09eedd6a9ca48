"""The ``people`` table as migration 0002 makes it (and 0003 widens its roles): what schema.py
describes, guarded by the database itself, and added to a ledger that already holds events."""

from __future__ import annotations

import importlib
import uuid
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from identities import PERSON_ROLES, People
from identities.schema import metadata
from identities.tokens import new_token, token_hash
from ledger import Ledger, NewEvent
from ledger.engine import MIGRATIONS, writing
from tests.backends import alembic
from tests.identities.conftest import count


def test_schema_py_describes_what_the_migration_creates(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    # the ledger's own tables are not in identities' metadata; nothing about people may differ
    about_people = [d for d in differences if "people" in repr(d)]
    assert about_people == []
    columns = {c["name"]: c for c in inspect(engine).get_columns("people")}
    assert list(columns) == ["id", "name", "role", "represents", "token_hash", "created_at",
                             "revoked_at", "email", "calendar_hash", "language"]
    assert [n for n, c in columns.items() if c["nullable"]] == ["represents", "revoked_at",
                                                                "email", "calendar_hash",
                                                                "language"]


def _latest_roles() -> tuple[str, tuple[str, ...]]:
    """The newest migration that spells out the person roles: its revision and its list."""
    script = ScriptDirectory(str(MIGRATIONS))
    for revision in script.walk_revisions():  # from the head down
        roles = getattr(revision.module, "_ROLES", None)
        if roles is not None:
            return revision.revision, roles
    raise AssertionError("no migration lists the person roles")


def test_the_latest_migration_lists_the_person_roles() -> None:
    revision, roles = _latest_roles()
    assert revision == "0003"
    assert tuple(r.value for r in PERSON_ROLES) == roles
    assert "delegate" in roles


def test_migration_0002_still_makes_the_table_it_made() -> None:
    """0002 is a fixed point: the roles before delegates, exactly what 0003 widens."""
    first = importlib.import_module("ledger.migrations.versions.0002_people")
    widening = importlib.import_module("ledger.migrations.versions.0003_delegates")
    assert first.down_revision == "0001"
    assert widening.down_revision == "0002"
    assert "delegate" not in first._ROLES
    assert first._ROLES == widening._BEFORE
    assert tuple(r for r in widening._ROLES if r != "delegate") == first._ROLES


@pytest.mark.parametrize("role", ["engine", "chair"])
def test_the_database_refuses_a_role_no_person_holds(engine: Engine, role: str) -> None:
    with pytest.raises(IntegrityError), writing(engine) as conn:
        conn.execute(text("INSERT INTO people (name, role, token_hash, created_at) VALUES "
                          "('x', :role, :h, '2026-01-01T00:00:00.000000Z')"),
                     {"role": role, "h": "0" * 64})
    assert count(engine) == 0


def test_the_database_refuses_a_token_hash_twice(engine: Engine) -> None:
    insert = text("INSERT INTO people (name, role, token_hash, created_at) VALUES "
                  "('x', 'isu', :h, '2026-01-01T00:00:00.000000Z')")
    with writing(engine) as conn:
        conn.execute(insert, {"h": "a" * 64})
    with pytest.raises(IntegrityError), writing(engine) as conn:
        conn.execute(insert, {"h": "a" * 64})
    assert count(engine) == 1



def test_upgrading_a_ledger_at_0001_keeps_its_events(engine: Engine) -> None:
    """A database made before identities (revision 0001) gains ``people``; its events stay."""
    alembic(engine, "downgrade", "0001")
    assert "people" not in inspect(engine).get_table_names()
    ledger = Ledger(engine)
    event = NewEvent(event_id=uuid.uuid4(), type="CycleOpened", schema_version=1,
                     payload={"year": 2027}, actor="ISU Director", role="isu",
                     occurred_at=datetime(2026, 9, 7, tzinfo=UTC))
    receipt = ledger.append("cycle-2027", [event], expected_version=0)[0]
    alembic(engine, "upgrade", "head")
    assert "people" in inspect(engine).get_table_names()
    assert [e.receipt for e in ledger.read_stream("cycle-2027")] == [receipt]
    person, token = People(engine).add("Ana Díaz", "isu", None)
    assert People(engine).authenticate(token) == person


def _insert(role: str, token_hash: str) -> tuple[str, dict[str, str]]:
    return ("INSERT INTO people (name, role, represents, token_hash, created_at) VALUES "
            "('x', :role, 'LAO', :h, '2026-01-01T00:00:00.000000Z')", {"role": role,
                                                                        "h": token_hash})


def _person_at_0002(engine: Engine) -> tuple[int, str]:
    """A person added as the code of revision 0002 added them (its columns only): the id
    and the token."""
    token = new_token()
    with writing(engine) as conn:
        conn.execute(text("INSERT INTO people (name, role, token_hash, created_at) VALUES "
                          "('Ana Díaz', 'isu', :h, '2026-01-01T00:00:00.000000Z')"),
                     {"h": token_hash(token)})
        return int(conn.execute(text("SELECT max(id) FROM people")).scalar_one()), token


def test_upgrading_from_0002_admits_delegates_and_keeps_the_people(engine: Engine) -> None:
    """At 0002 the database refuses a delegate; 0003 keeps every row (its id too) and every
    other guard, and admits one; on both backends."""
    alembic(engine, "downgrade", "0002")
    person_id, token = _person_at_0002(engine)
    sql, given = _insert("delegate", "b" * 64)
    with pytest.raises(IntegrityError), writing(engine) as conn:
        conn.execute(text(sql), given)
    alembic(engine, "upgrade", "head")
    person = People(engine).authenticate(token)
    assert (person.id, person.name, person.email) == (person_id, "Ana Díaz", None)
    with writing(engine) as conn:
        conn.execute(text(sql), given)
    assert count(engine) == 2
    delegate, _ = People(engine).add("Khamla Vongsa", "delegate", "lao")
    with engine.connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM people ORDER BY id")).scalars())
    assert ids[0] == person.id
    assert ids[-1] == delegate.id > ids[1]  # the ids go on after the rows kept, none reused
    with pytest.raises(IntegrityError), writing(engine) as conn:  # the other guards stay
        conn.execute(text("UPDATE people SET revoked_at = '2000-01-01T00:00:00.000000Z'"))
    with pytest.raises(IntegrityError), writing(engine) as conn:
        conn.execute(text(sql), given)
    assert count(engine) == 3


def test_downgrading_to_0002_refuses_delegates_again(engine: Engine) -> None:
    alembic(engine, "downgrade", "0002")
    sql, given = _insert("delegate", "c" * 64)
    with pytest.raises(IntegrityError), writing(engine) as conn:
        conn.execute(text(sql), given)
    assert count(engine) == 0

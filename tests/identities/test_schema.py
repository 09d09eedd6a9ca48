"""The ``people`` table as migration 0002 makes it: what schema.py describes, guarded by the
database itself, and added to a ledger that already holds events."""

from __future__ import annotations

import importlib
import uuid
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from identities import PERSON_ROLES, People
from identities.schema import metadata
from ledger import Ledger, NewEvent
from ledger.engine import MIGRATIONS, writing
from tests.identities.conftest import count


def test_schema_py_describes_what_the_migration_creates(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    # the ledger's own tables are not in identities' metadata; nothing about people may differ
    about_people = [d for d in differences if "people" in repr(d)]
    assert about_people == []
    columns = {c["name"]: c for c in inspect(engine).get_columns("people")}
    assert list(columns) == ["id", "name", "role", "represents", "token_hash", "created_at",
                             "revoked_at"]
    assert [n for n, c in columns.items() if c["nullable"]] == ["represents", "revoked_at"]


def test_the_migration_lists_the_person_roles() -> None:
    migration = importlib.import_module("ledger.migrations.versions.0002_people")
    assert migration.down_revision == "0001"
    assert tuple(r.value for r in PERSON_ROLES) == migration._ROLES


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


def _alembic(engine: Engine, step: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writing(engine) as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def test_upgrading_a_ledger_at_0001_keeps_its_events(engine: Engine) -> None:
    """A database made before identities (revision 0001) gains ``people``; its events stay."""
    _alembic(engine, "downgrade", "0001")
    assert "people" not in inspect(engine).get_table_names()
    ledger = Ledger(engine)
    event = NewEvent(event_id=uuid.uuid4(), type="CycleOpened", schema_version=1,
                     payload={"year": 2027}, actor="ISU Director", role="isu",
                     occurred_at=datetime(2026, 9, 7, tzinfo=UTC))
    receipt = ledger.append("cycle-2027", [event], expected_version=0)[0]
    _alembic(engine, "upgrade", "head")
    assert "people" in inspect(engine).get_table_names()
    assert [e.receipt for e in ledger.read_stream("cycle-2027")] == [receipt]
    person, token = People(engine).add("Ana Díaz", "isu", None)
    assert People(engine).authenticate(token) == person

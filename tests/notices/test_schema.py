"""Migration 0007: ``people`` gains ``email`` and ``calendar_hash``, the ledger's database gains
``notices`` — what ``identities.schema`` and ``ledger.schema`` describe, guarded by the
database itself, added to a database holding people and events, and taken away again."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from identities import People, Sessions
from ledger import Ledger, NewEvent
from ledger.engine import writing
from ledger.notices import keep
from ledger.schema import metadata
from tests.backends import alembic, ledger_database


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with ledger_database(request.param, tmp_path) as eng:
        yield eng



def test_schema_py_describes_the_notices_table(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in differences if "notices" in repr(d)] == []
    assert "uq_people_calendar_hash" in {i["name"] for i in inspect(engine).get_indexes("people")}


def _notice(status: str, attempts: int = 0) -> dict[str, object]:
    return {"key": f"k-{status}-{attempts}", "message_id": f"<{status}{attempts}@x>",
            "stream": "cycle-2027", "event_id": str(uuid.uuid4()), "kind": "reminder",
            "person_id": 1, "subject": "s", "body": "b", "status": status,
            "attempts": attempts, "created_at": "2026-12-05T00:00:00.000000Z"}


@pytest.mark.parametrize(("status", "attempts"), [("lost", 0), ("pending", -1)])
def test_the_database_refuses_a_status_or_a_count_no_notice_has(engine: Engine, status: str,
                                                                 attempts: int) -> None:
    insert = text("INSERT INTO notices (key, message_id, stream, event_id, kind, person_id, "
                  "subject, body, status, attempts, created_at) VALUES (:key, :message_id, "
                  ":stream, :event_id, :kind, :person_id, :subject, :body, :status, :attempts, "
                  ":created_at)")
    with pytest.raises(IntegrityError), writing(engine) as conn:
        conn.execute(insert, _notice(status, attempts))
    with writing(engine) as conn:  # the next valid one is taken
        conn.execute(insert, _notice("pending"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notices")).scalar_one() == 1


def test_upgrading_from_0006_keeps_people_sessions_and_events(engine: Engine) -> None:
    ledger = Ledger(engine)
    receipt = ledger.append("cycle-2027", [NewEvent(
        event_id=uuid.uuid4(), type="CycleOpened", schema_version=1, payload={"year": 2027},
        actor="ISU Director", role="isu", occurred_at=datetime(2026, 9, 7, tzinfo=UTC))], 0)[0]
    person, token = People(engine).add("Ana Díaz", "isu", None, "ana@example.org")
    session = Sessions(engine, timedelta(hours=1)).open(person)
    alembic(engine, "downgrade", "0006")
    assert "notices" not in inspect(engine).get_table_names()
    assert "email" not in {c["name"] for c in inspect(engine).get_columns("people")}
    alembic(engine, "upgrade", "head")
    kept = People(engine).authenticate(token)
    assert (kept.id, kept.name, kept.email) == (person.id, "Ana Díaz", None)  # given again
    assert Sessions(engine, timedelta(hours=1)).person_of(session).id == person.id
    assert [e.receipt for e in ledger.read_stream("cycle-2027")] == [receipt]
    assert People(engine).set_email(person.id, "ana@example.org").email == "ana@example.org"


def test_keeping_no_notice_takes_no_write_transaction(engine: Engine) -> None:
    """An event that owes no one a notice (most do not) is planned without waiting on the
    writer lock, which the appends queue on: with a writer holding it, ``keep([])`` returns at
    once (on SQLite, where the lock is the engine's; PostgreSQL has no such lock to wait on)."""
    done = threading.Event()
    with writing(engine):
        worker = threading.Thread(target=lambda: done.set() if keep(engine, []) == [] else None)
        worker.start()
        worker.join(timeout=10)
        assert done.is_set()

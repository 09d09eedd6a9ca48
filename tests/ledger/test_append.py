"""Appending: atomic batches, idempotent on the event id, optimistic concurrency, the chain."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from ledger import EventIdConflict, Ledger, WrongExpectedVersion, create_ledger_engine, upgrade
from ledger.encoding import GENESIS
from ledger.engine import sqlite_writer
from ledger.errors import AttestationReused
from tests.ledger.conftest import new_event


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM events")).scalar_one())


def test_a_batch_gets_consecutive_versions_positions_and_a_chain(ledger: Ledger) -> None:
    """A batch is recorded at versions 1..n and positions 1..n, each linked to the one before."""
    receipts = ledger.append("cycle-2025", [new_event(i) for i in range(3)], expected_version=0)
    assert [r.version for r in receipts] == [1, 2, 3]
    assert [r.position for r in receipts] == [1, 2, 3]
    stored = ledger.read_stream("cycle-2025")
    assert stored[0].prev_hash == GENESIS
    assert [s.prev_hash for s in stored[1:]] == [s.hash for s in stored[:-1]]
    assert [s.receipt for s in stored] == receipts


def test_the_same_batch_twice_is_recorded_once(ledger: Ledger, engine: Engine) -> None:
    """A retried activity offers the same batch again: one copy, the original receipts."""
    batch = [new_event(i) for i in range(3)]
    first = ledger.append("cycle-2025", batch, expected_version=0)
    again = ledger.append("cycle-2025", batch, expected_version=0)
    assert again == first
    assert _count(engine) == 3
    assert ledger.head() == 3


def test_a_different_event_under_a_recorded_id_is_refused(ledger: Ledger, engine: Engine
                                                           ) -> None:
    """An event id names one event forever: other content under it is an error, nothing written."""
    original = new_event(1)
    ledger.append("cycle-2025", [original], expected_version=0)
    impostor = original.model_copy(update={"payload": {"year": 2025, "n": 999}})
    with pytest.raises(EventIdConflict) as excinfo:
        ledger.append("cycle-2025", [impostor], expected_version=1)
    assert str(original.event_id) in str(excinfo.value)
    assert excinfo.value.position == 1
    with pytest.raises(EventIdConflict):  # the same id in another stream is no retry either
        ledger.append("cycle-2026", [original], expected_version=0)
    assert _count(engine) == 1


def test_a_writer_at_the_wrong_version_is_refused(ledger: Ledger, engine: Engine) -> None:
    """Optimistic concurrency on (stream, version): a stale writer changes nothing."""
    ledger.append("cycle-2025", [new_event(1)], expected_version=0)
    with pytest.raises(WrongExpectedVersion) as excinfo:
        ledger.append("cycle-2025", [new_event(2), new_event(3)], expected_version=0)
    assert (excinfo.value.expected, excinfo.value.actual) == (0, 1)
    assert "re-read" in str(excinfo.value)
    assert _count(engine) == 1
    assert ledger.head() == 1


def test_a_batch_is_all_or_nothing(ledger: Ledger, engine: Engine) -> None:
    """A batch that fails at its third row leaves no trace of its first two."""
    ledger.append("cycle-2025", [new_event(0)], expected_version=0)
    with engine.begin() as conn:  # a stray row where the batch's third event would go
        conn.execute(text(
            "INSERT INTO events (position, event_id, stream, version, type, schema_version, "
            "payload, actor, role, occurred_at, recorded_at, prev_hash, hash) VALUES (4, :id, "
            "'stray', 1, 'X', 1, '{}', 'x', 'x', 'x', 'x', :h, :h)"),
            {"id": str(uuid.uuid4()), "h": GENESIS})
    with pytest.raises(IntegrityError):
        ledger.append("cycle-2025", [new_event(i) for i in (1, 2, 3)], expected_version=1)
    assert [e.version for e in ledger.read_stream("cycle-2025")] == [1]
    assert ledger.head() == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(text("events"))).scalar_one() == 2


def test_bad_input_is_refused_before_anything_is_written(ledger: Ledger, engine: Engine) -> None:
    """A malformed stream name or a control character in a field is refused, nothing written."""
    with pytest.raises(ValueError, match="not a stream name"):
        ledger.append("Cycle 2025", [new_event(0)], expected_version=0)
    with pytest.raises(ValueError, match="control character"):
        new_event(0, actor="ISU\x1fDirector")
    with pytest.raises(ValueError, match="Out of range float"):
        ledger.append("cycle-2025", [new_event(0, payload={"x": float("nan")})], 0)
    assert _count(engine) == 0
    assert ledger.append("cycle-2025", [], expected_version=0) == []


def _attestation(nonce: str) -> dict[str, str]:
    return {"nonce": nonce, "key_id": "key-1", "statement": '{"step":"approve"}',
            "signature": "c2lnbmF0dXJl", "input": '{"decision":"approve"}'}


def test_an_attestation_is_kept_with_its_event_and_its_nonce_used_once(
        ledger: Ledger, engine: Engine) -> None:
    """An event and its attestation are recorded together; an attestation offered again with
    another event is refused (AttestationReused) and neither that event nor it is recorded."""
    nonce = str(uuid.uuid4())
    [receipt] = ledger.append("cycle-2025", [new_event(0, attestation=_attestation(nonce))], 0)
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT event_id, nonce FROM attestations")).all()
    assert [tuple(row) for row in kept] == [(str(receipt.event_id), nonce)]
    with pytest.raises(AttestationReused):
        ledger.append("cycle-2025", [new_event(1), new_event(2, attestation=_attestation(nonce))],
                      1)
    assert _count(engine) == 1
    assert ledger.head() == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attestations")).scalar_one() == 1


def test_an_unreachable_database_is_sqlalchemys_operational_error() -> None:
    """The append path talks to the driver directly, yet its errors are SQLAlchemy's, as they
    were through a Connection: what the CLI says in one sentence (cli.app._unreached)."""
    engine = create_ledger_engine("postgresql://postgres@127.0.0.1:1/ledger",
                                  connect_args={"connect_timeout": 3})
    with pytest.raises(OperationalError):
        Ledger(engine).append("cycle-2025", [new_event(0)], expected_version=0)
    engine.dispose()


def test_the_sqlite_writer_holds_one_connection_until_the_engine_is_disposed(tmp_path: Path
                                                                            ) -> None:
    """SQLite appends go through one connection held out of the pool (ledger.engine's
    SQLiteWriter); disposing of the engine closes it, and the next append takes another."""
    engine = create_ledger_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    upgrade(engine)
    ledger = Ledger(engine)
    writer = sqlite_writer(engine)
    assert writer is not None
    ledger.append("cycle-2025", [new_event(0)], expected_version=0)
    held = writer.held
    assert held is not None
    ledger.append("cycle-2025", [new_event(1)], expected_version=1)
    assert writer.held is held
    engine.dispose()
    assert writer.held is None
    assert not held.is_valid
    assert ledger.append("cycle-2025", [new_event(2)], expected_version=2)[0].position == 3
    engine.dispose()

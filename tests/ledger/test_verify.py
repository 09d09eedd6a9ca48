"""verify() names the first problem exactly, whichever way the database was tampered with."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

import ledger.verify as ledger_verify
from ledger import Ledger
from ledger.encoding import canonical_json, event_hash
from ledger.problems import ProblemKind
from ledger.records import COLUMNS, header
from ledger.verify import verify
from tests.ledger.conftest import execute, new_event, populate

# populate() interleaves three streams: position p is stream (p-1) % 3, version (p-1) // 3 + 1


def _row(engine: Engine, position: int) -> tuple[object, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(text(f"SELECT {', '.join(COLUMNS)} FROM events "
                                       "WHERE position = :p"), {"p": position}).one())


def _shift(engine: Engine, from_position: int, by: int) -> None:
    """Renumber positions >= from_position by ``by`` (in two steps, to keep keys unique)."""
    execute(engine, "UPDATE events SET position = position + 1000000 WHERE position >= :p",
            p=from_position)
    execute(engine, "UPDATE events SET position = position - 1000000 + :by "
            "WHERE position >= 1000000", by=by)


def _swap(engine: Engine, first: int, second: int) -> None:
    """Exchange the positions of two rows (through a free position, to keep keys unique)."""
    execute(engine, "UPDATE events SET position = 1000000 WHERE position = :p", p=first)
    execute(engine, "UPDATE events SET position = :p WHERE position = :q", p=first, q=second)
    execute(engine, "UPDATE events SET position = :q WHERE position = 1000000", q=second)


def test_an_intact_ledger_verifies(ledger: Ledger, engine: Engine) -> None:
    """Nothing tampered: verify reports every event and stream, and no problem."""
    total = populate(ledger)
    report = verify(engine)
    assert report.intact
    assert (report.events, report.streams) == (total, 3)


def test_an_altered_payload_is_named(ledger: Ledger, engine: Engine) -> None:
    """A payload edited in place: altered, at its exact position, stream and version."""
    populate(ledger)
    execute(engine, "UPDATE events SET payload = :p WHERE position = 14",
            p=canonical_json({"year": 2025, "n": 13, "title": "forged"}))
    problem = verify(engine).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.ALTERED, 14)
    assert (problem.stream, problem.version) == ("cycle-2026", 5)


def test_an_altered_event_with_its_own_hash_recomputed_is_named(ledger: Ledger, engine: Engine
                                                                  ) -> None:
    """The tamperer also recomputed that event's hash: the next event of its stream still links
    to the original, so verify names the altered event, not the one after it."""
    populate(ledger)
    row = list(_row(engine, 14))
    row[15] = canonical_json({"year": 2025, "n": 13, "title": "forged"})
    execute(engine, "UPDATE events SET payload = :p, hash = :h WHERE position = 14",
            p=row[15], h=event_hash(header(tuple(row)), str(row[15])))
    problem = verify(engine).problem
    assert problem is not None
    assert (problem.kind, problem.position, problem.version) == (ProblemKind.ALTERED, 14, 5)
    assert "recomputed" in problem.detail


def test_a_deleted_event_is_named(ledger: Ledger, engine: Engine) -> None:
    """A row deleted: the gap's position, and the stream and version that went missing."""
    populate(ledger)
    execute(engine, "DELETE FROM events WHERE position = 8")
    problem = verify(engine).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.DELETED, 8)
    assert (problem.stream, problem.version) == ("cycle-2026", 3)


def test_a_deleted_event_with_the_log_renumbered_is_named(ledger: Ledger, engine: Engine) -> None:
    """A row deleted and the later rows renumbered to close the gap: still deleted at 8."""
    populate(ledger)
    execute(engine, "DELETE FROM events WHERE position = 8")
    _shift(engine, 9, -1)
    problem = verify(engine).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.DELETED, 8)


def test_an_inserted_event_is_named(ledger: Ledger, engine: Engine) -> None:
    """A forged event inserted at 11, correctly hashed, the rest renumbered: inserted at 11."""
    populate(ledger)
    _shift(engine, 11, 1)
    forged = (11, str(uuid.uuid4()), "forged", 1, "WorkplanAdoptedByMSP", 1, "someone", "isu",
              "2025-01-01T00:00:11.000000Z", "2025-01-01T00:00:11.000000Z", None, None, None,
              "0" * 64)
    payload = canonical_json({"year": 2025})
    values = dict(zip(COLUMNS, (*forged, event_hash(header(forged), payload), payload),
                      strict=True))
    execute(engine, f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES "
            f"({', '.join(':' + c for c in COLUMNS)})", **values)
    problem = verify(engine).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.INSERTED, 11)


def test_reordered_events_are_named(ledger: Ledger, engine: Engine) -> None:
    """Two events of different streams swapped: reordered, at the first of the two positions."""
    populate(ledger)
    _swap(engine, 20, 25)
    problem = verify(engine).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.REORDERED, 20)
    assert "25" in problem.detail


def test_reordered_events_of_one_stream_are_named(ledger: Ledger, engine: Engine) -> None:
    """Two events of one stream swapped: the later version stands first, reordered at 4."""
    populate(ledger)
    _swap(engine, 4, 7)
    problem = verify(engine).problem
    assert problem is not None
    assert (problem.kind, problem.position, problem.stream) == (ProblemKind.REORDERED, 4,
                                                                "cycle-2025")


def test_a_truncated_log_is_named(ledger: Ledger, engine: Engine) -> None:
    """The last events removed: truncated, at the first position that is gone."""
    total = populate(ledger)
    execute(engine, "DELETE FROM events WHERE position > 21")
    problem = verify(engine).problem
    assert problem is not None
    assert (problem.kind, problem.position) == (ProblemKind.TRUNCATED, 22)
    assert str(total) in problem.detail


def test_an_event_appended_while_verifying_is_no_truncation(
        ledger: Ledger, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine runs on while an auditor verifies: an event appended after the log was read
    (the next year's opening, say) is not a head the log fails to reach."""
    total = populate(ledger)
    real = ledger_verify._records

    def records_then_an_append(engine: Engine) -> Iterator[list[tuple[Any, ...]]]:
        yield from real(engine)  # the whole log as it stood
        ledger.append("cycle-2027", [new_event(total)], expected_version=0)

    monkeypatch.setattr(ledger_verify, "_records", records_then_an_append)
    report = verify(engine)
    assert report.intact, report.problem
    assert report.events == total
    monkeypatch.undo()
    assert verify(engine).events == total + 1  # and the next reading checks it too

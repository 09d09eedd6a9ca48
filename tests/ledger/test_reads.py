"""Reading: a stream from a version, everything after a position, everything as of a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ledger import Ledger
from tests.ledger.conftest import Clock, new_event, populate


def test_a_stream_reads_from_a_version(ledger: Ledger) -> None:
    """read_stream returns one stream's events from the given version, in version order."""
    populate(ledger, rounds=4)
    events = ledger.read_stream("cycle-2026", from_version=3)
    assert [(e.stream, e.version) for e in events] == [("cycle-2026", 3), ("cycle-2026", 4)]
    assert ledger.read_stream("no-such-stream") == []


def test_a_reader_catches_up_by_position(ledger: Ledger) -> None:
    """read_after pages through the global log in order, with no gap and no repeat."""
    total = populate(ledger, rounds=5)
    seen, position = [], 0
    while page := ledger.read_after(position, limit=4):
        seen += [e.position for e in page]
        position = page[-1].position
    assert seen == list(range(1, total + 1))
    assert ledger.head() == total


def test_as_of_a_moment_reads_what_was_recorded_by_then(ledger: Ledger, clock: Clock) -> None:
    """read_as_of returns exactly the events recorded at or before the moment."""
    populate(ledger, rounds=3)  # nine appends, recorded 1 s apart from 2025-01-01T00:00:01
    moment = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=4, milliseconds=500)
    assert [e.position for e in ledger.read_as_of(moment)] == [1, 2, 3, 4]
    assert list(ledger.read_as_of(datetime(2024, 12, 31, tzinfo=UTC))) == []
    assert len(list(ledger.read_as_of(clock.now))) == 9


def test_recorded_time_never_goes_backwards(ledger: Ledger, clock: Clock) -> None:
    """A clock set back still records the later event no earlier than the one before it."""
    first = ledger.append("cycle-2025", [new_event(0)], 0)[0]
    clock.now -= timedelta(days=1)
    second = ledger.append("cycle-2025", [new_event(1)], 1)[0]
    assert second.recorded_at == first.recorded_at
    assert [e.position for e in ledger.read_as_of(clock.now)] == []
    assert len(list(ledger.read_as_of(datetime(2025, 1, 2, tzinfo=UTC)))) == 2

"""Concurrent writers: a reader catching up by position never skips an event committed late,
and two writers racing for the same version of a stream cannot both win."""

from __future__ import annotations

import threading
import time

from ledger import Ledger, StoredEvent, WrongExpectedVersion
from tests.ledger.conftest import new_event

WRITERS, EACH = 4, 25


def test_a_catching_up_reader_sees_every_event_once_in_order(ledger: Ledger) -> None:
    """Four writers append at once while a reader polls read_after(position): the reader sees
    positions 1..100 exactly once, in order, and every stream's versions 1..25."""
    seen: list[StoredEvent] = []
    done = threading.Event()
    errors: list[BaseException] = []

    def write(stream: str) -> None:
        try:
            for version in range(EACH):
                ledger.append(stream, [new_event(version)], expected_version=version)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    def read() -> None:
        position, deadline = 0, time.monotonic() + 60
        while len(seen) < WRITERS * EACH and time.monotonic() < deadline:
            page = ledger.read_after(position, limit=7)
            seen.extend(page)
            position = page[-1].position if page else position
        done.set()

    threads = [threading.Thread(target=write, args=(f"cycle-{2025 + i}",))
               for i in range(WRITERS)]
    reader = threading.Thread(target=read)
    for thread in [reader, *threads]:
        thread.start()
    for thread in [*threads, reader]:
        thread.join(timeout=90)
    assert not errors
    assert done.is_set()
    assert [e.position for e in seen] == list(range(1, WRITERS * EACH + 1))
    for i in range(WRITERS):
        versions = [e.version for e in seen if e.stream == f"cycle-{2025 + i}"]
        assert versions == list(range(1, EACH + 1))


def test_two_writers_racing_for_one_version_cannot_both_win(ledger: Ledger) -> None:
    """Two writers append to a new stream at version 0 at the same moment: one is recorded, the
    other is refused with WrongExpectedVersion, and the stream holds one event."""
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def write(n: int) -> None:
        start.wait()
        try:
            ledger.append("cycle-2030", [new_event(n)], expected_version=0)
            outcomes.append("recorded")
        except WrongExpectedVersion:
            outcomes.append("refused")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["recorded", "refused"]
    assert [e.version for e in ledger.read_stream("cycle-2030")] == [1]

"""Group commit (ledger.group) on both backends: the plain ledger's append tests hold for it as
they are (imported below, run with a GroupCommitLedger), and a group of requests that share one
transaction answers each with its own outcome, a refusal rolled back alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from ledger import EventIdConflict, NewEvent, Receipt, WrongExpectedVersion
from ledger.group import GroupCommitLedger, _Answer, _Request
from ledger.verify import verify
from tests.ledger.conftest import Clock, new_event
from tests.ledger.test_append import (  # noqa: F401 - collected again, with the ledger below
    test_a_batch_gets_consecutive_versions_positions_and_a_chain,
    test_a_batch_is_all_or_nothing,
    test_a_different_event_under_a_recorded_id_is_refused,
    test_a_writer_at_the_wrong_version_is_refused,
    test_an_attestation_is_kept_with_its_event_and_its_nonce_used_once,
    test_bad_input_is_refused_before_anything_is_written,
    test_the_same_batch_twice_is_recorded_once,
)
from tests.ledger.test_concurrency import (  # noqa: F401 - collected again, as above
    test_a_catching_up_reader_sees_every_event_once_in_order,
    test_two_writers_racing_for_one_version_cannot_both_win,
)
from tests.ledger.test_reads import (  # noqa: F401 - collected again, as above
    test_recorded_time_never_goes_backwards,
)


@pytest.fixture
def ledger(engine: Engine, clock: Clock) -> GroupCommitLedger:
    """Overrides conftest's: the imported tests run against group commit."""
    return GroupCommitLedger(engine, clock=clock)


Outcome = list[Receipt] | Exception


def one_group(ledger: GroupCommitLedger, calls: list[Callable[[], list[Receipt]]],
              commits: int = 1) -> list[Outcome]:
    """Run ``calls`` (appends) on threads of their own while the commit lock is held, so that
    all of them are queued, in the order of ``calls`` (each thread started once the one before
    has queued); then let go: they are committed as one group (``commits`` counts it: 0 when it
    is to fail). Their outcomes, in the order of ``calls``."""
    outcomes: list[Outcome | None] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            outcomes[i] = calls[i]()
        except Exception as error:  # the outcome under test
            outcomes[i] = error

    before = ledger._committed_groups
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    with ledger._commit_lock:
        for queued, thread in enumerate(threads, start=1):
            thread.start()
            deadline = time.monotonic() + 30
            while len(ledger._queued) < queued and time.monotonic() < deadline:
                time.sleep(0.001)
            assert len(ledger._queued) == queued
    for thread in threads:
        thread.join(timeout=60)
    assert ledger._committed_groups == before + commits  # one transaction for all of them
    assert all(o is not None for o in outcomes)
    return [o for o in outcomes if o is not None]


def test_a_group_answers_each_request_and_rolls_back_a_refusal_alone(
        ledger: GroupCommitLedger, engine: Engine) -> None:
    """One group: two new batches, a writer at the wrong version, a retry of a recorded batch,
    a different event under a recorded id, and the same new batch offered twice. The refused
    are answered with their errors and leave nothing; the rest are recorded, gapless, once."""
    recorded = ledger.append("cycle-2024", [new_event(0)], expected_version=0)
    first_batch = [new_event(1), new_event(2)]
    twice = [new_event(3)]
    clash = new_event(9, event_id=recorded[0].event_id)
    outcomes = one_group(ledger, [
        lambda: ledger.append("cycle-2025", first_batch, expected_version=0),
        lambda: ledger.append("cycle-2026", [new_event(4)], expected_version=5),
        lambda: ledger.append("cycle-2024", [new_event(0, event_id=recorded[0].event_id)],
                              expected_version=0),
        lambda: ledger.append("cycle-2027", [clash], expected_version=0),
        lambda: ledger.append("cycle-2028", twice, expected_version=0),
        lambda: ledger.append("cycle-2028", twice, expected_version=0),
    ])
    assert isinstance(outcomes[1], WrongExpectedVersion)
    assert isinstance(outcomes[3], EventIdConflict)
    assert outcomes[2] == recorded  # the retry: the original receipts
    assert isinstance(outcomes[4], list)
    assert outcomes[4] == outcomes[5]
    assert outcomes[4][0].version == 1
    assert isinstance(outcomes[0], list)
    assert [r.version for r in outcomes[0]] == [1, 2]
    assert ledger.version("cycle-2026") == 0
    assert ledger.version("cycle-2027") == 0
    assert [e.version for e in ledger.read_stream("cycle-2025")] == [1, 2]
    assert ledger.head() == 4  # 1 + the batch of two + the batch offered twice, once
    stored = ledger.read_after(0)
    assert [e.position for e in stored] == [1, 2, 3, 4]
    assert verify(engine).intact
    # the next valid step still works
    assert ledger.append("cycle-2026", [new_event(5)], expected_version=0)[0].position == 5


def test_a_group_that_meets_no_unique_index_takes_no_savepoint(
        ledger: GroupCommitLedger, engine: Engine, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One group, written without savepoints (its rows inserted together): a batch, the same
    batch offered again while queued (its receipts), the stream's next batch (it follows the
    first, in the same transaction), another stream; the clock set back between them."""
    careful: list[int] = []
    real = ledger._carefully

    def carefully(group: list[_Request]) -> list[_Answer]:
        careful.append(len(group))
        return real(group)

    monkeypatch.setattr(ledger, "_carefully", carefully)
    first = [new_event(0), new_event(1)]
    readings = iter([clock.now + timedelta(hours=5 - i) for i in range(4)])
    ledger._clock = lambda: next(readings)  # each reading earlier than the one before
    outcomes = one_group(ledger, [
        lambda: ledger.append("cycle-2025", first, expected_version=0),
        lambda: ledger.append("cycle-2025", first, expected_version=0),
        lambda: ledger.append("cycle-2025", [new_event(2)], expected_version=2),
        lambda: ledger.append("cycle-2026", [new_event(3)], expected_version=0),
    ])
    assert not careful
    lists = [o for o in outcomes if isinstance(o, list)]
    assert len(lists) == len(outcomes)
    receipts = [r for o in lists for r in o]
    assert lists[1] == lists[0]
    assert [(r.stream, r.version, r.position) for r in receipts] == [
        ("cycle-2025", 1, 1), ("cycle-2025", 2, 2), ("cycle-2025", 1, 1), ("cycle-2025", 2, 2),
        ("cycle-2025", 3, 3), ("cycle-2026", 1, 4)]
    assert len({r.recorded_at for r in receipts}) == 1  # the first reading; never earlier
    assert [e.receipt for e in ledger.read_after(0)] == [*lists[0], *lists[2], *lists[3]]
    assert ledger.head() == 4
    assert verify(engine).intact


def test_concurrent_appenders_share_commits(ledger: GroupCommitLedger, engine: Engine) -> None:
    """16 threads appending 10 events each to streams of their own: each gets its receipts,
    positions 1..160 gapless, every stream 1..10, the chain intact; fewer commits than appends."""
    threads, each = 16, 10
    receipts: dict[int, list[Receipt]] = {i: [] for i in range(threads)}
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def write(i: int) -> None:
        try:
            start.wait()
            for version in range(each):
                batch: list[NewEvent] = [new_event(version)]
                receipts[i] += ledger.append(f"coalition-{i}", batch, expected_version=version)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    workers = [threading.Thread(target=write, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors
    positions = sorted(r.position for rs in receipts.values() for r in rs)
    assert positions == list(range(1, threads * each + 1))
    for i in range(threads):
        assert [r.version for r in receipts[i]] == list(range(1, each + 1))
        assert [e.receipt for e in ledger.read_stream(f"coalition-{i}")] == receipts[i]
    assert ledger._committed_groups < threads * each
    report = verify(engine)
    assert report.intact
    assert report.events == threads * each


def test_a_failed_commit_acknowledges_nobody(ledger: GroupCommitLedger) -> None:
    """A group whose transaction fails answers every caller with the failure, records none of
    its events, and the next append still works."""
    real = ledger._write
    calls = [0]

    def failing(*args: object, **kwargs: object) -> list[Receipt]:
        calls[0] += 1
        if calls[0] == 2:  # the second request of the group: the transaction breaks
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    ledger._write = failing  # type: ignore[method-assign]
    outcomes = one_group(ledger, [
        lambda: ledger.append("cycle-2025", [new_event(0)], expected_version=0),
        lambda: ledger.append("cycle-2026", [new_event(1)], expected_version=0),
    ], commits=0)
    assert [str(o) for o in outcomes] == ["the disk is full"] * 2
    assert ledger.head() == 0
    ledger._write = real  # type: ignore[method-assign]
    assert ledger.append("cycle-2025", [new_event(0)], expected_version=0)[0].position == 1


def test_the_committer_lingers_only_while_appends_come_concurrently(
        ledger: GroupCommitLedger) -> None:
    """After a group of one, the committer takes what is queued at once, however long it may
    linger; after a group of three, it waits for three to queue (here they do), no longer."""
    def linger() -> None:
        with ledger._ready:
            ledger._linger()

    ledger.linger = 60.0
    ledger._last = (1, 60.0)
    lingering = threading.Thread(target=linger)
    lingering.start()
    lingering.join(timeout=30)
    assert not lingering.is_alive()  # a caller alone never waits
    ledger._last = (3, 60.0)
    lingering = threading.Thread(target=linger)
    lingering.start()
    for n in range(3):
        assert lingering.is_alive()  # still waiting for the third
        with ledger._ready:
            ledger._queued.append(_Request(f"cycle-{n}", [new_event(n)], 0, ["id"]))
            ledger._ready.notify()
        time.sleep(0.05)
    lingering.join(timeout=30)
    assert not lingering.is_alive()
    ledger._queued.clear()


def test_refused_input_is_checked_before_queueing(ledger: GroupCommitLedger) -> None:
    """A bad stream name is refused at once with the rule, and an empty batch records nothing."""
    with pytest.raises(ValueError, match="is not a stream name"):
        ledger.append("Cycle 2025", [new_event(0)], expected_version=0)
    assert ledger.append("cycle-2025", [], expected_version=0) == []
    assert ledger.head() == 0
    assert not ledger._queued
    with pytest.raises(WrongExpectedVersion):
        ledger.append("cycle-2025", [new_event(0)], expected_version=3)

"""Group commit: the appends of many threads of one process share one transaction and one fsync.

:class:`GroupCommitLedger` is a :class:`~ledger.store.Ledger` whose ``append`` queues the request
and waits for its answer. One committer thread (started by the first append, a daemon: a process
that exits leaves nothing acknowledged behind) takes every request queued at that moment (up to
``cap``; it waits a moment for more only while appends come concurrently, ``_linger``, so a caller
alone pays only a thread's wake-up), opens one transaction, takes the head lock once, and runs each
request with the plain ledger's own ``_write`` and ``_already_recorded``: the chain, the
expected-version check and idempotency are exactly the plain ledger's. A request refused before it
writes (``WrongExpectedVersion``, ``EventIdConflict``) is answered with its error; the others go
on. Only an insert can fail after a request has written (a unique index: an id or a nonce already
recorded, as a retry or a conflict meets it), so the group runs without savepoints first; if an
insert fails, the whole transaction is rolled back and the group runs again with each request
inside a SAVEPOINT, retried as ``Ledger.append`` retries it, and a refusal is rolled back to its
savepoint alone. One COMMIT; only then is any caller answered (by a second thread, the waker), so
no receipt is handed out for an event a crash could still lose. If the transaction or its COMMIT
fails, every caller in the group gets that error, and none of its events is recorded.

Positions stay gapless and in commit order: the group's rows are numbered from the head it
locked, and a group is one commit. Opt-in by construction: the worker uses it (its activities
append from ``INTERSESSIONAL_ACTIVITY_THREADS`` threads); everything else keeps the plain ledger.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from ledger.errors import AttestationReused, EventIdConflict, WrongExpectedVersion
from ledger.records import NewEvent, Receipt
from ledger.store import Ledger, _now, offered_ids, retried
from ledger.writer import Transaction, transaction

#: TEST HOOK ONLY, read by :func:`_fault_point` and nothing else: with ``N`` set, the process
#: SIGKILLs itself after ``N`` groups have committed, at the first group of two or more requests
#: whose rows are written but not yet committed, having printed ``doomed <head> <event ids>`` on
#: stderr (tests/ledger/test_group_crash.py). Never set it anywhere else.
FAULT_VARIABLE = "INTERSESSIONAL_TEST_GROUP_COMMIT_KILL"


#: a request's answer: its receipts, or the refusal it is answered with
_Answer = tuple[list[Receipt] | None, BaseException | None]


class _Request:
    """An append queued for the committer. ``answered`` is a lock held until its answer is set:
    the caller waits by acquiring it (a bare lock: a ``threading.Event``, a Condition in
    Python, cost ~10 µs a request under the GIL that every thread shares)."""

    __slots__ = ("answered", "batch", "error", "expected_version", "ids", "receipts", "stream")

    def __init__(self, stream: str, batch: Sequence[NewEvent], expected_version: int,
                 ids: list[str]) -> None:
        self.stream, self.batch, self.expected_version, self.ids = (stream, batch,
                                                                    expected_version, ids)
        self.receipts: list[Receipt] | None = None
        self.error: BaseException | None = None
        self.answered = threading.Lock()
        self.answered.acquire()


class GroupCommitLedger(Ledger):
    """A :class:`Ledger` whose concurrent appends are committed in groups (module docstring).
    ``cap`` bounds the requests of one group, and so one transaction's length; ``linger`` (in
    seconds) the committer's wait for a group to fill (:meth:`_linger`)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now, *,
                 cap: int = 256, linger: float = 0.0005) -> None:
        super().__init__(engine, clock)
        self.cap, self.linger = cap, linger
        self._queued: list[_Request] = []
        self._ready = threading.Condition()  # guards _queued, _committer and _waker
        self._commit_lock = threading.Lock()  # held by the committer over a group
        self._committer: threading.Thread | None = None
        self._answered: queue.SimpleQueue[list[_Request]] = queue.SimpleQueue()
        self._waker: threading.Thread | None = None
        self._last = (0, 0.0)  # the last group: its requests, and the seconds it took
        self._committed_groups = 0
        self._fault = int(os.environ.get(FAULT_VARIABLE, "-1"))

    def append(self, stream: str, batch: Sequence[NewEvent], expected_version: int
               ) -> list[Receipt]:
        """As :meth:`Ledger.append`; returns once the commit that holds the batch is done."""
        if not (ids := offered_ids(stream, batch)):
            return []
        request = _Request(stream, batch, expected_version, ids)
        with self._ready:
            self._queued.append(request)
            if self._committer is None:
                self._committer = _started(self._run, "ledger-group-commit")
            if self._waker is None:
                self._waker = _started(self._wake, "ledger-group-wake")
            self._ready.notify()
        request.answered.acquire()  # released by the waker, once the answer is set
        if request.error is not None:
            raise request.error
        assert request.receipts is not None
        return request.receipts

    def _run(self) -> None:
        """The committer: takes what is queued (having lingered), commits it."""
        try:
            while True:
                with self._ready:
                    while not self._queued:
                        self._ready.wait()
                    self._linger()
                with self._commit_lock:
                    with self._ready:
                        group = self._queued[:self.cap]
                        self._queued = self._queued[self.cap:]
                    started = time.monotonic()
                    self._commit(group)
                    self._last = (len(group), time.monotonic() - started)
        finally:  # only a BaseException ends it: the next append starts another
            with self._ready:
                self._committer = None

    def _linger(self) -> None:
        """As PostgreSQL's ``commit_delay``: while appends come concurrently (the last group
        held several), wait for as many as it held to queue again — the callers it answered
        come back with their next appends — so that one fsync serves them all: on 2 cores, 16
        appenders formed groups of 8 without it, half the fsyncs shared. Never longer than
        ``linger``, nor than the last commit took; a caller alone (a last group of one) never
        waits. Called with ``_ready`` held, which waiting releases."""
        size, took = self._last
        wanted = min(size, self.cap)
        if wanted < 2:
            return
        deadline = time.monotonic() + min(self.linger, took)
        while len(self._queued) < wanted and (left := deadline - time.monotonic()) > 0:
            self._ready.wait(left)

    def _wake(self) -> None:
        """The waker: tells each caller of a group its answer, once the group is done (after
        its COMMIT, or its failure). Apart from the committer, which would otherwise pay the
        group's thread wake-ups (~60 µs each on 2 busy cores) before taking the next group."""
        try:
            while True:
                for request in self._answered.get():
                    request.answered.release()
        finally:  # only a BaseException ends it: the next append starts another
            with self._ready:
                self._waker = None

    def _commit(self, group: list[_Request]) -> None:
        """One transaction for ``group``; every request answered whatever happens."""
        try:
            answers = self._plainly(group)
            if answers is None:
                answers = self._carefully(group)
            self._committed_groups += 1
        except BaseException as failure:  # the group is not recorded: nobody is acknowledged
            for request in group:
                request.error = failure
            self._answered.put(group)
            if not isinstance(failure, Exception):
                raise
            return
        for request, (receipts, error) in zip(group, answers, strict=True):
            request.receipts, request.error = receipts, error
        self._answered.put(group)

    def _plainly(self, group: list[_Request]) -> list[_Answer] | None:
        """The group with no savepoints, as :meth:`Ledger.append`'s first, optimistic attempt
        makes each request; ``None``, all of it rolled back, if an insert met a unique index (an
        id or a nonce already recorded): the one failure that comes after a request has
        written. A wrong version is refused, and a retry found, before anything is written."""
        answers: list[_Answer] = []
        try:
            with transaction(self.engine, [r.stream for r in group], deferred=True) as tx:
                for request in group:
                    try:
                        answers.append((self._at_head(
                            tx, request.stream, request.batch,
                            expected_version=request.expected_version, ids=request.ids,
                            look_first=False), None))
                    except (WrongExpectedVersion, EventIdConflict) as refused:
                        answers.append((None, refused))
                tx.flush()
                self._fault_point(group, tx.head)
        except IntegrityError:
            return None
        return answers

    def _carefully(self, group: list[_Request]) -> list[_Answer]:
        """The group again, each request as :meth:`Ledger.append` runs it
        (:func:`~ledger.store.retried`), each attempt inside a savepoint of its own, so that a
        refusal is rolled back alone."""
        with transaction(self.engine, [r.stream for r in group]) as tx:
            answers = [self._one(tx, request) for request in group]
            self._fault_point(group, tx.head)
        return answers

    def _one(self, tx: Transaction, request: _Request) -> _Answer:
        try:
            return retried(lambda look_first: self._attempt(tx, request, look_first),
                           request.stream, request.batch), None
        except (WrongExpectedVersion, EventIdConflict, AttestationReused, IntegrityError
                ) as refused:
            return None, refused

    def _attempt(self, tx: Transaction, request: _Request, look_first: bool) -> list[Receipt]:
        with tx.savepoint():
            return self._at_head(tx, request.stream, request.batch,
                                 expected_version=request.expected_version, ids=request.ids,
                                 look_first=look_first)

    def _fault_point(self, group: list[_Request], head: int) -> None:
        """TEST HOOK (:data:`FAULT_VARIABLE`): the group's rows are written, not committed."""
        if self._fault < 0 or self._committed_groups < self._fault or len(group) < 2:
            return
        ids = " ".join(i for request in group for i in request.ids)
        sys.stderr.write(f"doomed {head} {ids}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def _started(target: Callable[[], None], name: str) -> threading.Thread:
    """A daemon thread running ``target``: a process that exits leaves nothing acknowledged."""
    thread = threading.Thread(target=target, daemon=True, name=name)
    thread.start()
    return thread

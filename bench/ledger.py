"""The ledger's benchmark, with its references measured in the same run (``make bench-ledger``).

A benchmark, not a test: ``make test`` never runs it and it asserts nothing about speed; it prints
each figure beside its reference and its target, and whether the target is met. The machine is
shared and noisy, so compare the ratios of one run rather than absolute rates across runs.

On SQLite (a temporary file, WAL, ``synchronous=FULL`` as ``create_ledger_engine`` sets it) and
on PostgreSQL (a fresh schema of its own, dropped at the end; skipped, with the reason, if the
server is unreachable):

1. single-event appends/s: each ``Ledger.append(stream, [event], expected_version)`` is one
   durable transaction; against ``eventsourcing``'s SQLite recorder doing the same (one stored
   event of the same payload per transaction, same disk), and the raw ceiling: plain
   ``sqlite3``, one INSERT and COMMIT of a finished row into a database of the ledger's schema
   with the engine's settings (the targets' reference), and, for scale, of a 200-byte row into
   a 2-column table. They run in alternating rounds, so that the machine's slow moments fall on
   all of them. Again, all at ``synchronous=NORMAL``, where Python's share shows.
2. batched appends/s: 1,000 events per append; against the raw floor of SQLite (plain
   ``sqlite3`` inserting the same rows, finished, into the same schema, batch by batch alongside).
3. verify events/s: ``ledger.verify.verify`` (no key) over the ledger; against a plain chained
   SHA-256 in Python over as many strings of the ledger's mean record length.
1b. 16 concurrent appenders (as the worker's 16 activity threads): each thread appends single
   events to a stream of its own; ``GroupCommitLedger`` (the worker's: appends queued at the
   same moment share one transaction and one fsync) against eventsourcing's recorder driven by
   the same 16 threads (on SQLite forced to ``synchronous=FULL``), and the plain ``Ledger``
   (one commit per append) for scale; in alternating rounds.
4. state as of a date over 1,000,000 events: ``Ledger.read_as_of(moment)`` folded into a count
   and last version per stream; the 1,000,000 events are loaded by batched appends, with an
   injected clock that spreads recorded_at over five years.

``--quick`` runs small sizes (a smoke run of under a minute); the default runs the full sizes
(about four minutes on two shared cores). ``--profile`` prints cProfile figures of verify and of
the as-of read instead. ``--no-postgres`` skips PostgreSQL.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import platform
import pstats
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

# `python bench/ledger.py` puts bench/ first on sys.path, where this file would shadow the
# ledger package; put the project root there instead.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent), *(p for p in sys.path if Path(p or ".").resolve() != _BENCH)]

from sqlalchemy import Engine, event, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from ledger import Ledger, NewEvent, create_ledger_engine, upgrade  # noqa: E402
from ledger.encoding import GENESIS, canonical_json, canonical_time, record_text  # noqa: E402
from ledger.engine import SQLITE_PRAGMAS, unreachable  # noqa: E402
from ledger.group import GroupCommitLedger  # noqa: E402
from ledger.records import COLUMNS, header  # noqa: E402
from ledger.schema import events  # noqa: E402
from ledger.verify import verify  # noqa: E402

POSTGRES_URL = os.environ.get("INTERSESSIONAL_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2021, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=5 * 365)  # recorded_at of the loaded events spreads over five years
STREAMS = 4


@dataclass(frozen=True)
class Sizes:
    single: int  # single-event appends (per side)
    rounds: int  # alternating rounds the concurrent appends are split into
    single_rounds: int  # alternating rounds the single appends are split into (short ones:
    # on a shared disk a slow spell of seconds otherwise falls on one side's whole round)
    batch: int  # events per batched append
    verify: int  # batched events loaded before verify (and measured as "batched appends")
    as_of: int  # events in the ledger read "as of"


FULL = Sizes(single=2_000, rounds=4, single_rounds=20, batch=1_000, verify=200_000,
             as_of=1_000_000)
QUICK = Sizes(single=200, rounds=2, single_rounds=4, batch=1_000, verify=20_000, as_of=50_000)

# ---------------------------------------------------------------------------------------------
# The workload


def payload(n: int) -> dict[str, Any]:
    """A plausible event payload: about 200 bytes of canonical JSON."""
    return {"cycle": 2026, "n": n, "title": "Plan de travail \u2014 2026 (projet r\u00e9vis\u00e9)",
            "summary": "Draft work plan for the intersessional period, circulated to the States "
                       "Parties for comment",
            "seats": [n % 7, n % 11, n % 13]}


def new_event(n: int) -> NewEvent:
    return NewEvent(event_id=uuid.uuid4(), type="WorkplanDrafted", schema_version=1,
                    payload=payload(n), actor="ISU Director", role="isu",
                    occurred_at=START + timedelta(seconds=n), workflow_id="cycle-2026",
                    run_id="run-1")


class Clock:
    """The ledger's injected clock: each reading (one per append) advances ``step``."""

    def __init__(self, step: timedelta) -> None:
        self.now, self.step = START, step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    reference: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def shown(self) -> str:
        return (f"{self.value:,.1f} {self.unit}" if self.unit == "s"
                else f"{self.value:,.0f} {self.unit}")


@dataclass
class Backend:
    name: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        verdict = "" if figure.met is None else ("  MET" if figure.met else "  MISSED")
        print(f"  {figure.name:<46} {figure.shown}")
        if figure.reference:
            print(f"  {'':<46} reference: {figure.reference}")
        if figure.target:
            print(f"  {'':<46} target: {figure.target}{verdict}")

    def note(self, line: str) -> None:
        self.notes.append(line)
        print(f"  - {line}")


# ---------------------------------------------------------------------------------------------
# References: eventsourcing's SQLite and PostgreSQL recorders, the raw SQLite ceiling


class Reference(Protocol):
    recorder: Any

    def prepare(self, n: int) -> list[Any]: ...
    def prepare_stream(self, thread: int, n: int) -> list[Any]: ...
    def run(self, batch: list[Any]) -> float: ...
    def close(self) -> None: ...


#: makes the reference, or says why there is none; and describes its settings
MakeReference = Callable[[], tuple[Reference | None, str]]


class EventsourcingSQLite:
    """``eventsourcing.sqlite``'s application recorder on a file database, as it comes (WAL;
    it sets no ``synchronous``, so SQLite's compiled default applies), or with
    ``synchronous`` forced for the supplementary comparison."""

    def __init__(self, path: Path, synchronous: str | None = None) -> None:
        from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore  # noqa: PLC0415

        self.datastore: Any = SQLiteDatastore(str(path))
        if synchronous is not None:  # no setting for it: wrap the pool's connection factory
            pool = self.datastore.pool
            create = pool._create_connection

            def _create() -> Any:
                connection = create()
                connection._sqlite_conn.execute(f"PRAGMA synchronous={synchronous}")
                return connection

            pool._create_connection = _create  # type: ignore[method-assign]
        self.recorder: Any = SQLiteApplicationRecorder(self.datastore)
        self.recorder.create_table()
        self.ids = [uuid.uuid4() for _ in range(STREAMS)]
        self.count = 0

    def settings(self) -> str:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
        return f"journal_mode={journal}, synchronous={sync}"

    def prepare(self, n: int) -> list[Any]:
        from eventsourcing.persistence import StoredEvent  # noqa: PLC0415

        batch = []
        for _ in range(n):
            i, self.count = self.count, self.count + 1
            batch.append(StoredEvent(originator_id=self.ids[i % STREAMS],
                                     originator_version=i // STREAMS + 1,
                                     topic="bench.ledger:WorkplanDrafted",
                                     state=canonical_json(payload(i)).encode()))
        return batch

    def prepare_stream(self, thread: int, n: int) -> list[Any]:
        """``n`` events of a new originator of ``thread``'s own (the concurrent workload)."""
        from eventsourcing.persistence import StoredEvent  # noqa: PLC0415

        originator = uuid.uuid4()
        return [StoredEvent(originator_id=originator, originator_version=v + 1,
                            topic="bench.ledger:WorkplanDrafted",
                            state=canonical_json(payload(thread * n + v)).encode())
                for v in range(n)]

    def run(self, batch: list[Any]) -> float:
        started = time.perf_counter()
        for stored in batch:
            self.recorder.insert_events([stored])  # one transaction each
        return time.perf_counter() - started

    def close(self) -> None:
        self.datastore.close()


class EventsourcingPostgres(EventsourcingSQLite):
    """``eventsourcing.postgres``'s application recorder in the benchmark's schema."""

    def __init__(self, url: str, schema: str) -> None:
        from eventsourcing.postgres import (  # noqa: PLC0415
            PostgresApplicationRecorder,
            PostgresDatastore,
        )

        parsed = make_url(url)
        self.datastore = PostgresDatastore(
            dbname=parsed.database or "postgres", host=parsed.host or "127.0.0.1",
            port=parsed.port or 5432, user=parsed.username or "postgres",
            password=parsed.password or "", schema=schema)
        self.recorder = PostgresApplicationRecorder(self.datastore)
        self.recorder.create_table()
        self.ids = [uuid.uuid4() for _ in range(STREAMS)]
        self.count = 0


class RawSQLite:
    """The ceiling of a single durable append: plain ``sqlite3``, ``BEGIN IMMEDIATE``, one
    INSERT and COMMIT per transaction, at ``synchronous``. ``ledger=True`` (the targets'
    reference): a finished row of the ledger's own (16 columns, built outside the timing) into
    a database of the ledger's schema with ``create_ledger_engine``'s PRAGMAs — what SQLite
    alone costs for one event; ``False``: a 200-byte row into a 2-column table at SQLite's
    defaults (WAL) — the disk's own ceiling, for scale."""

    def __init__(self, path: Path, synchronous: str = "FULL", *, ledger: bool = True) -> None:
        if ledger:
            engine = create_ledger_engine(f"sqlite:///{path}")
            upgrade(engine)
            engine.dispose()
        self.conn = sqlite3.connect(path, isolation_level=None)
        for pragma in SQLITE_PRAGMAS if ledger else ("PRAGMA journal_mode=WAL",):
            self.conn.execute(pragma)
        self.conn.execute(f"PRAGMA synchronous={synchronous}")
        if not ledger:
            self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        self.ledger, self.count = ledger, 0
        self.body = canonical_json(payload(0))

    def rows(self, n: int) -> list[tuple[Any, ...]]:
        if not self.ledger:
            return [(self.body,)] * n
        rows = []
        for i in range(self.count, self.count + n):
            e = new_event(i)
            rows.append((i + 1, str(e.event_id), f"bench-raw-{i % STREAMS}", i // STREAMS + 1,
                         e.type, e.schema_version, e.actor, e.role,
                         canonical_time(e.occurred_at), canonical_time(START + timedelta(i)),
                         e.workflow_id, e.run_id, None, GENESIS, uuid.uuid4().hex * 2,
                         canonical_json(e.payload)))
        self.count += n
        return rows

    def run(self, n: int) -> float:
        rows = self.rows(n)
        sql = (f"INSERT INTO events ({', '.join(COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(COLUMNS))})" if self.ledger
               else "INSERT INTO t (body) VALUES (?)")
        execute = self.conn.execute
        started = time.perf_counter()
        for row in rows:
            execute("BEGIN IMMEDIATE")
            execute(sql, row)
            execute("COMMIT")
        return time.perf_counter() - started

    def close(self) -> None:
        self.conn.close()


class RawBatches:
    """The floor of batched appends: plain ``sqlite3`` inserting finished rows of the same
    events (encoded outside the timing) into a database of the ledger's schema, a batch per
    transaction, with ``create_ledger_engine``'s PRAGMAs (WAL, ``synchronous=FULL``): what
    SQLite alone costs, with no Python work."""

    def __init__(self, path: Path) -> None:
        engine = create_ledger_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        self.conn = sqlite3.connect(path, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:  # the ledger's own settings: WAL, FULL, cache, checkpoints
            self.conn.execute(pragma)
        self.sql = (f"INSERT INTO events ({', '.join(COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(COLUMNS))})")
        self.position, self.loaded, self.seconds = 0, 0, 0.0

    def run(self, batch: list[NewEvent], stream: str, version: int) -> None:
        rows = []
        for offset, e in enumerate(batch, start=1):
            rows.append((self.position + offset, str(e.event_id), stream, version + offset,
                         e.type, e.schema_version, e.actor, e.role,
                         canonical_time(e.occurred_at), canonical_time(START), e.workflow_id,
                         e.run_id, None, GENESIS, uuid.uuid4().hex * 2,
                         canonical_json(e.payload)))
        self.position += len(rows)
        started = time.perf_counter()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(self.sql, rows)
        self.conn.execute("UPDATE ledger_head SET position = ?", (self.position,))
        self.conn.execute("COMMIT")
        self.seconds += time.perf_counter() - started
        self.loaded += len(rows)

    def close(self) -> None:
        self.conn.close()


class SingleAppends:
    """The ledger's side of workload 1: one event per append, round robin over the streams."""

    def __init__(self, ledger: Ledger, prefix: str) -> None:
        self.ledger, self.prefix, self.count = ledger, prefix, 0

    def prepare(self, n: int) -> list[NewEvent]:
        return [new_event(self.count + i) for i in range(n)]

    def run(self, batch: list[NewEvent]) -> float:
        started = time.perf_counter()
        for e in batch:
            i, self.count = self.count, self.count + 1
            self.ledger.append(f"{self.prefix}-{i % STREAMS}", [e], i // STREAMS)
        return time.perf_counter() - started


def chained_sha256(n: int, length: int) -> float:
    """Seconds for the plain reference: h = SHA-256(h_prev + record), hex, over ``n`` records
    of ``length`` characters (h_prev, 64 hex characters, included)."""
    bodies = [f"{i:08d}".ljust(max(length - 64, 8), "x") for i in range(4096)]
    prev = GENESIS
    sha256 = hashlib.sha256
    started = time.perf_counter()
    for i in range(n):
        prev = sha256((prev + bodies[i & 4095]).encode()).hexdigest()
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------------
# The ledger's workloads


@dataclass(frozen=True)
class SingleTargets:
    """Workload 1's targets: at least ``raw`` times the raw ceiling (the ledger's schema) and,
    if given, ``reference`` times eventsourcing."""

    raw: float
    reference: float | None = None

    def text(self) -> str:
        also = (f" and >= {self.reference:.1f}x eventsourcing"
                if self.reference is not None else "")
        return f">= {self.raw:.1f}x raw sqlite3 (ledger's schema){also}"


def single_appends(backend: Backend, engine: Engine, sizes: Sizes, reference: MakeReference,
                   ceilings: tuple[RawSQLite, RawSQLite] | None, *,
                   targets: SingleTargets | None, label: str = "") -> None:
    """Workload 1, in alternating rounds with the reference and the ceilings (the ledger's
    schema, then the 2-column table)."""
    ledger = Ledger(engine, clock=Clock(timedelta(minutes=1)))
    ours = SingleAppends(ledger, "bench-single")
    theirs, settings = reference()
    per_round = sizes.single // sizes.single_rounds
    spent = {"ledger": 0.0, "reference": 0.0, "raw": 0.0, "plain": 0.0}
    for _ in range(sizes.single_rounds):
        spent["ledger"] += ours.run(ours.prepare(per_round))
        if theirs is not None:
            spent["reference"] += theirs.run(theirs.prepare(per_round))
        if ceilings is not None:
            spent["raw"] += ceilings[0].run(per_round)
            spent["plain"] += ceilings[1].run(per_round)
    n = per_round * sizes.single_rounds
    ours_rate = rate(n, spent["ledger"])
    if theirs is None:
        backend.add(Figure(f"single-event appends{label}", ours_rate, "appends/s",
                           reference=settings))
        return
    theirs.close()
    theirs_rate = rate(n, spent["reference"])
    ratio = ours_rate / theirs_rate
    reference_text = f"eventsourcing {theirs_rate:,.0f} appends/s ({settings}); ratio {ratio:.2f}"
    met = None
    if ceilings is not None:
        raw_rate, plain_rate = rate(n, spent["raw"]), rate(n, spent["plain"])
        raw_ratio = ours_rate / raw_rate
        reference_text += (f"; raw sqlite3 ceiling, the ledger's schema and settings "
                           f"{raw_rate:,.0f} commits/s (ledger {raw_ratio:.2f}x, eventsourcing "
                           f"{theirs_rate / raw_rate:.2f}x of it); raw sqlite3, a 200-byte row "
                           f"in a 2-column table {plain_rate:,.0f} commits/s (ledger "
                           f"{ours_rate / plain_rate:.2f}x)")
        if targets is not None:
            met = raw_ratio >= targets.raw and (targets.reference is None
                                                or ratio >= targets.reference)
    backend.add(Figure(f"single-event appends{label}", ours_rate, "appends/s",
                       reference=reference_text,
                       target=targets.text() if targets is not None else "", met=met))


THREADS = 16  # INTERSESSIONAL_ACTIVITY_THREADS' default


def threaded(work: Callable[[int, int], object], each: int) -> float:
    """Seconds for THREADS threads each calling ``work(thread, k)`` for k in 0..each-1."""
    start = threading.Barrier(THREADS + 1)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        start.wait()
        try:
            for k in range(each):
                work(i, k)
        except BaseException as error:  # reported below: a benchmark that failed is no figure
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"concurrent appends failed: {errors[0]!r}")
    return time.perf_counter() - started


def insert_one(recorder: Any, stored: list[list[Any]], i: int, k: int) -> None:
    recorder.insert_events([stored[i][k]])  # one transaction each, as in workload 1


def concurrent_appends(backend: Backend, engine: Engine, sizes: Sizes,
                       reference: MakeReference, *, target: float) -> None:
    """Workload 1b: THREADS appenders at once, group commit against the reference."""
    group = GroupCommitLedger(engine, clock=Clock(timedelta(seconds=1)))
    plain = Ledger(engine, clock=Clock(timedelta(seconds=1)))
    theirs, settings = reference()
    each = max(1, sizes.single // THREADS // sizes.rounds)
    versions = {"group": [0] * THREADS, "plain": [0] * THREADS}
    spent = {"group": 0.0, "plain": 0.0, "reference": 0.0}

    def ours(name: str, ledger: Ledger) -> float:
        batches = [[new_event(k) for k in range(each)] for _ in range(THREADS)]
        done = versions[name]

        def work(i: int, k: int) -> None:
            ledger.append(f"bench-{name}-{i}", [batches[i][k]], done[i])
            done[i] += 1
        return threaded(work, each)

    for _ in range(sizes.rounds):
        spent["group"] += ours("group", group)
        if theirs is not None:
            stored = [theirs.prepare_stream(i, each) for i in range(THREADS)]
            spent["reference"] += threaded(partial(insert_one, theirs.recorder, stored), each)
        spent["plain"] += ours("plain", plain)
    n = each * THREADS * sizes.rounds
    group_rate, plain_rate = rate(n, spent["group"]), rate(n, spent["plain"])
    label = f"{THREADS} concurrent appenders"
    plain_text = (f"plain Ledger (a commit each) {plain_rate:,.0f} appends/s: group commit "
                  f"{group_rate / plain_rate:.2f}x of it")
    if theirs is None:
        backend.add(Figure(label, group_rate, "appends/s", reference=f"{settings}; {plain_text}"))
        return
    theirs.close()
    theirs_rate = rate(n, spent["reference"])
    ratio = group_rate / theirs_rate
    backend.add(Figure(label, group_rate, "appends/s",
                       reference=f"eventsourcing {theirs_rate:,.0f} appends/s on the same "
                                 f"{THREADS} threads ({settings}); ratio {ratio:.2f}; "
                                 f"{plain_text}",
                       target=f">= {target}x eventsourcing", met=ratio >= target))


class Loader:
    """Batched appends of ``sizes.batch`` events, round robin over the streams, timing only
    ``Ledger.append`` (building the NewEvents is left out)."""

    def __init__(self, ledger: Ledger, clock: Clock, batch: int) -> None:
        self.ledger, self.clock, self.batch = ledger, clock, batch
        self.versions = [0] * STREAMS
        self.loaded, self.seconds, self.appends = 0, 0.0, 0

    def load(self, n: int, floor: RawBatches | None = None) -> float:
        """Append ``n`` events; the floor, if given, takes each batch right after the ledger."""
        spent = 0.0
        for _ in range(n // self.batch):
            batch = [new_event(self.loaded + i) for i in range(self.batch)]
            stream = self.appends % STREAMS
            started = time.perf_counter()
            self.ledger.append(f"bench-load-{stream}", batch, self.versions[stream])
            spent += time.perf_counter() - started
            if floor is not None:
                floor.run(batch, f"bench-load-{stream}", self.versions[stream])
            self.versions[stream] += self.batch
            self.loaded += self.batch
            self.appends += 1
        self.seconds += spent
        return spent


def mean_record_length(engine: Engine, sample: int = 1_000) -> int:
    query = select(*(events.c[name] for name in COLUMNS)).order_by(events.c.position)
    with engine.connect() as conn:
        rows = conn.execute(query.limit(sample)).all()
    return round(sum(len(record_text(header(tuple(r)), r[15])) for r in rows) / len(rows))


def verify_figure(backend: Backend, engine: Engine, total: int, targets: bool) -> None:
    started = time.perf_counter()
    report = verify(engine)
    seconds = time.perf_counter() - started
    if not report.intact or report.events != total:
        raise SystemExit(f"verify found {report.problem} over {report.events} of {total} events")
    length = mean_record_length(engine)
    plain = chained_sha256(total, length)
    ours = rate(total, seconds)
    ratio = seconds / plain
    backend.add(Figure(
        f"verify over {total:,} events", ours, "events/s",
        reference=f"plain chained SHA-256 {rate(total, plain):,.0f} records/s over {total:,} "
                  f"records of {length} chars; verify takes {ratio:.1f}x its time",
        target=">= 300,000 events/s, and within 4x of the plain chain" if targets else "",
        met=(ours >= 300_000 and ratio <= 4) if targets else None))
    if targets:
        backend.note(f"verify: {ours:,.0f} events/s is {ours / 300_000:.2f} of 300,000; "
                     f"{ratio:.1f}x the plain chain (target <= 4x)")


def state_as_of(backend: Backend, engine: Engine, moment: datetime, total: int,
                target: bool) -> None:
    ledger = Ledger(engine)
    with engine.connect() as conn:
        expected = conn.execute(select(func.count()).select_from(events).where(
            events.c.recorded_at <= canonical_time(moment))).scalar_one()
    counts: dict[str, int] = {}
    last: dict[str, int] = {}
    started = time.perf_counter()
    for e in ledger.read_as_of(moment):
        counts[e.stream] = counts.get(e.stream, 0) + 1
        last[e.stream] = e.version
    seconds = time.perf_counter() - started
    read = sum(counts.values())
    if read != expected or counts != last:
        raise SystemExit(f"read_as_of read {read} events, {expected} expected")
    backend.add(Figure(
        f"state as of {moment:%Y-%m-%d %H:%M} ({read:,} of {total:,} events)", seconds,
        "s", reference=f"{rate(read, seconds):,.0f} events/s read and folded "
                       f"(count and last version of {len(counts)} streams)",
        target="< 10 s over 1,000,000 events" if target else "",
        met=seconds < 10 if target else None))


def ledger_workloads(backend: Backend, engine: Engine, sizes: Sizes, reference: MakeReference,
                     ceilings: tuple[RawSQLite, RawSQLite] | None, *, targets: bool,
                     floor: RawBatches | None = None,
                     concurrent: tuple[MakeReference, float] | None = None) -> None:
    single_appends(backend, engine, sizes, reference, ceilings,
                   targets=SingleTargets(raw=0.8, reference=1.0) if targets else None)
    if concurrent is not None:
        concurrent_appends(backend, engine, sizes, concurrent[0], target=concurrent[1])

    batches = sizes.as_of // sizes.batch
    clock = Clock(SPAN / batches)
    loader = Loader(Ledger(engine, clock=clock), clock, sizes.batch)
    spent = loader.load(sizes.verify, floor)
    ours = rate(loader.loaded, spent)
    reference_text = f"{loader.loaded:,} events in {loader.appends} appends"
    if floor is not None:
        floor.close()
        floor_rate = rate(floor.loaded, floor.seconds)
        reference_text += (f"; raw sqlite3 floor (the same rows, finished, into the same "
                           f"schema, batch by batch alongside) {floor_rate:,.0f} events/s: "
                           f"ledger {ours / floor_rate:.2f}x of it")
    backend.add(Figure(f"batched appends ({sizes.batch:,} events each)", ours, "events/s",
                       reference=reference_text, target=">= 50,000 events/s" if targets else "",
                       met=ours >= 50_000 if targets else None))

    # every event in the ledger: the single and concurrent appends' too
    verify_figure(backend, engine, Ledger(engine).head(), targets)

    loader.load(sizes.as_of - loader.loaded)
    backend.add(Figure(f"load of {loader.loaded:,} events (batched appends)",
                       rate(loader.loaded, loader.seconds), "events/s",
                       reference=f"{loader.seconds:.1f} s in Ledger.append, recorded_at "
                                 f"{START:%Y-%m-%d} to {clock.now:%Y-%m-%d}"))
    # near the end: the moment 99% of the way through the load
    moment = START + timedelta(minutes=sizes.single) + (clock.now - START) * 0.99
    state_as_of(backend, engine, moment, Ledger(engine).head(),
                targets and sizes.as_of >= 1_000_000)


# ---------------------------------------------------------------------------------------------
# Backends


@contextmanager
def sqlite_engine(path: Path, synchronous: str | None = None) -> Iterator[Engine]:
    engine = create_ledger_engine(f"sqlite:///{path}")
    if synchronous is not None:  # after the engine's own PRAGMAs, for the supplement only
        @event.listens_for(engine, "connect")
        def _synchronous(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def run_sqlite(sizes: Sizes, directory: Path) -> Backend:
    backend = Backend("SQLite")
    print(f"\n== SQLite {sqlite3.sqlite_version}: a file in {directory}, WAL, synchronous=FULL "
          "(create_ledger_engine) ==")

    def reference() -> tuple[Reference | None, str]:
        try:
            es = EventsourcingSQLite(directory / "eventsourcing.sqlite3")
        except ImportError:
            return None, "eventsourcing is not installed (pip install -e '.[bench]')"
        return es, f"SQLiteApplicationRecorder, {es.settings()}"

    def full() -> tuple[Reference | None, str]:
        try:
            es = EventsourcingSQLite(directory / "eventsourcing-full.sqlite3", "FULL")
        except ImportError:
            return None, "eventsourcing is not installed (pip install -e '.[bench]')"
        return es, f"SQLiteApplicationRecorder, {es.settings()}"

    ceilings = (RawSQLite(directory / "raw.sqlite3"),
                RawSQLite(directory / "raw-plain.sqlite3", ledger=False))
    floor = RawBatches(directory / "raw-batches.sqlite3")
    with sqlite_engine(directory / "ledger.sqlite3") as engine:
        ledger_workloads(backend, engine, sizes, reference, ceilings, targets=True, floor=floor,
                         concurrent=(full, 3.0))
    for ceiling in ceilings:
        ceiling.close()
    supplement_normal(backend, sizes, directory)
    return backend


def supplement_normal(backend: Backend, sizes: Sizes, directory: Path) -> None:
    """Both sides at synchronous=NORMAL: no fsync per commit, so Python's share shows."""
    def reference() -> tuple[Reference | None, str]:
        try:
            es = EventsourcingSQLite(directory / "eventsourcing-normal.sqlite3", "NORMAL")
        except ImportError:
            return None, "eventsourcing is not installed"
        return es, f"SQLiteApplicationRecorder, {es.settings()}"

    print("  both sides at synchronous=NORMAL, no fsync per commit: Python's share shows")
    ceilings = (RawSQLite(directory / "raw-normal.sqlite3", "NORMAL"),
                RawSQLite(directory / "raw-plain-normal.sqlite3", "NORMAL", ledger=False))
    with sqlite_engine(directory / "ledger-normal.sqlite3", "NORMAL") as engine:
        single_appends(backend, engine, sizes, reference, ceilings,
                       targets=SingleTargets(raw=0.5), label=" at synchronous=NORMAL")
    for ceiling in ceilings:
        ceiling.close()


def run_postgres(sizes: Sizes, url: str) -> Backend | None:
    reason = unreachable(url)
    if reason:
        print(f"\n== PostgreSQL: skipped. {reason} ==")
        return None
    schema = f"ledger_bench_{uuid.uuid4().hex[:12]}"
    admin = create_ledger_engine(url)
    with admin.connect() as conn:
        settings = ", ".join(f"{name}={conn.exec_driver_sql(f'SHOW {name}').scalar()}" for name in
                             ("server_version", "fsync", "synchronous_commit", "wal_sync_method"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    print(f"\n== PostgreSQL ({settings}): schema {schema}, dropped at the end ==")
    backend = Backend("PostgreSQL")

    def reference() -> tuple[Reference | None, str]:
        try:
            es = EventsourcingPostgres(url, schema)
        except ImportError as error:
            return None, (f"eventsourcing's PostgreSQL recorder not measured: {error.name} is "
                          "not installed (pip install 'eventsourcing[postgres]')")
        return es, "PostgresApplicationRecorder, same server and settings"

    engine = create_ledger_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        ledger_workloads(backend, engine, sizes, reference, None, targets=False,
                         concurrent=(reference, 1.5))
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return backend


# ---------------------------------------------------------------------------------------------
# Profiles, and the summary


def profile(directory: Path, events_count: int) -> None:
    """cProfile of verify and of the as-of fold on a SQLite ledger of ``events_count``."""
    print(f"\n== Profiles (cProfile, SQLite, {events_count:,} events; times inflated by the "
          "profiler) ==")
    with sqlite_engine(directory / "profile.sqlite3") as engine:
        clock = Clock(SPAN / max(1, events_count // 1_000))
        Loader(Ledger(engine, clock=clock), clock, 1_000).load(events_count)
        moment = clock.now + timedelta(days=1)
        for name, work in (("verify", lambda: verify(engine)),
                           ("read_as_of fold", lambda: sum(1 for _ in Ledger(engine)
                                                           .read_as_of(moment)))):
            profiler = cProfile.Profile()
            profiler.runcall(work)
            print(f"\n-- {name} --")
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(14)


def summary(backends: list[Backend], mode: str, seconds: float) -> None:
    print(f"\n== Summary ({mode} run, {seconds:.0f} s) ==")
    print("| backend | figure | value | reference (same run) | target | met |")
    print("|---|---|---|---|---|---|")
    for backend in backends:
        for f in backend.figures:
            met = "" if f.met is None else ("yes" if f.met else "**no**")
            print(f"| {backend.name} | {f.name} | {f.shown} | {f.reference} | {f.target} | {met} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--profile", action="store_true",
                        help="instead, print cProfile figures of verify and read_as_of")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    mode = "quick" if args.quick else "full"
    try:
        es_version = metadata.version("eventsourcing")
    except metadata.PackageNotFoundError:
        es_version = "not installed"
    print(f"ledger benchmark, {mode} sizes: {sizes}")
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, eventsourcing {es_version}, {os.cpu_count()} cores, "
          f"{platform.machine()} {platform.system()}")
    started = time.perf_counter()
    backends = []
    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as tmp:
        if args.profile:
            profile(Path(tmp), 20_000 if args.quick else 200_000)
            return
        backends.append(run_sqlite(sizes, Path(tmp)))
        if not args.no_postgres:
            pg = run_postgres(sizes, args.postgres_url)
            if pg is not None:
                backends.append(pg)
    summary(backends, mode, time.perf_counter() - started)


if __name__ == "__main__":
    main()

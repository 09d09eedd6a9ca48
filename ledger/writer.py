"""The append path's transaction, run through the driver: no SQLAlchemy work per append.

An append is a handful of fixed statements, so :func:`transaction` runs them as SQL strings
written once with the driver's own placeholders, on a DBAPI connection (a SQLite engine's
writer holds its own, ``ledger.engine.SQLiteWriter``; PostgreSQL takes one from the pool):
SQLAlchemy's work per statement (its Connection, the compiled cache's look-up, result objects,
the begin event) cost ~180 µs of an append whose SQLite work is ~50 µs (docs/BENCHMARKS.md,
issue 23).
Errors of the driver leave as SQLAlchemy's own (``IntegrityError``, ``OperationalError``…), as
they did through a Connection, so callers catch what they caught before.

The transaction opens at the head in one round trip on SQLite: ``BEGIN IMMEDIATE`` holds the
write lock, and one SELECT reads the head, the recorded_at of the event at the head and the end
(version, hash) of the first stream to be written. PostgreSQL first locks the head row (``FOR
UPDATE``: writers queue there, so positions are gapless and in commit order), then reads the
same SELECT as a statement of its own: in READ COMMITTED a statement's snapshot is taken when
it starts, so a SELECT that waited for the lock would not see the events of the writer it waited
for. Nothing is kept across transactions: other processes write the same ledger.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Dialect, Engine
from sqlalchemy.exc import DBAPIError

from ledger.encoding import GENESIS
from ledger.engine import sqlite_writer, writer_lock
from ledger.records import COLUMNS

#: the columns of ``attestations``, in the order the append path inserts them
ATTESTATION = ("event_id", "nonce", "key_id", "statement", "signature", "input")


def _statements(mark: str) -> dict[str, str]:
    end = "SELECT {} FROM events WHERE stream = {} ORDER BY version DESC LIMIT 1"
    return {
        "lock": "SELECT position FROM ledger_head WHERE id = 1 FOR UPDATE",
        "open": ("SELECT h.position, "
                 "(SELECT recorded_at FROM events WHERE position = h.position), "
                 f"({end.format('version', mark)}), ({end.format('hash', mark)}) "
                 "FROM ledger_head h WHERE h.id = 1"),
        "end": end.format("version, hash", mark),
        # the ends of several streams at once, from a VALUES list of them (column1 on both)
        "ends": (f"SELECT v.column1, ({end.format('version', 'v.column1')}), "
                 f"({end.format('hash', 'v.column1')}) FROM (VALUES {{}}) AS v"),
        "insert": (f"INSERT INTO events ({', '.join(COLUMNS)}) "
                   f"VALUES ({', '.join([mark] * len(COLUMNS))})"),
        "attest": (f"INSERT INTO attestations ({', '.join(ATTESTATION)}) "
                   f"VALUES ({', '.join([mark] * len(ATTESTATION))})"),
        "advance": f"UPDATE ledger_head SET position = {mark} WHERE id = 1",
        "by_ids": f"SELECT {', '.join(COLUMNS)} FROM events WHERE event_id IN ",
    }


_SQL = {"sqlite": _statements("?"), "postgresql": _statements("%s")}
_MARK = {"sqlite": "?", "postgresql": "%s"}
_POSITION, _VERSION, _HASH = (COLUMNS.index(name) for name in ("position", "version", "hash"))


class Transaction:
    """One writing transaction, its head locked: the cursor, the dialect's statements, and what
    the transaction knows, as it has moved it: ``head``, ``recorded_at`` (that of the event at
    the head, which no later event may precede), and the ends of the streams read or written.
    These hold for the transaction only: every writer takes the head lock, so nobody else moves
    them meanwhile, and nothing is kept once it ends (other processes write the same ledger).

    ``deferred``: rows are held back and inserted together (:meth:`flush`) before anything
    reads the events again and before the commit — one statement for a whole group."""

    __slots__ = ("_attested", "_dialect", "_error", "_rows", "_savepoints", "cursor",
                 "deferred", "ends", "head", "mark", "opened", "recorded_at", "sql")

    def __init__(self, cursor: Any, dialect: Dialect, *, deferred: bool = False) -> None:
        self.cursor, self.sql, self.mark = cursor, _SQL[dialect.name], _MARK[dialect.name]
        self._dialect, self._error = dialect, _driver_error(dialect)
        self.head = self.opened = 0
        self.recorded_at = ""
        self.ends: dict[str, tuple[int, str]] = {}
        self.deferred = deferred
        self._rows: list[tuple[Any, ...]] = []
        self._attested: list[tuple[Any, ...]] = []
        self._savepoints = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The driver's cursor after ``sql``; a driver's error raised as SQLAlchemy's."""
        try:
            return self.cursor.execute(sql, params)
        except self._error as error:
            raise _wrapped(error, self._dialect, sql, params) from error

    def _executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if len(rows) == 1:  # the driver's executemany costs more for a single row
            self.execute(sql, rows[0])
            return
        try:
            self.cursor.executemany(sql, rows)
        except self._error as error:
            raise _wrapped(error, self._dialect, sql, rows) from error

    def open(self, streams: Sequence[str]) -> None:
        """Read the head and the ends of ``streams`` (those about to be written): the head
        and the first stream's end in one SELECT, the others' (if any) in a second."""
        first = streams[0]
        row = self.execute(self.sql["open"], (first, first)).fetchone()
        self.head = self.opened = int(row[0])
        self.recorded_at = row[1] or ""
        self.ends = {first: (int(row[2] or 0), row[3] or GENESIS)}
        if len(streams) > 1 and (others := list(dict.fromkeys(s for s in streams
                                                             if s != first))):
            values = ", ".join([f"({self.mark})"] * len(others))
            for stream, version, digest in self.execute(self.sql["ends"].format(values),
                                                        others).fetchall():
                self.ends[stream] = (int(version or 0), digest or GENESIS)

    def end(self, stream: str) -> tuple[int, str]:
        """(version, hash) of ``stream``'s last event; ``(0, GENESIS)`` for a stream not begun."""
        known = self.ends.get(stream)
        if known is None:
            row = self.execute(self.sql["end"], (stream,)).fetchone()
            known = self.ends[stream] = (int(row[0]), row[1]) if row else (0, GENESIS)
        return known

    def insert(self, stream: str, rows: list[tuple[Any, ...]], attested: list[tuple[Any, ...]],
               recorded_at: str) -> None:
        """Write ``rows`` (in ``COLUMNS`` order: the next events of ``stream`` from the head
        on) and their ``attested`` rows (in ``ATTESTATION`` order); move the head past them."""
        last = rows[-1]
        self.ends[stream] = (last[_VERSION], last[_HASH])
        self.head, self.recorded_at = last[_POSITION], recorded_at
        self._rows += rows
        self._attested += attested
        if not self.deferred:
            self.flush()

    def flush(self) -> None:
        """Insert the rows held back, events first, then their attestations."""
        if self._rows:
            rows, self._rows = self._rows, []
            self._executemany(self.sql["insert"], rows)
        if self._attested:  # in the same transaction: an event and its attestation, or neither
            attested, self._attested = self._attested, []
            self._executemany(self.sql["attest"], attested)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo what the block wrote, and what it moved, if it raises."""
        self.flush()
        self._savepoints += 1
        name = f"append_{self._savepoints}"
        head, recorded_at, ends = self.head, self.recorded_at, dict(self.ends)
        self.execute(f"SAVEPOINT {name}")
        try:
            yield
            self.flush()
        except BaseException:
            self._rows, self._attested = [], []
            self.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.execute(f"RELEASE SAVEPOINT {name}")
            self.head, self.recorded_at, self.ends = head, recorded_at, ends
            raise
        self.execute(f"RELEASE SAVEPOINT {name}")


@contextmanager
def transaction(engine: Engine, streams: Sequence[str], *, deferred: bool = False
                ) -> Iterator[Transaction]:
    """A writing transaction at the head, opened for ``streams`` (:meth:`Transaction.open`):
    the rows held back inserted, the head advanced and all of it committed if the block
    returns; all of it rolled back if it raises."""
    dialect = engine.dialect
    dbapi_error = _driver_error(dialect)
    writer = sqlite_writer(engine)
    with writer_lock(engine):
        pooled = writer.held if writer is not None else None
        if pooled is None:
            try:
                pooled = engine.raw_connection()
            except dbapi_error as error:  # as a Connection would raise it: unreachable, say
                raise _wrapped(error, dialect, None, None) from error
            if writer is not None:
                writer.held = pooled
        driver: Any = pooled.driver_connection
        cursor = driver.cursor()
        try:
            tx = Transaction(cursor, dialect, deferred=deferred)
            tx.execute("BEGIN IMMEDIATE" if writer is not None else tx.sql["lock"])
            tx.open(streams)
            yield tx
            tx.flush()
            if tx.head != tx.opened:
                tx.execute(tx.sql["advance"], (tx.head,))
            try:
                driver.commit()
            except dbapi_error as error:
                raise _wrapped(error, dialect, "COMMIT", ()) from error
        except BaseException as error:
            orig = error.orig if isinstance(error, DBAPIError) else None
            lost = isinstance(orig, dbapi_error) and dialect.is_disconnect(
                orig, driver, cursor)  # type: ignore[arg-type] # the driver's Error
            if lost or not _rolled_back(driver, dbapi_error):  # unusable: never handed out again
                if writer is not None:
                    writer.drop()
                elif lost:
                    # as SQLAlchemy's own Connection does on a disconnect: every connection of
                    # the pool opened before now is recycled at its next checkout (a server
                    # restarted, or its backends terminated, leaves them all dead: one at a
                    # time, each append's retry met the next, and the retries' backoff grew to
                    # half a minute)
                    engine.pool._invalidate(pooled, error)
                else:
                    pooled.invalidate()
            raise
        finally:  # the cursor goes with the transaction: nothing of it is kept
            if writer is None:
                pooled.close()  # back to the pool (or closed, if invalidated)


def _driver_error(dialect: Dialect) -> type[Exception]:
    error: type[Exception] = dialect.loaded_dbapi.Error
    return error


def _wrapped(error: Exception, dialect: Dialect, sql: str | None, params: Any
             ) -> BaseException:
    """``error`` of the driver as SQLAlchemy raises it (IntegrityError, OperationalError…)."""
    return DBAPIError.instance(sql, params, error, _driver_error(dialect), dialect=dialect)


def _rolled_back(driver: Any, dbapi_error: type[Exception]) -> bool:
    try:
        driver.rollback()
    except dbapi_error:
        return False
    return True

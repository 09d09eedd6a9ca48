"""Engines for the ledger's two backends, and the migration to the current schema.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL`` — an append is durable
when it returns. A transaction opened by :func:`writing` begins ``IMMEDIATE``, taking the write
lock up front so two writers never deadlock upgrading a read lock; reads begin plainly and read
a snapshot without blocking anyone. PostgreSQL runs through psycopg 3.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, PoolProxiedConnection, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).parent / "migrations"
_WRITES = "intersessional_writes"

# One writer per SQLite engine. SQLite admits one writer at a time; a thread that finds the write
# lock taken sleeps in SQLite's busy handler, in steps of up to 100 ms, and so may wake long
# after the writer has gone. 16 threads appending one event each: p99 331 ms, max 1.5 s at
# ~1,000 appends/s; queued on a Python lock instead, each is woken the moment the previous
# writer commits. Other processes still meet the busy handler (busy_timeout, SQLITE_PRAGMAS).
# create_ledger_engine gives each SQLite engine its writer; PostgreSQL queues writers on the
# head row's lock itself.
class SQLiteWriter:
    """A SQLite engine's one writer: the lock its writing transactions queue on, and the
    connection the ledger's append path (``ledger.writer``) writes through, ``held`` out of the
    pool from its first append until the engine is disposed (or the connection lost): checking
    a connection out and back in cost ~15 µs an append. Use both only with the lock held."""

    def __init__(self, engine: Engine) -> None:
        self.lock = threading.Lock()
        self.held: PoolProxiedConnection | None = None
        event.listen(engine, "engine_disposed", self._disposed)

    def _disposed(self, _engine: Engine) -> None:
        with self.lock:
            self.drop()

    def drop(self) -> None:
        """Close the held connection; the next append takes another from the pool."""
        held, self.held = self.held, None
        if held is not None:
            held.invalidate()  # closed, not handed out again
            held.close()


_SQLITE_WRITERS: WeakKeyDictionary[Engine, SQLiteWriter] = WeakKeyDictionary()

#: every SQLite connection's settings (also those of the benchmark's raw sqlite3 references)
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=30000",
    # A batched append dirties pages all over the event_id index (random UUIDs). At SQLite's
    # defaults (2 MB of cache, a checkpoint every 1,000 WAL pages) a batch of 1,000 events
    # triggered a checkpoint, and an fsync of the database, nearly every commit, rewriting the
    # same index pages again and again; a 64 MiB cache and WAL cut SQLite's own time per
    # batched event by about a third. Durability is unchanged (the WAL is still synced at every
    # commit); the WAL may grow to ~64 MiB before a checkpoint.
    "PRAGMA cache_size=-65536",  # KiB
    "PRAGMA wal_autocheckpoint=16384",  # pages of 4 KiB
)


def create_ledger_engine(url: str, **options: Any) -> Engine:
    """An engine for ``url``: ``sqlite:///path`` or ``postgresql://…`` (psycopg 3 is used)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(parsed.set(drivername="postgresql+psycopg"), **options)
        return engine
    if parsed.get_backend_name() != "sqlite":
        raise ValueError(f"the ledger runs on SQLite or PostgreSQL, not {parsed.drivername}")
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(_WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    _SQLITE_WRITERS[engine] = SQLiteWriter(engine)
    return engine


def sqlite_writer(engine: Engine) -> SQLiteWriter | None:
    """The writer of a SQLite engine made by :func:`create_ledger_engine`; None otherwise."""
    return _SQLITE_WRITERS.get(engine)


def writer_lock(engine: Engine) -> AbstractContextManager[object]:
    """The lock a writer of ``engine`` holds over its transaction (SQLite; none on PostgreSQL)."""
    writer = _SQLITE_WRITERS.get(engine)
    return writer.lock if writer is not None else nullcontext()


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: committed on success, rolled back on any error."""
    with writer_lock(engine), engine.connect() as connection:
        connection.execution_options(**{_WRITES: True})
        with connection.begin():
            yield connection


def placeholder(engine: Engine) -> str:
    """The driver's parameter marker: sqlite3's ``?``, or psycopg's ``%s``."""
    return "?" if engine.dialect.paramstyle == "qmark" else "%s"


def driver_batches(engine: Engine, sql: str, params: tuple[Any, ...], size: int
                   ) -> Generator[list[tuple[Any, ...]]]:
    """Rows of ``sql`` (written with :func:`placeholder`'s marker) a batch at a time, through
    the driver's own cursor — a server-side one on PostgreSQL. For reads of millions of rows,
    where a SQLAlchemy Row apiece would cost more than the work done with it.

    On PostgreSQL the rows come in the binary format (the same Python values: text as str,
    integers as int, bytea as bytes): verify's rows cost psycopg about half the CPU of the text
    format, and the server a tenth less (docs/BENCHMARKS.md, issue 23)."""
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        server_side = engine.dialect.name == "postgresql"
        cursor = driver.cursor(name="ledger_batches", binary=True) if server_side else \
            driver.cursor()
        try:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(size):
                yield batch
        finally:
            cursor.close()


def unreachable(url: str) -> str | None:
    """Why the database at ``url`` cannot be reached, in one sentence; ``None`` if it can."""
    try:
        probe = create_ledger_engine(url, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        probe.dispose()
    except Exception as error:  # any failure to connect means "unreachable"
        first = str(error).splitlines()[0] if str(error) else ""
        return f"{url} is not reachable ({type(error).__name__}: {first})"
    return None


#: the latest revision: the migrations are named ``NNNN_what.py`` with revision ``NNNN``
#: (tests/ledger/test_migrations_head.py holds this to alembic's own head)
HEAD = max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def at_head(engine: Engine) -> bool:
    """Whether the ledger behind ``engine`` is migrated to :data:`HEAD` already (one SELECT;
    ``False`` for a database never migrated)."""
    try:
        with engine.connect() as connection:
            version = connection.exec_driver_sql(
                "SELECT version_num FROM alembic_version").scalar_one_or_none()
    except SQLAlchemyError:
        return False
    return version == HEAD


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the ledger behind ``engine`` to ``revision`` (``alembic upgrade head``); to the
    head, nothing is done (alembic not even imported) where the ledger is there already."""
    if revision == "head" and at_head(engine):
        return
    # imported here: alembic costs a process ~0.2 s to import, and most never migrate (every
    # CLI command that reads the ledger imports this module; people's commands upgrade first)
    from alembic import command  # noqa: PLC0415
    from alembic.config import Config  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writing(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
